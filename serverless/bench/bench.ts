/**
 * `npm run bench`: the project's engine (full scan + close, exactly as `stuck-tasks close --yes` runs
 * it) against the naive baseline (the support article's sample script), on the Twilio simulator with
 * realistic latency and Twilio's concurrency limit. Prints tables of figures; it asserts nothing.
 *
 * The simulator and the naive script each run in a process of their own, so that neither the
 * simulator's work nor a client's slows the other down on the event loop.
 */
import { fork } from 'child_process';
import type { ChildProcess } from 'child_process';
import os from 'os';
import { Command, InvalidArgumentError } from 'commander';
import { closeAll, createEngineDeps, scanWorkspace } from '../src/engine';
import type { CallPlan } from '../src/engine';
import { endedWithinGrace, isTerminalCallStatus } from '../src/engine/rules';
import { DEFAULT_GRACE_SECONDS, loadSettings } from '../src/settings';
import { renderTable } from '../src/cli/table';
import { runNaiveBaseline } from './naive';
import type { NaiveConfig, NaiveProgress, NaiveResult } from './naive';
import { SimulatorControl } from './simulatorControl';
import type { SimulatorAddress } from './simulatorControl';

const SEED = 'bench';
/** The engine's default grace period, which the simulator's oracle uses too. */
const GRACE_SECONDS = DEFAULT_GRACE_SECONDS;
const REQUEST_KINDS = ['tasks.list', 'tasks.fetch', 'tasks.update', 'calls.list', 'calls.fetch'] as const;

interface BenchOptions {
  sizes: number[];
  latencyMs: number;
  limit: number;
  stuckShare: number;
  naiveCapSeconds: number;
  runners: RunnerName[];
  explicitRunners: boolean;
  markdown: boolean;
}

type RunnerName = 'engine' | 'engine-fast' | 'engine-fetch-each' | 'naive' | 'naive-unbounded';

interface Runner {
  name: RunnerName;
  label: string;
  /** Engine runners only. */
  engine?: { concurrency: number; callPlan: CallPlan };
  naive?: NaiveConfig['sockets'];
}

const RUNNERS: Runner[] = [
  {
    name: 'engine',
    label: 'engine, live-call list, concurrency 20 (default)',
    engine: { concurrency: 20, callPlan: 'live-calls' },
  },
  {
    name: 'engine-fast',
    label: 'engine, live-call list, concurrency 100',
    engine: { concurrency: 100, callPlan: 'live-calls' },
  },
  {
    name: 'engine-fetch-each',
    label: 'engine, fetch every call, concurrency 100',
    engine: { concurrency: 100, callPlan: 'fetch-each' },
  },
  { name: 'naive', label: 'naive script, twilio-node 5 pools (20/host)', naive: 'pooled' },
  { name: 'naive-unbounded', label: 'naive script, unbounded sockets', naive: 'unbounded' },
];

interface RowFigures {
  size: number;
  runner: Runner;
  wallMs: number;
  scanMs: number | null;
  closeMs: number | null;
  requests: Record<string, number>;
  totalRequests: number;
  throttled: number;
  serverErrors: number;
  peakInFlight: number;
  closed: number;
  failures: number;
  /** Tasks seeded stuck that the run left open. */
  stuckLeftOpen: number;
  /** Closed although the call was live, or had ended inside the grace period, at update time. */
  wronglyClosed: number;
  /** Engine rows: requests × latency ÷ limit for the requests its plan needed (429s excluded). */
  floorMs: number | null;
  note: string;
}

function parseList(value: string): number[] {
  const sizes = value.split(',').map((item) => Number(item.trim()));
  if (sizes.some((size) => !Number.isInteger(size) || size < 1 || size > 200_000)) {
    throw new InvalidArgumentError('expected a comma list of task counts, e.g. 1000,10000');
  }
  return sizes;
}

function parsePositive(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('expected a positive number');
  return number;
}

function parseRunners(value: string): RunnerName[] {
  const names = value.split(',').map((item) => item.trim());
  const known = RUNNERS.map((runner) => runner.name) as string[];
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0)
    throw new InvalidArgumentError(`unknown runner ${unknown.join(', ')}; known: ${known.join(', ')}`);
  return names as RunnerName[];
}

