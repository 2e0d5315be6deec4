/** The bench's command line: sizes, simulated latency and limit, and which runners to compare. */
import { Command, InvalidArgumentError } from 'commander';
import type { CallPlan } from '../src/engine';
import type { NaiveConfig } from './naive';

export interface BenchOptions {
  sizes: number[];
  latencyMs: number;
  limit: number;
  stuckShare: number;
  naiveCapSeconds: number;
  runners: RunnerName[];
  explicitRunners: boolean;
  markdown: boolean;
  /**
   * `scan`: the scan phase of the engine runners only (no close, no naive script). `load`: the
   * account shared (issue 12): the CLI with its defaults alone and next to other traffic, and the
   * browser path, on one workspace size (see load.ts).
   */
  only: 'scan' | 'load' | null;
  /** `--only load`: the other traffic's mean requests in flight and its swing around it. */
  otherTraffic: { mean: number; swing: number; periodMs: number };
  /** `--only load`: which rows run (default all). */
  loadRows: LoadRowName[];
  /** Overdue wrap-ups setting of the engine runs (null = off); every engine runner runs once per value. */
  wrapupOverdueMinutes: (number | null)[];
  /**
   * `plain`: the simulator's scenario without conference and outbound tasks (one leg per voice task,
   * as before issue 10), to tell the engine's extra requests from the scenario's extra legs.
   */
  scenario: 'default' | 'plain';
}

/** `browser`: the sandbox's default Functions (a process per call); `browser-warm`: warm instances. */
export type LoadRowName = 'cli' | 'cli-other-traffic' | 'browser' | 'browser-warm';
const LOAD_ROWS: LoadRowName[] = ['cli', 'cli-other-traffic', 'browser', 'browser-warm'];

function parseLoadRows(value: string): LoadRowName[] {
  const names = value.split(',').map((item) => item.trim());
  const unknown = names.filter((name) => !(LOAD_ROWS as string[]).includes(name));
  if (unknown.length > 0)
    throw new InvalidArgumentError(`unknown row ${unknown.join(', ')}; known: ${LOAD_ROWS.join(', ')}`);
  return names as LoadRowName[];
}

function parseOtherTraffic(value: string): { mean: number; swing: number; periodMs: number } {
  const parts = value.split(',').map((item) => Number(item.trim()));
  const [mean, swing, periodSeconds = 10] = parts;
  if (
    parts.length < 2 ||
    parts.length > 3 ||
    parts.some((part) => !Number.isFinite(part) || part < 0) ||
    swing > mean ||
    periodSeconds <= 0
  ) {
    throw new InvalidArgumentError('expected mean,swing[,period seconds] with swing <= mean, e.g. 50,20,10');
  }
  return { mean, swing, periodMs: periodSeconds * 1000 };
}

export type RunnerName = 'engine' | 'engine-20' | 'engine-fast' | 'engine-fetch-each' | 'naive' | 'naive-unbounded';

export interface Runner {
  name: RunnerName;
  label: string;
  /** Engine runners only; concurrency undefined = the defaults (cap = account limit − headroom). */
  engine?: { concurrency?: number; callPlan: CallPlan };
  naive?: NaiveConfig['sockets'];
}

