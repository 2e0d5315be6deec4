/**
 * The one way this repository runs the real Functions locally: `twilio-run start` inside serverless/,
 * used by `npm start` (the sandbox and the serverless workspace's own) and by the integration tests.
 * By default twilio-run forks a fresh process per request: every call is a cold start, isolated from
 * every other. `instances: 'warm'` serves them in twilio-run's own process with the bundles kept
 * loaded, as a hosted Function's warm container is reused from one invocation to the next (its
 * module scope kept: the engine's live-call list and its gateway's window). Every run listens on loopback only and uses
 * production error handling (NODE_ENV=production), so an unparseable body never gets an Express
 * error page or a stack trace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, promises as fs, readFileSync, type WriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { LOOPBACK_HOST, assertPortFree, freeLoopbackPort } from './loopback';

export interface FunctionsServerOptions {
  /** 0 = a free port. */
  port: number;
  /**
   * The service settings, written to the env file twilio-run reads (it replaces process.env with it,
   * and the function processes it forks inherit that). NODE_ENV is always `production`.
   */
  settings: Record<string, string>;
  /** Where twilio-run's output is appended (default: a file in a temporary folder). */
  logFile?: string;
  /** Also copy twilio-run's output here (the serverless `npm start` prints it). */
  echo?: NodeJS.WritableStream;
  /** What to tell the user when a port they chose is taken. */
  portHint?: string;
  /** How long to wait for the first answer. */
  readyTimeoutMs?: number;
  /** Test only: modules preloaded (`node --require`) into twilio-run and every function process. */
  preload?: readonly string[];
  /** `cold` (default): a fresh process per call. `warm`: one process, modules kept between calls. */
  instances?: FunctionInstances;
}

/** How the local runtime runs each Function call: see the file's comment. */
export type FunctionInstances = 'cold' | 'warm';
export const FUNCTION_INSTANCES: readonly FunctionInstances[] = ['cold', 'warm'];

/** twilio-run's flags for each way: in its own process (no fork), and no require-cache clearing (no live reload). */
const INSTANCE_FLAGS: Record<FunctionInstances, readonly string[]> = {
  cold: [],
  warm: ['--no-fork-process', '--no-live'],
};

export interface FunctionsServer {
  /** e.g. http://127.0.0.1:PORT */
  url: string;
  port: number;
  logFile: string;
  /** How long the start took until the Functions answered. */
  startupMs: number;
  /** Lines printed so far (twilio-run's and the functions' own), the latest ones. */
  output(): string[];
  /** The functions' structured log lines (JSON objects) printed so far. */
  logEntries(): Record<string, unknown>[];
  /** Waits until `predicate` holds for the structured log lines (the log pipe lags the HTTP answer). */
  waitForLogEntries(
    predicate: (entries: Record<string, unknown>[]) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const SERVERLESS_DIR = path.join(REPO_ROOT, 'serverless');
/** twilio-run answers the CORS preflight of a function it serves itself, without forking a process. */
const READY_PROBE_PATH = '/stuck-tasks/scan';
const KEPT_OUTPUT_LINES = 5000;
const STOP_GRACE_MS = 5000;

function twilioRunBin(): string {
  const manifestPath = require.resolve('twilio-run/package.json', { paths: [SERVERLESS_DIR] });
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: Record<string, string> };
  return path.join(path.dirname(manifestPath), manifest.bin['twilio-run']);
}

function envFileText(settings: Record<string, string>): string {
  return (
    Object.entries({ ...settings, NODE_ENV: 'production' })
      .map(([key, value]) => {
        if (/[\r\n]/.test(value)) throw new Error(`Setting ${key} must be on one line`);
        return `${key}=${JSON.stringify(value)}`;
      })
      .join('\n') + '\n'
  );
}

/** Starts the built Functions and waits until they answer. */
export async function startFunctions(options: FunctionsServerOptions): Promise<FunctionsServer> {
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'stuck-tasks-functions-'));
  try {
    const envFile = path.join(workDir, 'functions.env');
    await fs.writeFile(envFile, envFileText(options.settings), { mode: 0o600 });
    const logFile = options.logFile ?? path.join(workDir, 'functions.log');
    await fs.mkdir(path.dirname(logFile), { recursive: true });
    if (options.port !== 0) {
      // twilio-run would otherwise ask on the terminal for another port.
      await assertPortFree(options.port, 'Functions service (twilio-run)', options.portHint ?? 'Choose another port.');
      return await launch(options, options.port, envFile, logFile, workDir);
    }
    // A port found free can be taken before twilio-run binds it; then try another one.
    let lastError: unknown;
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      try {
        return await launch(options, await freeLoopbackPort(), envFile, logFile, workDir);
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  } catch (error) {
    await fs.rm(workDir, { recursive: true, force: true });
    throw error;
  }
}