function parseOptions(argv: string[]): BenchOptions {
  const program = new Command('bench')
    .description('Engine vs. naive sample script against the Twilio simulator; prints figures, asserts nothing.')
    .option('--sizes <counts>', 'open tasks per workspace, comma list', parseList, [1_000, 10_000, 50_000])
    .option('--latency <ms>', 'simulated latency per response', parsePositive, 100)
    .option('--limit <requests>', 'simulated concurrency limit (429 above it)', parsePositive, 100)
    .option('--stuck-share <share>', 'share of open tasks that are stuck', parsePositive, 0.2)
    .option('--naive-cap-seconds <s>', 'stop a naive run that takes longer than this', parsePositive, 120)
    .option('--runners <names>', `comma list of ${RUNNERS.map((runner) => runner.name).join(', ')}`, parseRunners)
    .option('--markdown', 'print the tables as Markdown', false)
    .parse(argv, { from: 'user' });
  const options = program.opts();
  return {
    sizes: options.sizes,
    latencyMs: options.latency,
    limit: options.limit,
    stuckShare: options.stuckShare,
    naiveCapSeconds: options.naiveCapSeconds,
    runners: options.runners ?? RUNNERS.map((runner) => runner.name),
    explicitRunners: options.runners !== undefined,
    markdown: options.markdown,
  };
}

/**
 * Without --runners, the plan comparison (fetch every call) runs up to 10,000 tasks only: at 50,000 it
 * costs 1.5 minutes more and shows the same per-task request counts.
 */
const PLAN_COMPARISON_MAX_SIZE = 10_000;

function runnersFor(size: number, options: BenchOptions): Runner[] {
  return RUNNERS.filter(
    (runner) =>
      options.runners.includes(runner.name) &&
      (options.explicitRunners || runner.name !== 'engine-fetch-each' || size <= PLAN_COMPARISON_MAX_SIZE),
  );
}

/** Forks this same bench entry in another role; the launcher path is the script node was given. */
function forkRole(role: string, env: Record<string, string> = {}): ChildProcess {
  return fork(process.argv[1], [`--role=${role}`], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function firstMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as T));
    child.once('exit', (code) => reject(new Error(`child process exited (${code}) before it answered`)));
  });
}

async function startSimulatorProcess(): Promise<{ child: ChildProcess; address: SimulatorAddress }> {
  const child = forkRole('simulator');
  const address = await firstMessage<SimulatorAddress>(child);
  return { child, address };
}

function scenarioFor(size: number, stuckShare: number) {
  return { openTasks: size, stuckShare };
}

async function prepare(sim: SimulatorControl, size: number, options: BenchOptions): Promise<Set<string>> {
  await sim.configure({ latencyMs: 0, concurrencyLimit: null, errorRate: 0 });
  await sim.reset(SEED, scenarioFor(size, options.stuckShare));
  const stuck = new Set((await sim.tasks({ kind: 'stuck' })).map((task) => task.sid));
  await sim.configure({ latencyMs: options.latencyMs, concurrencyLimit: options.limit });
  await sim.resetStats();
  return stuck;
}

/**
 * What a run did to the workspace, judged from the simulator's update log by the engine's rules: a close
 * is wrong when the call was live at that moment or had ended less than the grace period before (1 s of
 * slack: Twilio gives call end times in whole seconds).
 */
async function outcome(sim: SimulatorControl, stuckSids: Set<string>, graceSeconds: number) {
  const [stats, updates, calls] = await Promise.all([sim.stats(), sim.updates(), sim.calls()]);
  const endedAt = new Map(calls.map((call) => [call.sid, call.endTime === null ? null : Date.parse(call.endTime)]));
  const closes = updates.filter(
    (entry) => entry.source === 'api' && (entry.to === 'canceled' || entry.to === 'completed'),
  );
  const closed = new Set(closes.map((entry) => entry.taskSid));
  const wronglyClosed = closes.filter((entry) => {
    if (entry.callStatus !== null && !isTerminalCallStatus(entry.callStatus)) return true;
    const ended = entry.callSid === null ? null : (endedAt.get(entry.callSid) ?? null);
    return endedWithinGrace(ended, { nowMs: Date.parse(entry.time), graceSeconds: graceSeconds - 1 });
  }).length;
  return {
    stats,
    closed: closed.size,
    wronglyClosed,
    stuckLeftOpen: [...stuckSids].filter((sid) => !closed.has(sid)).length,
  };
}

