/**
 * Runs the REAL built Functions the way the README tells people to: inside `serverless/`,
 * `npm start -- --env FILE --port PORT` (twilio-run 4, one forked process per request as in
 * production), and talks to them over real HTTP.
 */
import { spawn } from 'child_process';
import type { ChildProcess } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';

const SERVERLESS_DIR = path.resolve(__dirname, '..', '..');
const REPO_DIR = path.resolve(SERVERLESS_DIR, '..');
const FUNCTIONS = ['scan', 'task', 'close'];
const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

export interface FunctionsServer {
  /** e.g. http://127.0.0.1:PORT */
  url: string;
  /** How long `npm start` took until the functions answered. */
  startupMs: number;
  /** Lines the server printed so far (twilio-run's and the functions' own). */
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

function newestMtime(dir: string, filter: (file: string) => boolean): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full, filter));
    else if (filter(full)) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the bundles when they are missing or older than any source they are made from. */
export async function ensureBuilt(): Promise<void> {
  const bundles = FUNCTIONS.map((name) => path.join(SERVERLESS_DIR, 'functions', 'stuck-tasks', `${name}.js`));
  const isSource = (file: string): boolean => file.endsWith('.ts') && !file.endsWith('.test.ts');
  const newestSource = Math.max(
    newestMtime(path.join(SERVERLESS_DIR, 'src'), isSource),
    newestMtime(path.join(REPO_DIR, 'contract', 'src'), isSource),
  );
  const fresh = bundles.every((file) => fs.existsSync(file) && fs.statSync(file).mtimeMs >= newestSource);
  if (fresh) return;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { build } = require('../../scripts/build.js') as { build: () => Promise<unknown> };
  await build();
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Kills the whole process group (npm, twilio-run, forked function runs) and waits for it. */
async function killGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      // Already gone.
    }
  };
  signalGroup('SIGTERM');
  const timer = setTimeout(() => signalGroup('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
  // twilio-run's forked function processes may outlive their parent by a moment.
  signalGroup('SIGKILL');
}

async function waitUntilServing(url: string, child: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error('npm start exited before serving');
    try {
      // twilio-run answers the CORS preflight of a known function itself: it serves the bundles.
      const response = await fetch(`${url}/stuck-tasks/scan`, { method: 'OPTIONS' });
      if (response.status === 204) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`npm start did not serve ${url} within ${STARTUP_TIMEOUT_MS} ms`);
}

/**
 * Starts the built Functions with `settings` as the env file. NODE_ENV=production keeps the local
 * runtime from answering unparseable bodies with stack traces (see .env.example).
 */
export async function startFunctionsServer(settings: Record<string, string>): Promise<FunctionsServer> {
  await ensureBuilt();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stuck-tasks-functions-'));
  const envFile = path.join(dir, '.env');
  const envText = Object.entries({ NODE_ENV: 'production', ...settings })
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
  fs.writeFileSync(envFile, `${envText}\n`);

  let lastError: unknown;
  // A port found free can be taken before twilio-run binds it; then try another one.
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const started = Date.now();
    const child = spawn('npm', ['start', '--', '--env', envFile, '--port', String(port)], {
      cwd: SERVERLESS_DIR,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Not the test process's environment: twilio-run gives functions the env file only anyway.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.homedir(), FORCE_COLOR: '0' },
    });
    const lines: string[] = [];
    let partial = '';
    const collect = (chunk: Buffer): void => {
      const text = partial + chunk.toString('utf8');
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    try {
      await waitUntilServing(url, child, started + STARTUP_TIMEOUT_MS);
    } catch (error) {
      lastError = new Error(`${(error as Error).message}\n${lines.slice(-20).join('\n')}`);
      await killGroup(child);
      continue;
    }
    const startupMs = Date.now() - started;
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
      startupMs,
      output: () => [...lines],
      logEntries,
      async waitForLogEntries(predicate, timeoutMs = 3000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const entries = logEntries();
          if (predicate(entries) || Date.now() > deadline) return entries;
          await sleep(25);
        }
      },
      async stop() {
        await killGroup(child);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  fs.rmSync(dir, { recursive: true, force: true });
  throw lastError;
}

export interface ApiAnswer<Body = unknown> {
  status: number;
  headers: Headers;
  body: Body;
  /** The raw text, for checks on what must never appear in it. */
  text: string;
}

/** POSTs `params` form-urlencoded (as Flex does) or as JSON, and reads the JSON answer. */
export async function post<Body = unknown>(
  url: string,
  params: Record<string, unknown>,
  encoding: 'form' | 'json' = 'form',
): Promise<ApiAnswer<Body>> {
  const init: RequestInit =
    encoding === 'json'
      ? { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(params) }
      : {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(
            Object.entries(params).flatMap(([key, value]): [string, string][] =>
              Array.isArray(value) ? value.map((item) => [key, String(item)]) : [[key, String(value)]],
            ),
          ).toString(),
        };
  return send<Body>(url, init);
}

/** Sends any request and reads the answer (JSON when it parses). */
export async function send<Body = unknown>(url: string, init: RequestInit): Promise<ApiAnswer<Body>> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, headers: response.headers, body: body as Body, text };
}
