/**
 * `npm run bench -- --only load`: the account's shared concurrency (issue 12). The CLI exactly as an
 * operator runs it (`stuck-tasks close --yes`, no other option: its defaults), alone on the account and
 * next to other traffic that stands for Flex (a competing client whose load swings around a mean), and
 * the supervisor's path in the browser on the same workspace; what each cost the other traffic in 429s.
 */
import { fork } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import os from 'os';
import path from 'path';
import { Writable } from 'stream';
import { runCli } from '../src/cli/main';
import type { BenchOptions } from './options';
import { seconds } from './report';
import { GRACE_SECONDS, judgeOutcome, prepareWorkspace } from './runners';
import type { BrowserMessage } from './browserMessages';
import { firstMessage } from './processes';
import { SimulatorControl } from './simulatorControl';
import type { SimulatorAddress } from './simulatorControl';

export interface OtherTrafficSetup {
  mean: number;
  swing: number;
  periodMs: number;
}

export interface LoadRow {
  label: string;
  size: number;
  /** null: the account to itself. */
  otherTraffic: OtherTrafficSetup | null;
  wallMs: number;
  /** Twilio requests this tool sent (the simulator's count, retries included). */
  requests: number;
  /** Of those, answered 429. */
  throttled: number;
  otherRequests: number;
  /** The other traffic's requests refused with 429: the harm done to Flex. */
  otherThrottled: number;
  /** Requests in flight the other traffic left on average over the run: limit − its mean in flight. */
  capacity: number;
  /** Requests this tool needed (429s and 5xx excluded) × latency ÷ capacity. */
  floorMs: number;
  closed: number;
  failures: number;
  stuckLeftOpen: number;
  wronglyClosed: number;
  /** The simulator's count by kind (tasks.list, tasks.fetch, …), retries included. */
  byKind: Record<string, number>;
  note: string;
}

/** A sink for the CLI's output: the bench prints its own figures. */
function sink(): Writable & { text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return Object.assign(stream, { text: () => text });
}

interface ToolRun {
  wallMs: number;
  failures: number;
  note: string;
}

/** One row: a fresh workspace, the other traffic (if any) started, then `run` against the simulator. */
export async function measureLoad(
  sim: SimulatorControl,
  size: number,
  options: BenchOptions,
  label: string,
  otherTraffic: OtherTrafficSetup | null,
  run: () => Promise<ToolRun>,
): Promise<LoadRow> {
  const stuck = await prepareWorkspace(sim, size, options);
  await sim.configure({
    otherTrafficMean: otherTraffic?.mean ?? 0,
    otherTrafficSwing: otherTraffic?.swing ?? 0,
    otherTrafficPeriodMs: otherTraffic?.periodMs ?? 10_000,
    otherTrafficLatencyMs: options.latencyMs,
  });
  if (otherTraffic) {
    // The other traffic reaches its level before the tool starts, as Flex's load would be there already.
    await new Promise((resolve) => setTimeout(resolve, 2 * options.latencyMs + 200));
  }
  await sim.resetStats();
  let tool: ToolRun;
  const trace = process.env.BENCH_TRACE ? traceInFlight(sim) : null;
  try {
    tool = await run();
  } finally {
    if (trace) process.stdout.write(`\n${label}: ${await trace.stop()}\n`);
    await sim.configure({ otherTrafficMean: 0, otherTrafficSwing: 0 });
  }
  const result = await judgeOutcome(sim, stuck, GRACE_SECONDS);
  const { stats } = result;
  const otherAdmitted = stats.otherTraffic.requests - stats.otherTraffic.throttled;
  // The other traffic's mean in flight over the run (Little's law: admitted × latency ÷ time).
  const otherMeanInFlight = otherTraffic ? (otherAdmitted * options.latencyMs) / tool.wallMs : 0;
  const capacity = Math.max(1, options.limit - otherMeanInFlight);
  const needed = stats.totalRequests - stats.throttled - stats.serverErrors;
  return {
    label,
    size,
    otherTraffic,
    wallMs: tool.wallMs,
    requests: stats.totalRequests,
    throttled: stats.throttled,
    otherRequests: stats.otherTraffic.requests,
    otherThrottled: stats.otherTraffic.throttled,
    capacity,
    floorMs: (needed * options.latencyMs) / capacity,
    closed: result.closed,
    failures: tool.failures,
    stuckLeftOpen: result.stuckLeftOpen,
    wronglyClosed: result.wronglyClosed,
    byKind: stats.requests,
    note: tool.note,
  };
}

/**
 * BENCH_TRACE=1: the account's requests in flight (this tool's, the simulator's count) sampled every
 * 100 ms during a row, printed as one mean per half second: where a run leaves the window idle.
 */
function traceInFlight(sim: SimulatorControl): { stop: () => Promise<string> } {
  const samples: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      samples.push((await sim.stats()).inFlight);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      const means: string[] = [];
      for (let start = 0; start < samples.length; start += 5) {
        const slice = samples.slice(start, start + 5);
        means.push(String(Math.round(slice.reduce((sum, value) => sum + value, 0) / slice.length)));
      }
      return `requests in flight, mean per 0.5 s: ${means.join(' ')}`;
    },
  };
}

