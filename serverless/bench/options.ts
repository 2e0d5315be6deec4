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
}

export type RunnerName = 'engine' | 'engine-fast' | 'engine-fetch-each' | 'naive' | 'naive-unbounded';

export interface Runner {
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

export function parseOptions(argv: string[]): BenchOptions {
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

export function runnersFor(size: number, options: BenchOptions): Runner[] {
  return RUNNERS.filter(
    (runner) =>
      options.runners.includes(runner.name) &&
      (options.explicitRunners || runner.name !== 'engine-fetch-each' || size <= PLAN_COMPARISON_MAX_SIZE),
  );
}