async function launch(
  options: FunctionsServerOptions,
  port: number,
  envFile: string,
  logFile: string,
  workDir: string,
): Promise<FunctionsServer> {
  const started = Date.now();
  const preloads = [path.join(__dirname, 'local-runtime.js'), ...(options.preload ?? [])];
  const child = spawn(
    process.execPath,
    [
      ...preloads.flatMap((file) => ['--require', file]),
      twilioRunBin(),
      'start',
      '--env',
      envFile,
      '--port',
      String(port),
      ...INSTANCE_FLAGS[options.instances ?? 'cold'],
    ],
    {
      cwd: SERVERLESS_DIR,
      // Its own process group, so stopping it also stops the function processes it forks.
      detached: true,
      // The IPC channel is never used for messages: it closes when this process dies, even by SIGKILL,
      // and local-runtime.js then stops twilio-run instead of leaving it orphaned.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Not this process's environment: twilio-run gives the functions the env file only anyway.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? os.homedir(),
        FORCE_COLOR: '0',
        NODE_ENV: 'production',
      },
    },
  );
  const log: WriteStream = createWriteStream(logFile, { flags: 'a' });
  const lines: string[] = [];
  let partial = '';
  const collect = (chunk: Buffer): void => {
    log.write(chunk);
    options.echo?.write(chunk);
    const parts = (partial + chunk.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    if (lines.length > KEPT_OUTPUT_LINES) lines.splice(0, lines.length - KEPT_OUTPUT_LINES);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = (): void => signalGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);

  const url = `http://${LOOPBACK_HOST}:${port}`;
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      process.off('exit', killOnExit);
      await stopChildOnly(child, exited);
      await new Promise<void>((resolve) => log.end(() => resolve()));
      await fs.rm(workDir, { recursive: true, force: true });
    })();
    return stopped;
  };

  try {
    await waitUntilServing(url, child, options.readyTimeoutMs ?? 60_000, () => lines);
  } catch (error) {
    await stopChildOnly(child, exited);
    process.off('exit', killOnExit);
    log.end();
    throw error;
  }

  const logEntries = (): Record<string, unknown>[] =>
    lines.flatMap((line) => {
      const start = line.indexOf('{');
      if (start < 0) return [];
      try {
        const parsed: unknown = JSON.parse(line.slice(start));
        return typeof parsed === 'object' && parsed !== null ? [parsed as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  return {
    url,
    port,
    logFile,
    startupMs: Date.now() - started,
    output: () => [...lines],
    logEntries,
    async waitForLogEntries(predicate, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const entries = logEntries();
        if (predicate(entries) || Date.now() > deadline) return entries;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    stop,
  };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function stopChildOnly(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
  // Forked function processes may outlive twilio-run by a moment.
  signalGroup(child, 'SIGKILL');
}

async function waitUntilServing(url: string, child: ChildProcess, timeoutMs: number, output: () => string[]) {
  const deadline = Date.now() + timeoutMs;
  const tail = (): string => output().slice(-20).join('\n');
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`twilio-run exited (code ${child.exitCode}) before serving the Functions:\n${tail()}`);
    }
    try {
      const response = await fetch(`${url}${READY_PROBE_PATH}`, {
        method: 'OPTIONS',
        signal: AbortSignal.timeout(2000),
      });
      if (response.status === 204) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`The Functions did not answer on ${url} within ${timeoutMs / 1000} s:\n${tail()}`);
}