/** `stuck-tasks close --yes` with its defaults, in this process (its output kept aside). */
export async function runCliClose(address: SimulatorAddress, extraArgs: string[] = []): Promise<ToolRun> {
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'bench-cli-'));
  const stdout = sink();
  const stderr = sink();
  try {
    const started = Date.now();
    const code = await runCli(['close', '--yes', '--out', 'outcomes.json', ...extraArgs], {
      stdin: process.stdin,
      stdout,
      stderr,
      cwd,
      env: {
        TWILIO_ACCOUNT_SID: address.accountSid,
        TWILIO_AUTH_TOKEN: address.authToken,
        TASKROUTER_WORKSPACE_SID: address.workspaceSid,
        TWILIO_API_BASE_URL: address.url,
      },
    });
    const wallMs = Date.now() - started;
    let failures = 0;
    try {
      const outcomes = JSON.parse(readFileSync(path.join(cwd, 'outcomes.json'), 'utf8')) as {
        results?: { outcome: string }[];
      };
      failures = (outcomes.results ?? []).filter((entry) => entry.outcome === 'failed').length;
    } catch {
      // No outcomes file: the exit code below says why.
    }
    const note = code === 0 ? `exit 0` : `exit ${code}: ${stderr.text().trim().split('\n').slice(-1)[0] ?? ''}`;
    return { wallMs, failures, note };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

export function printLoadTable(
  rows: LoadRow[],
  render: (header: readonly string[], rows: readonly (readonly (string | number)[])[]) => string,
  write: (text: string) => void,
): void {
  write('\nThe account shared (issue 12): this tool and the other traffic on one concurrency limit:\n\n');
  write(
    render(
      [
        'tasks',
        'runner',
        'other traffic',
        'requests',
        '429s to this tool',
        '429s to other traffic',
        'other traffic requests',
        'wall s',
        'capacity left',
        'floor s',
        'wall/floor',
        'closed',
        'failures',
        'stuck left open',
        'wrongly closed',
        'requests by kind',
        'note',
      ],
      rows.map((row) => [
        row.size,
        row.label,
        row.otherTraffic
          ? `mean ${row.otherTraffic.mean}, ${row.otherTraffic.mean - row.otherTraffic.swing}-${row.otherTraffic.mean + row.otherTraffic.swing}`
          : 'none',
        row.requests,
        row.throttled,
        row.otherTraffic
          ? `${row.otherThrottled} (${((100 * row.otherThrottled) / Math.max(1, row.otherRequests)).toFixed(2)} %)`
          : '-',
        row.otherTraffic ? row.otherRequests : '-',
        seconds(row.wallMs),
        row.capacity.toFixed(1),
        seconds(row.floorMs),
        `${(row.wallMs / row.floorMs).toFixed(2)}x`,
        row.closed,
        row.failures,
        row.stuckLeftOpen,
        row.wronglyClosed,
        Object.entries(row.byKind)
          .filter(([, count]) => count > 0)
          .map(([kind, count]) => `${kind} ${count}`)
          .join(', '),
        row.note,
      ]),
    ),
  );
}

/**
 * The browser row: the sandbox and Chromium in a child process (browserPath.ts), its simulator seeded
 * like every other row's; wall = from opening the view (its scan) to the close's summary. `instances`:
 * the sandbox's Functions forked per call (`cold`, its default), or kept loaded (`warm`, as Twilio
 * reuses a warm Function container).
 */
export async function measureBrowserPath(
  size: number,
  options: BenchOptions,
  instances: 'cold' | 'warm',
): Promise<LoadRow> {
  const child = fork(path.join(path.dirname(process.argv[1]), 'browserPath.js'), [instances], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const ready = await firstMessage<BrowserMessage>(child);
    if (!('ready' in ready)) throw new Error(`The browser row did not start: ${'failed' in ready ? ready.failed : ''}`);
    const sim = new SimulatorControl(ready.ready.url, ready.ready.controlSecret);
    return await measureLoad(
      sim,
      size,
      options,
      `browser: sandbox page in Chromium (scan, select all, close), ${
        instances === 'warm' ? 'warm Function instances' : 'a Function process per call'
      }`,
      null,
      async () => {
        const answer = new Promise<BrowserMessage>((resolve, reject) => {
          child.once('message', (message) => resolve(message as BrowserMessage));
          child.once('exit', (code) => reject(new Error(`the browser row exited (${code})`)));
        });
        child.send('go');
        const message = await answer;
        if (!('done' in message))
          throw new Error(`The browser row failed: ${'failed' in message ? message.failed : ''}`);
        const { scanMs, closeMs, selected, summary, firstFailure, pageMainThreadMs } = message.done;
        const failed = /([\d,]+) failed/.exec(summary)?.[1]?.replace(/,/g, '');
        return {
          wallMs: scanMs + closeMs,
          failures: failed === undefined ? 0 : Number(failed),
          note: `scan ${seconds(scanMs)} s, close ${seconds(closeMs)} s of ${selected} selected (the page's main thread busy ${seconds(pageMainThreadMs.scan)} s and ${seconds(pageMainThreadMs.close)} s); "${summary.trim()}"${
            firstFailure ? `; first failed row: "${firstFailure.trim()}"` : ''
          }`,
        };
      },
    );
  } finally {
    child.kill();
  }
}
