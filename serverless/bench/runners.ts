/**
 * One row of the bench: a runner (the engine with a call plan and concurrency, or the naive script in
 * its own process) against a freshly seeded workspace, and what it did, judged from the simulator.
 */
import { closeAll, createEngineDeps, scanWorkspace } from '../src/engine';
import { endedWithinGrace, isTerminalCallStatus } from '../src/engine/rules';
import { DEFAULT_GRACE_SECONDS, fixedConcurrencyCap, loadSettings } from '../src/settings';
import type { NaiveConfig, NaiveProgress, NaiveResult } from './naive';
import type { BenchOptions, Runner } from './options';
import { forkRole } from './processes';
import type { SimulatorAddress, SimulatorControl } from './simulatorControl';

/** Seed of every workspace the bench builds. */
export const SEED = 'bench';
/** The engine's default grace period, which the simulator's oracle uses too. */
export const GRACE_SECONDS = DEFAULT_GRACE_SECONDS;

/** Where a row runs: the simulator (its control API and its address) and the workspace size. */
export interface RowSetup {
  sim: SimulatorControl;
  address: SimulatorAddress;
  size: number;
  options: BenchOptions;
}

/**
 * The scan phase of an engine row, counted by the engine's own gateway (every attempt, retries
 * included), so the requests of the scan are apart from those of the close.
 */
export interface ScanFigures {
  ms: number;
  requests: Record<string, number>;
  totalRequests: number;
  throttled: number;
  /** Requests the scan's plan needed (429s and 5xx excluded) x latency / limit. */
  floorMs: number;
  counts: { scanned: number; stuck: number; wrapupOverdue: number | null; needsReview: number; active: number };
}

export interface RowFigures {
  size: number;
  runner: Runner;
  /** Engine rows: WRAPUP_OVERDUE_MINUTES of the run (null = off). */
  wrapupOverdueMinutes: number | null;
  /** Engine rows: the scan phase on its own. */
  scan: ScanFigures | null;
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

/** No task with conference legs: every voice task names one call (its `call_sid`), as before issue 10. */
const PLAIN_SCENARIO = {
  conferenceStuckShare: 0,
  conferenceWorkerLiveShare: 0,
  outboundStuckShare: 0,
  outboundLiveShare: 0,
};

function scenarioFor(size: number, options: BenchOptions) {
  return {
    openTasks: size,
    stuckShare: options.stuckShare,
    // Only when asked: a simulator older than these options would refuse them.
    ...(options.scenario === 'plain' ? PLAIN_SCENARIO : {}),
  };
}

export async function prepareWorkspace(
  sim: SimulatorControl,
  size: number,
  options: BenchOptions,
): Promise<Set<string>> {
  await sim.configure({
    latencyMs: 0,
    concurrencyLimit: null,
    errorRate: 0,
    otherTrafficMean: 0,
    otherTrafficSwing: 0,
  });
  await sim.reset(SEED, scenarioFor(size, options));
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
export async function judgeOutcome(sim: SimulatorControl, stuckSids: Set<string>, graceSeconds: number) {
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

/**
 * One engine row: a full scan then the close of every suspect (as `stuck-tasks close --yes`), or the
 * scan alone with `--only scan`. `wrapupOverdueMinutes` is passed as the WRAPUP_OVERDUE_MINUTES setting;
 * a product without that setting ignores it.
 */
export async function runEngine(
  setup: RowSetup,
  runner: Runner,
  wrapupOverdueMinutes: number | null,
): Promise<RowFigures> {
  const { sim, address, size, options } = setup;
  const { concurrency, callPlan } = runner.engine as NonNullable<Runner['engine']>;
  const stuckSids = await prepareWorkspace(sim, size, options);
  const settings = loadSettings({
    ACCOUNT_SID: address.accountSid,
    AUTH_TOKEN: address.authToken,
    TASKROUTER_WORKSPACE_SID: address.workspaceSid,
    TWILIO_API_BASE_URL: address.url,
    ...(wrapupOverdueMinutes === null ? {} : { WRAPUP_OVERDUE_MINUTES: String(wrapupOverdueMinutes) }),
  });
  const deps = createEngineDeps(settings, { concurrency });
  const started = Date.now();
  const scan = await scanWorkspace(deps, { callPlan });
  const scanned = Date.now();
  const scanStats = deps.gateway.stats();
  if (process.env.BENCH_DEBUG)
    process.stderr.write(`    scan ${scanned - started} ms, window ${JSON.stringify(scanStats.window)}\n`);
  const scanFigures: ScanFigures = {
    ms: scanned - started,
    requests: scanStats.requests,
    totalRequests: scanStats.totalRequests,
    throttled: scanStats.throttled,
    floorMs:
      ((scanStats.totalRequests - scanStats.throttled - scanStats.serverErrors) * options.latencyMs) / options.limit,
    counts: {
      scanned: scan.counts.scanned,
      stuck: scan.counts.stuck,
      // Absent from a product before overdue wrap-ups (the bench also measures older commits).
      wrapupOverdue: (scan.counts as { wrapupOverdue?: number }).wrapupOverdue ?? null,
      needsReview: scan.counts.needsReview,
      active: scan.counts.active,
    },
  };
  const results =
    options.only === 'scan'
      ? []
      : await closeAll(deps, {
          taskSids: scan.suspects.map((suspect) => suspect.taskSid),
          force: false,
          identity: 'bench',
          concurrency: fixedConcurrencyCap(settings, concurrency),
        });
  const finished = Date.now();
  await waitForIdle(sim);
  const result = await judgeOutcome(sim, stuckSids, GRACE_SECONDS);
  const planRequests = result.stats.totalRequests - result.stats.throttled - result.stats.serverErrors;
  return {
    size,
    runner,
    wrapupOverdueMinutes,
    scan: scanFigures,
    wallMs: finished - started,
    scanMs: scanned - started,
    closeMs: options.only === 'scan' ? null : finished - scanned,
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

export async function runNaive(setup: RowSetup, runner: Runner): Promise<RowFigures> {
  const { sim, address, size, options } = setup;
  const stuckSids = await prepareWorkspace(sim, size, options);
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
  const result = await judgeOutcome(sim, stuckSids, GRACE_SECONDS);
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
    wrapupOverdueMinutes: null,
    scan: null,
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