async function waitForIdle(sim: SimulatorControl): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    if ((await sim.stats()).inFlight === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function runEngine(
  sim: SimulatorControl,
  address: SimulatorAddress,
  runner: Runner,
  size: number,
  options: BenchOptions,
): Promise<RowFigures> {
  const { concurrency, callPlan } = runner.engine as NonNullable<Runner['engine']>;
  const stuckSids = await prepare(sim, size, options);
  const settings = loadSettings({
    ACCOUNT_SID: address.accountSid,
    AUTH_TOKEN: address.authToken,
    TASKROUTER_WORKSPACE_SID: address.workspaceSid,
    TWILIO_API_BASE_URL: address.url,
  });
  const deps = createEngineDeps(settings, { concurrency });
  const started = Date.now();
  const scan = await scanWorkspace(deps, { callPlan });
  const scanned = Date.now();
  const results = await closeAll(deps, {
    taskSids: scan.suspects.map((suspect) => suspect.taskSid),
    force: false,
    identity: 'bench',
    concurrency,
  });
  const finished = Date.now();
  await waitForIdle(sim);
  const result = await outcome(sim, stuckSids, GRACE_SECONDS);
  const planRequests = result.stats.totalRequests - result.stats.throttled - result.stats.serverErrors;
  return {
    size,
    runner,
    wallMs: finished - started,
    scanMs: scanned - started,
    closeMs: finished - scanned,
    requests: result.stats.requests,
    totalRequests: result.stats.totalRequests,
    throttled: result.stats.throttled,
    serverErrors: result.stats.serverErrors,
    peakInFlight: deps.gateway.stats().peakInFlight,
    closed: result.closed,
    failures: results.filter((entry) => entry.outcome === 'failed').length,
    stuckLeftOpen: result.stuckLeftOpen,
    wronglyClosed: result.wronglyClosed,
    floorMs: (planRequests * options.latencyMs) / options.limit,
    note: `${scan.counts.scanned} tasks scanned in ${scan.pages} engine scan call${scan.pages === 1 ? '' : 's'}`,
  };
}

async function runNaive(
  sim: SimulatorControl,
  address: SimulatorAddress,
  runner: Runner,
  size: number,
  options: BenchOptions,
): Promise<RowFigures> {
  const stuckSids = await prepare(sim, size, options);
  const config: NaiveConfig = { ...address, baseUrl: address.url, sockets: runner.naive as NaiveConfig['sockets'] };
  const child = forkRole('naive', { BENCH_NAIVE_CONFIG: JSON.stringify(config) });
  const started = Date.now();
  let last: NaiveProgress | null = null;
  const final = await new Promise<NaiveResult | null>((resolve) => {
    const cap = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(null);
    }, options.naiveCapSeconds * 1000);
    child.on('message', (message: { progress?: NaiveProgress; result?: NaiveResult }) => {
      if (message.progress) last = message.progress;
      if (message.result) {
        clearTimeout(cap);
        resolve(message.result);
      }
    });
    child.once('exit', () => {
      clearTimeout(cap);
      resolve(null);
    });
  });
  const wallMs = final?.elapsedMs ?? Date.now() - started;
  child.kill('SIGKILL');
  await waitForIdle(sim);
  const result = await outcome(sim, stuckSids, GRACE_SECONDS);
  const figures: NaiveProgress | null = final ?? last;
  let note: string;
  if (final === null) note = `stopped at the ${options.naiveCapSeconds} s cap, unfinished`;
  else if (final.aborted) note = `aborted: listing failed (${final.aborted}); the script exits(1) here`;
  else note = `${final.processed} tasks looked at`;
  const causes = Object.entries(figures?.errorsByCause ?? {})
    .map(([cause, count]) => `${count} x ${cause}`)
    .join(', ');
  if (causes) note += `; task errors: ${causes}`;
  return {
    size,
    runner,
    wallMs,
    scanMs: null,
    closeMs: null,
    requests: result.stats.requests,
    totalRequests: result.stats.totalRequests,
    throttled: result.stats.throttled,
    serverErrors: result.stats.serverErrors,
    peakInFlight: figures?.peakInFlight ?? 0,
    closed: result.closed,
    failures: figures?.errors ?? 0,
    stuckLeftOpen: result.stuckLeftOpen,
    wronglyClosed: result.wronglyClosed,
    floorMs: null,
    note,
  };
}

const seconds = (ms: number | null) => (ms === null ? '-' : (ms / 1000).toFixed(1));

