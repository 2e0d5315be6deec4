/**
 * `npm run bench`: the project's engine (full scan + close, exactly as `stuck-tasks close --yes` runs
 * it) against the naive baseline (the support article's sample script), on the Twilio simulator with
 * realistic latency and Twilio's concurrency limit. Prints tables of figures; it asserts nothing.
 *
 * The simulator and the naive script each run in a process of their own, so that neither the
 * simulator's work nor a client's slows the other down on the event loop.
 */
import type { ChildProcess } from 'child_process';
import os from 'os';
import { measureBrowserPath, measureLoad, printLoadTable, runCliClose } from './load';
import type { LoadRow } from './load';
import { runNaiveBaseline } from './naive';
import type { NaiveConfig } from './naive';
import { parseOptions, runnersFor } from './options';
import type { BenchOptions, LoadRowName } from './options';
import { firstMessage, forkRole } from './processes';
import { printLegend, printTables, renderMarkdown, seconds, wrapupLabel } from './report';
import { renderTable } from '../src/cli/table';
import { runEngine, runNaive, SEED } from './runners';
import type { RowFigures, RowSetup } from './runners';
import { SimulatorControl } from './simulatorControl';
import type { SimulatorAddress } from './simulatorControl';

async function startSimulatorProcess(): Promise<{ child: ChildProcess; address: SimulatorAddress }> {
  const child = forkRole('simulator');
  const address = await firstMessage<SimulatorAddress>(child);
  return { child, address };
}

async function runBench(argv: string[]): Promise<number> {
  const options = parseOptions(argv);
  const write = (text: string) => process.stdout.write(text);
  const cpus = os.cpus();
  const [load1, load5, load15] = os.loadavg().map((load) => load.toFixed(2));
  write(
    `Benchmark${options.only ? ` (${options.only} only)` : ''}: latency ${options.latencyMs} ms, ` +
      `concurrency limit ${options.limit} (429 above), ` +
      `${Math.round(options.stuckShare * 100)} % stuck; sizes ${options.sizes.join(', ')}` +
      `${options.scenario === 'plain' ? '; plain scenario (no conference or outbound tasks)' : ''}.\n` +
      `Machine: ${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
      `Node ${process.version}, ${os.platform()} ${os.release()}; load average ${load1} ${load5} ${load15} at the start.\n\n`,
  );
  const { child, address } = await startSimulatorProcess();
  const sim = new SimulatorControl(address.url, address.controlSecret);
  const rows: RowFigures[] = [];
  const loadRows: LoadRow[] = [];
  const benchStarted = Date.now();
  try {
    if (options.only === 'load') {
      for (const size of options.sizes) {
        for (const name of options.loadRows) {
          const row = await runLoadRow(name, sim, address, size, options);
          loadRows.push(row);
          process.stderr.write(
            `  ${size} tasks, ${row.label}: ${seconds(row.wallMs)} s, ${row.requests} requests, ` +
              `${row.throttled} x 429, other traffic ${row.otherThrottled} x 429 of ${row.otherRequests} ` +
              `(${seconds(Date.now() - benchStarted)} s so far)\n`,
          );
        }
      }
    }
    for (const size of options.only === 'load' ? [] : options.sizes) {
      for (const runner of runnersFor(size, options)) {
        const setup: RowSetup = { sim, address, size, options };
        // Engine runners run once per overdue wrap-up setting; the naive script knows no such setting.
        const settings = runner.engine ? options.wrapupOverdueMinutes : [null];
        for (const wrapup of settings) {
          const row = runner.engine ? await runEngine(setup, runner, wrapup) : await runNaive(setup, runner);
          rows.push(row);
          process.stderr.write(
            `  ${size} tasks, ${runner.label}${wrapupLabel(row)}: ${seconds(row.wallMs)} s, ` +
              `${row.totalRequests} requests, ${row.throttled} x 429, ${row.closed} closed ` +
              `(${seconds(Date.now() - benchStarted)} s so far)\n`,
          );
        }
      }
    }
  } finally {
    child.kill();
  }
  const [end1, end5, end15] = os.loadavg().map((load) => load.toFixed(2));
  write(`\nLoad average ${end1} ${end5} ${end15} at the end.\n\n`);
  if (options.only === 'load') {
    printLoadTable(loadRows, options.markdown ? renderMarkdown : renderTable, write);
    write(`\nWhole run: ${seconds(Date.now() - benchStarted)} s.\n`);
    return 0;
  }
  printTables(rows, options, write);
  printLegend(write, Date.now() - benchStarted);
  return 0;
}

function runLoadRow(
  name: LoadRowName,
  sim: SimulatorControl,
  address: SimulatorAddress,
  size: number,
  options: BenchOptions,
): Promise<LoadRow> {
  switch (name) {
    case 'cli':
      return measureLoad(sim, size, options, 'CLI, defaults', null, () => runCliClose(address));
    case 'cli-other-traffic':
      return measureLoad(sim, size, options, 'CLI, defaults', options.otherTraffic, () => runCliClose(address));
    case 'browser':
      return measureBrowserPath(size, options, 'cold');
    case 'browser-warm':
      return measureBrowserPath(size, options, 'warm');
  }
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
