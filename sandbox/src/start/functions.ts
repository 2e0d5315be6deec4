import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { LOOPBACK_HOST, assertPortFree, freeLoopbackPort } from './loopback';

export interface FunctionsServerOptions {
  /** 0 = a free port. */
  port: number;
  /** The service settings, written to the env file twilio-run reads (it replaces process.env with it). */
  settings: Record<string, string>;
  /** Where twilio-run's output goes. */
  logFile: string;
  portHint?: string;
  /** How long to wait for the first answer. */
  readyTimeoutMs?: number;
}

export interface FunctionsServer {
  url: string;
  port: number;
  logFile: string;
  stop(): Promise<void>;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const SERVERLESS_DIR = path.join(REPO_ROOT, 'serverless');
const READY_PROBE_PATH = '/stuck-tasks/scan';

function twilioRunBin(): string {
  const manifestPath = require.resolve('twilio-run/package.json', { paths: [SERVERLESS_DIR] });
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: Record<string, string> };
  return path.join(path.dirname(manifestPath), manifest.bin['twilio-run']);
}

function envFileText(settings: Record<string, string>): string {
  return (
    Object.entries(settings)
      .map(([key, value]) => {
        if (/[\r\n]/.test(value)) throw new Error(`Setting ${key} must be on one line`);
        return `${key}=${JSON.stringify(value)}`;
      })
      .join('\n') + '\n'
  );
}

/**
 * Runs the real Functions with `twilio-run start --env FILE --port PORT` inside serverless/,
 * bound to loopback, and waits until they answer.
 */
export async function startFunctions(options: FunctionsServerOptions): Promise<FunctionsServer> {
  const hint = options.portHint ?? 'Choose another port.';
  let port = options.port;
  if (port === 0) {
    port = await freeLoopbackPort();
  } else {
    // twilio-run would otherwise ask on the terminal for another port.
    await assertPortFree(port, 'Functions service (twilio-run)', hint);
  }
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'stuck-tasks-functions-'));
  const envFile = path.join(workDir, 'sandbox.env');
  await fs.writeFile(envFile, envFileText(options.settings), { mode: 0o600 });
  await fs.mkdir(path.dirname(options.logFile), { recursive: true });
  const log = await fs.open(options.logFile, 'a');

  const child = spawn(
    process.execPath,
    [
      '--require',
      path.join(__dirname, 'bind-loopback.js'),
      twilioRunBin(),
      'start',
      '--env',
      envFile,
      '--port',
      String(port),
    ],
    {
      cwd: SERVERLESS_DIR,
      // Its own process group, so stopping it also stops the function processes it forks.
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.homedir(), FORCE_COLOR: '0' },
    },
  );
  await log.close();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);

  const url = `http://${LOOPBACK_HOST}:${port}`;
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await fs.rm(workDir, { recursive: true, force: true });
  };

  try {
    await waitUntilAnswering(url, exited, options.readyTimeoutMs ?? 60_000, options.logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, logFile: options.logFile, stop };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function waitUntilAnswering(
  url: string,
  exited: Promise<number | null>,
  timeoutMs: number,
  logFile: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`twilio-run exited (code ${exitCode}) before serving the Functions:\n${await tail(logFile)}`);
    }
    try {
      // Any HTTP answer (401 without a token) means the Functions are being served.
      await fetch(`${url}${READY_PROBE_PATH}`, { method: 'POST', signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`The Functions did not answer on ${url} within ${timeoutMs / 1000} s:\n${await tail(logFile)}`);
}

async function tail(file: string, lines = 20): Promise<string> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