function printTables(rows: RowFigures[], options: BenchOptions, write: (text: string) => void): void {
  const render = options.markdown ? renderMarkdown : renderTable;
  write(
    render(
      [
        'tasks',
        'runner',
        'wall s',
        'scan s',
        'close s',
        'requests',
        '429s',
        'peak in flight',
        'closed',
        'failures',
        'stuck left open',
        'wrongly closed',
        'floor s',
        'wall/floor',
      ],
      rows.map((row) => [
        row.size,
        row.runner.label,
        seconds(row.wallMs),
        seconds(row.scanMs),
        seconds(row.closeMs),
        row.totalRequests,
        row.throttled,
        row.peakInFlight,
        row.closed,
        row.failures,
        row.stuckLeftOpen,
        row.wronglyClosed,
        seconds(row.floorMs),
        row.floorMs ? `${(row.wallMs / row.floorMs).toFixed(2)}x` : '-',
      ]),
    ),
  );
  write('\nRequests by kind (every HTTP request the simulator received, 429s and retries included):\n\n');
  write(
    render(
      ['tasks', 'runner', ...REQUEST_KINDS, 'note'],
      rows.map((row) => [
        row.size,
        row.runner.label,
        ...REQUEST_KINDS.map((kind) => row.requests[kind] ?? 0),
        row.note,
      ]),
    ),
  );
}

function renderMarkdown(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n') + '\n';
}

async function runBench(argv: string[]): Promise<number> {
  const options = parseOptions(argv);
  const write = (text: string) => process.stdout.write(text);
  const cpus = os.cpus();
  write(
    `Benchmark: latency ${options.latencyMs} ms, concurrency limit ${options.limit} (429 above), ` +
      `${Math.round(options.stuckShare * 100)} % stuck; sizes ${options.sizes.join(', ')}.\n` +
      `Machine: ${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
      `Node ${process.version}, ${os.platform()} ${os.release()}.\n\n`,
  );
  const { child, address } = await startSimulatorProcess();
  const sim = new SimulatorControl(address.url, address.controlSecret);
  const rows: RowFigures[] = [];
  const benchStarted = Date.now();
  try {
    for (const size of options.sizes) {
      for (const runner of runnersFor(size, options)) {
        const row = runner.engine
          ? await runEngine(sim, address, runner, size, options)
          : await runNaive(sim, address, runner, size, options);
        rows.push(row);
        process.stderr.write(
          `  ${size} tasks, ${runner.label}: ${seconds(row.wallMs)} s, ${row.totalRequests} requests, ` +
            `${row.throttled} x 429, ${row.closed} closed (${seconds(Date.now() - benchStarted)} s so far)\n`,
        );
      }
    }
  } finally {
    child.kill();
  }
  write('\n');
  printTables(rows, options, write);
  write(
    [
      '',
      "floor = requests the engine's plan needed (429s excluded) x latency / concurrency limit: the best any client",
      'could do with that plan (at concurrency 20 the engine cannot go below 5x of it).',
      'closed = tasks closed by the run; more than the seeded stuck share when calls that had ended less than the',
      'grace period before the run crossed it while the run was going (then closing them is right).',
      'failures = engine: outcome "failed"; naive: tasks whose call fetch or update threw (its "Error processing task").',
      'stuck left open = tasks seeded stuck that the run did not close.',
      `wrongly closed = closed while the call was live or had ended less than ${GRACE_SECONDS} s (the grace period)`,
      'before the update.',
      `Bench wall time ${seconds(Date.now() - benchStarted)} s.`,
      '',
    ].join('\n'),
  );
  return 0;
}

async function runSimulatorRole(): Promise<void> {
  // Loaded here only: the bench's own process never needs the simulator code.
  const { startSimulator } = await import('@plugin-stuck-tasks/sandbox');
  const simulator = await startSimulator({ seed: SEED, scenario: { openTasks: 10 } });
  process.send?.({
    url: simulator.url,
    accountSid: simulator.accountSid,
    authToken: simulator.authToken,
    workspaceSid: simulator.workspaceSid,
    controlSecret: simulator.controlSecret,
  } satisfies SimulatorAddress);
  process.once('disconnect', () => {
    void simulator.stop().finally(() => process.exit(0));
  });
}

async function runNaiveRole(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_NAIVE_CONFIG ?? '{}') as NaiveConfig;
  const result = await runNaiveBaseline(config, (progress) => process.send?.({ progress }));
  process.send?.({ result }, () => process.exit(result.aborted ? 1 : 0));
}

/** Entry point used by bench/run.js. */
export async function main(argv: string[]): Promise<number | undefined> {
  if (argv[0] === '--role=simulator') {
    await runSimulatorRole();
    return undefined;
  }
  if (argv[0] === '--role=naive') {
    await runNaiveRole();
    return undefined;
  }
  return runBench(argv);
}