const RUNNERS: Runner[] = [
  {
    name: 'engine',
    label: 'engine, live-call list, defaults (cap 85 = limit 100 - headroom 15)',
    engine: { callPlan: 'live-calls' },
  },
  {
    name: 'engine-20',
    label: 'engine, live-call list, concurrency 20',
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

function parseWrapup(value: string): (number | null)[] {
  return value.split(',').map((item) => {
    const text = item.trim();
    if (text === 'off') return null;
    const minutes = Number(text);
    if (!/^\d+$/.test(text) || minutes < 1 || minutes > 1_440)
      throw new InvalidArgumentError('expected a comma list of "off" and minutes from 1 to 1440, e.g. off,30');
    return minutes;
  });
}

function parseScenario(value: string): 'default' | 'plain' {
  if (value !== 'default' && value !== 'plain') throw new InvalidArgumentError('expected "default" or "plain"');
  return value;
}

function parseOnly(value: string): 'scan' | 'load' {
  if (value !== 'scan' && value !== 'load') throw new InvalidArgumentError('expected "scan" or "load"');
  return value;
}

/** `--only load` without --sizes: the workspace. */
const LOAD_DEFAULT_SIZES = [10_000];

/** Without --runners, --only scan runs the engine's default plan at concurrency 20 and 100. */
const SCAN_ONLY_RUNNERS: RunnerName[] = ['engine', 'engine-fast'];

function parseRunners(value: string): RunnerName[] {
  const names = value.split(',').map((item) => item.trim());
  const known = RUNNERS.map((runner) => runner.name) as string[];
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0)
    throw new InvalidArgumentError(`unknown runner ${unknown.join(', ')}; known: ${known.join(', ')}`);
  return names as RunnerName[];
}

export function parseOptions(argv: string[]): BenchOptions {
  const program = new Command('bench')
    .description('Engine vs. naive sample script against the Twilio simulator; prints figures, asserts nothing.')
    .option(
      '--sizes <counts>',
      'open tasks per workspace, comma list (default 1000,10000,50000; 10000 for --only load)',
      parseList,
    )
    .option('--latency <ms>', 'simulated latency per response', parsePositive, 100)
    .option('--limit <requests>', 'simulated concurrency limit (429 above it)', parsePositive, 100)
    .option('--stuck-share <share>', 'share of open tasks that are stuck', parsePositive, 0.2)
    .option('--naive-cap-seconds <s>', 'stop a naive run that takes longer than this', parsePositive, 120)
    .option('--runners <names>', `comma list of ${RUNNERS.map((runner) => runner.name).join(', ')}`, parseRunners)
    .option('--markdown', 'print the tables as Markdown', false)
    .option(
      '--only <part>',
      'run only this part: "scan" (the engine scan of each size, no close); "load" (the CLI with its defaults ' +
        'alone and next to other traffic, and the browser path: the account shared)',
      parseOnly,
    )
    .option(
      '--other-traffic <mean,swing[,period s]>',
      '--only load: the other traffic in flight, its mean and swing (default 50,20,10: 30 to 70 over 10 s)',
      parseOtherTraffic,
      { mean: 50, swing: 20, periodMs: 10_000 },
    )
    .option('--load-rows <names>', `--only load: comma list of ${LOAD_ROWS.join(', ')}`, parseLoadRows, LOAD_ROWS)
    .option(
      '--wrapup-overdue-minutes <values>',
      'WRAPUP_OVERDUE_MINUTES of the engine runs, comma list of "off" and minutes (each runs separately)',
      parseWrapup,
      [null],
    )
    .option(
      '--scenario <name>',
      '"plain": no conference or outbound tasks (one call leg per voice task), "default": the simulator\'s mix',
      parseScenario,
      'default',
    )
    .parse(argv, { from: 'user' });
  const options = program.opts();
  const only: 'scan' | 'load' | null = options.only ?? null;
  const defaultRunners = only === 'scan' ? SCAN_ONLY_RUNNERS : RUNNERS.map((runner) => runner.name);
  const runners: RunnerName[] = options.runners ?? defaultRunners;
  if (only === 'scan' && runners.some((name) => name.startsWith('naive')))
    program.error('--only scan runs engine runners only');
  if (only === 'load' && options.runners !== undefined) program.error('--only load runs its own rows (--load-rows)');
  return {
    sizes: options.sizes ?? (only === 'load' ? LOAD_DEFAULT_SIZES : [1_000, 10_000, 50_000]),
    otherTraffic: options.otherTraffic,
    loadRows: options.loadRows,
    latencyMs: options.latency,
    limit: options.limit,
    stuckShare: options.stuckShare,
    naiveCapSeconds: options.naiveCapSeconds,
    runners,
    explicitRunners: options.runners !== undefined,
    markdown: options.markdown,
    only,
    wrapupOverdueMinutes: options.wrapupOverdueMinutes,
    scenario: options.scenario,
  };
}

/**
 * Without --runners, the plan comparison (fetch every call) runs up to 10,000 tasks only: at 50,000 it
 * costs 1.5 minutes more and shows the same per-task request counts.
 */
const PLAN_COMPARISON_MAX_SIZE = 10_000;

export function runnersFor(size: number, options: BenchOptions): Runner[] {
  return RUNNERS.filter(
    (runner) =>
      options.runners.includes(runner.name) &&
      (options.explicitRunners || runner.name !== 'engine-fetch-each' || size <= PLAN_COMPARISON_MAX_SIZE),
  );
}
