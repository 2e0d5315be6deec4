/**
 * The engine against the Twilio simulator over real HTTP (the gateway's HTTP transport, rebased to
 * the simulator): every page walked, the simulator's own oracle as the expected answer, races and
 * faults injected through its control plane.
 */
import type { CloseResult, ReviewItem, ScanCounts, ScanResponse, Suspect } from '@plugin-stuck-tasks/contract';
import { addScanCounts, MAX_CLOSE_BATCH, ZERO_SCAN_COUNTS } from '@plugin-stuck-tasks/contract';
import { startSimulator } from '@plugin-stuck-tasks/sandbox';
import type { Simulator, SimulatorOptions } from '@plugin-stuck-tasks/sandbox';
import { ManualClock } from '../../test/support/manualClock';
import type { Settings } from '../settings';
import { closeTasks, createEngineDeps, inspectTask, scanPage } from './index';
import type { CallPlan, EngineDeps, EngineDepsOptions, ScanOptions } from './index';

jest.setTimeout(180_000);

const IDENTITY = 'supervisor@example.com';
const REASON = `Orchestration issue: closed stuck voice Task. Closed by ${IDENTITY}.`;

let sim: Simulator;

afterEach(async () => {
  await sim?.stop();
});

async function start(options: SimulatorOptions): Promise<Simulator> {
  sim = await startSimulator(options);
  return sim;
}

function settingsFor(simulator: Simulator, overrides: Partial<Settings> = {}): Settings {
  return {
    accountSid: simulator.accountSid,
    authToken: simulator.authToken,
    workspaceSid: simulator.workspaceSid,
    allowedRoles: ['admin'],
    graceSeconds: 60,
    closeReason: 'Orchestration issue: closed stuck voice Task.',
    excludedTaskQueues: [],
    apiBaseUrl: simulator.url,
    wrapupOverdueMinutes: null,
    insightsOutcome: 'Closed stuck task',
    ...overrides,
  };
}

function depsFor(simulator: Simulator, overrides: Partial<Settings> = {}, options: EngineDepsOptions = {}) {
  const log: Record<string, unknown>[] = [];
  const deps: EngineDeps = {
    ...createEngineDeps(settingsFor(simulator, overrides), {
      concurrency: 20,
      log: (entry) => log.push(entry),
      ...options,
      // Short backoffs keep fault tests quick; the shape of the policy is what is under test.
      // Request timeouts ten times the production ones: the simulator answers in this process, which
      // a busy machine can starve for seconds; none of these tests is about timeouts.
      gateway: {
        minBackoffMs: 20,
        maxBackoffMs: 200,
        requestTimeoutMs: 50_000,
        maxRetryTimeMs: 60_000,
        ...options.gateway,
      },
    }),
    // A scan's deadlines never pass here (none of these tests is about them, scan.test.ts is): a
    // page then holds what its size says, however slowly a busy machine walks it.
    clock: new ManualClock(),
  };
  return { deps, log };
}

async function walk(deps: EngineDeps, options: ScanOptions = {}) {
  const suspects: Suspect[] = [];
  const needsReview: ReviewItem[] = [];
  let counts: ScanCounts = { ...ZERO_SCAN_COUNTS };
  let token: string | null = null;
  let pages = 0;
  do {
    const page: ScanResponse = await scanPage(deps, token, options);
    pages += 1;
    suspects.push(...page.suspects);
    needsReview.push(...page.needsReview);
    counts = addScanCounts(counts, page.counts);
    token = page.nextPageToken;
  } while (token !== null);
  return { suspects, needsReview, counts, pages };
}

async function closeAll(deps: EngineDeps, taskSids: string[], force = false): Promise<CloseResult[]> {
  const results: CloseResult[] = [];
  for (let i = 0; i < taskSids.length; i += MAX_CLOSE_BATCH) {
    results.push(
      ...(await closeTasks(deps, { taskSids: taskSids.slice(i, i + MAX_CLOSE_BATCH), force, identity: IDENTITY })),
    );
  }
  return results;
}

/**
 * For tests that compare with the oracle after a walk: no call ended inside the grace period (those
 * end 1 s to grace − 10 s before seeding), so no verdict changes while a busy machine walks the
 * workspace. The grace period itself has its own test below.
 */
const FAR_FROM_GRACE = { recentlyEndedShare: 0 };
const sids = (items: { taskSid: string }[]) => items.map((item) => item.taskSid).sort();
const oracle = (verdict: 'stuck' | 'needs_review' | 'active' | 'not_voice') =>
  sim
    .listTasks({ status: ['pending', 'reserved', 'assigned'], verdict })
    .map((task) => task.sid)
    .sort();

describe('engine against the simulator', () => {
  it.each<CallPlan>(['live-calls', 'fetch-each'])(
    'walks every page and finds exactly what the oracle calls stuck or needing review (%s)',
    async (callPlan) => {
      await start({ seed: 'walk', scenario: { openTasks: 2300, ...FAR_FROM_GRACE }, nullAttributesInLists: 0.3 });
      const { deps } = depsFor(sim);
      const result = await walk(deps, { callPlan, maxTasks: 1000 });

      expect(result.pages).toBe(3);
      expect(sids(result.suspects)).toEqual(oracle('stuck'));
      expect(sids(result.needsReview)).toEqual(oracle('needs_review'));
      const problems = new Map(sim.listTasks({ verdict: 'needs_review' }).map((task) => [task.sid, task.problem]));
      for (const item of result.needsReview) expect(item.problem).toBe(problems.get(item.taskSid));
      const actions = new Map(sim.listTasks({ verdict: 'stuck' }).map((task) => [task.sid, task.action]));
      for (const suspect of result.suspects) expect(suspect.action).toBe(actions.get(suspect.taskSid));
      expect(result.counts).toEqual({
        scanned: 2300,
        stuck: oracle('stuck').length,
        // Overdue wrap-ups are off in these settings: wrapping tasks are never listed.
        wrapupOverdue: 0,
        conversationClosed: 0,
        needsReview: oracle('needs_review').length,
        active: oracle('active').length,
        skipped: oracle('not_voice').length,
      });
      // Every ended-call status is recognised, `canceled` included.
      expect(new Set(result.suspects.map((suspect) => suspect.callStatus))).toEqual(
        new Set(['completed', 'failed', 'busy', 'no-answer', 'canceled']),
      );
      const stats = deps.gateway.stats();
      if (callPlan === 'live-calls') {
        expect(stats.requests.fetchCall).toBeLessThan(result.counts.stuck + result.counts.needsReview + 100);
      } else {
        expect(stats.requests.listCalls).toBe(0);
      }
    },
  );

  it('never reports a task whose call ended inside the grace period', async () => {
    await start({ seed: 'grace', scenario: { openTasks: 400, recentlyEndedShare: 0.2 } });
    const recent = sim.listTasks({ kind: 'recently_ended' }).map((task) => task.sid);
    expect(recent.length).toBeGreaterThan(50);
    // Verdicts judged as of the seeding (those calls ended 1 s to grace − 10 s before it): a slow walk
    // on a busy machine cannot carry them past the grace period.
    const judgedAt = Date.now();
    const { deps } = depsFor(sim);
    const result = await walk({ ...deps, now: () => judgedAt });
    const reported = new Set([...sids(result.suspects), ...sids(result.needsReview)]);
    expect(recent.filter((sid) => reported.has(sid))).toEqual([]);

    // The same calls with no grace period are stuck.
    const { deps: noGrace } = depsFor(sim, { graceSeconds: 0 });
    const strict = await walk({ ...noGrace, now: () => judgedAt });
    expect(recent.every((sid) => strict.suspects.some((suspect) => suspect.taskSid === sid))).toBe(true);
  });

  it('ignores excluded queues, named by SID or by name', async () => {
    await start({ seed: 'excluded', scenario: { openTasks: 500, ...FAR_FROM_GRACE } });
    const billing = sim.summary().taskQueues.find((queue) => queue.name === 'Billing')!;
    const { deps } = depsFor(sim, { excludedTaskQueues: [billing.sid, 'Sales'] });
    const result = await walk(deps);
    const excluded = new Set(
      sim
        .listTasks()
        .filter((task) => task.taskQueueName === 'Billing' || task.taskQueueName === 'Sales')
        .map((task) => task.sid),
    );
    expect(excluded.size).toBeGreaterThan(0);
    expect([...result.suspects, ...result.needsReview].filter((item) => excluded.has(item.taskSid))).toEqual([]);
    expect(sids(result.suspects)).toEqual(oracle('stuck').filter((sid) => !excluded.has(sid)));
  });

  it('closes what it found with If-Match and the identity, and nothing else', async () => {
    await start({ seed: 'close', scenario: { openTasks: 600, ...FAR_FROM_GRACE } });
    const { deps, log } = depsFor(sim);
    const { suspects } = await walk(deps);
    const before = sim.updateLog().length;
    const results = await closeAll(
      deps,
      suspects.map((suspect) => suspect.taskSid),
    );

    const expected = suspects.map((suspect) => (suspect.action === 'cancel' ? 'canceled' : 'completed'));
    expect(results.map((result) => result.outcome)).toEqual(expected);
    const updates = sim.updateLog().slice(before);
    expect(updates).toHaveLength(suspects.length);
    for (const update of updates) {
      expect(update.source).toBe('api');
      expect(update.ifMatch).toBe(update.etagBefore);
      expect(update.reason).toBe(REASON);
      expect(['completed', 'failed', 'busy', 'no-answer', 'canceled']).toContain(update.callStatus);
      expect(update.from === 'assigned' ? 'completed' : 'canceled').toBe(update.to);
    }
    expect(log).toHaveLength(suspects.length);
    expect(log[0]).toMatchObject({ event: 'task_closed', identity: IDENTITY });
    expect(oracle('stuck')).toEqual([]);
  });

  it('re-checks every task before closing: races between scan and close', async () => {
    await start({ seed: 'races', scenario: { openTasks: 300, statusMix: { pending: 1, reserved: 0, assigned: 0 } } });
    const { deps } = depsFor(sim);
    const { suspects } = await walk(deps);
    const pending = suspects.filter((suspect) => suspect.assignmentStatus === 'pending');
    expect(pending.length).toBeGreaterThanOrEqual(5);
    const [revived, accepted, closedElsewhere, deleted, untouched] = pending;

    sim.reviveCall(revived.callSid as string);
    sim.reserveTask(accepted.taskSid);
    sim.acceptTask(accepted.taskSid);
    sim.closeTask(closedElsewhere.taskSid, 'canceled', 'Closed by another admin.');
    sim.deleteTask(deleted.taskSid);

    const results = await closeTasks(deps, {
      taskSids: [revived, accepted, closedElsewhere, deleted, untouched].map((suspect) => suspect.taskSid),
      force: true,
      identity: IDENTITY,
    });
    expect(results.map((result) => result.outcome)).toEqual([
      'not_stuck',
      'completed',
      'not_stuck',
      'not_found',
      'canceled',
    ]);
    expect(results[0].message).toMatch(/still in-progress/);
    expect(results[2].message).toMatch(/already canceled/);
    expect(sim.getTask(revived.taskSid)?.assignmentStatus).toBe('pending');
  });

  it('with force closes tasks that need review, but never one whose call is live or just ended', async () => {
    await start({ seed: 'force', scenario: { openTasks: 400 } });
    const { deps } = depsFor(sim);
    const { needsReview } = await walk(deps);
    expect(needsReview.length).toBeGreaterThan(0);
    const live = sim.listTasks({ verdict: 'active', kind: 'live' })[0];
    const justEnded = sim.listTasks({ verdict: 'active', kind: 'live' })[1];
    sim.endCall(justEnded.callSid!, 'completed');

    const results = await closeTasks(deps, {
      taskSids: [...needsReview.map((item) => item.taskSid), live.sid, justEnded.sid],
      force: true,
      identity: IDENTITY,
    });
    const outcomes = results.map((result) => result.outcome);
    expect(
      outcomes.slice(0, needsReview.length).every((outcome) => outcome === 'canceled' || outcome === 'completed'),
    ).toBe(true);
    expect(outcomes.slice(-2)).toEqual(['not_stuck', 'not_stuck']);
    expect(results.at(-1)!.message).toMatch(/grace period/);
  });

  it('answers a 429 storm and random 5xx with retries, and still finds every stuck task', async () => {
    await start({
      seed: 'storm',
      scenario: { openTasks: 250, ...FAR_FROM_GRACE },
      latencyMs: 10,
      concurrencyLimit: 5,
      errorRate: 0.1,
    });
    const { deps } = depsFor(sim, {}, { concurrency: 20, gateway: { maxRetryTimeMs: 60_000 } });
    const result = await walk(deps, { callPlan: 'fetch-each' });
    expect(sids(result.suspects)).toEqual(oracle('stuck'));
    const stats = sim.stats();
    expect(stats.throttled).toBeGreaterThan(0);
    expect(stats.serverErrors).toBeGreaterThan(0);
    expect(deps.gateway.stats().retries).toBeGreaterThan(0);
  });

  it('closes each task once when Twilio loses update answers', async () => {
    await start({ seed: 'lost', scenario: { openTasks: 400 }, lostUpdateRate: 0.4 });
    const { deps } = depsFor(sim);
    const { suspects } = await walk(deps);
    const before = sim.updateLog().length;
    const results = await closeAll(
      deps,
      suspects.map((suspect) => suspect.taskSid),
    );
    expect(results.every((result) => result.outcome === 'canceled' || result.outcome === 'completed')).toBe(true);
    const updates = sim.updateLog().slice(before);
    expect(updates).toHaveLength(suspects.length);
    expect(new Set(updates.map((update) => update.taskSid)).size).toBe(suspects.length);
    expect(sim.stats().updates.lostResponses).toBeGreaterThan(0);
  });

  it('inspects a task: details, call, reservations and the verdict', async () => {
    await start({ seed: 'inspect', scenario: { openTasks: 200 } });
    const { deps } = depsFor(sim);
    const stuck = sim.listTasks({ verdict: 'stuck', status: ['assigned'] })[0];
    const details = await inspectTask(deps, stuck.sid);
    expect(details).toMatchObject({
      task: { taskSid: stuck.sid, assignmentStatus: 'assigned', taskChannel: 'voice' },
      call: { callSid: stuck.callSid, status: stuck.callStatus },
      verdict: 'stuck',
      action: 'complete',
    });
    expect(details!.reservations).toEqual(
      stuck.reservations.map((reservation) => ({
        workerSid: reservation.workerSid,
        workerName: reservation.workerName,
        status: reservation.status,
      })),
    );
    const unknown = sim.listTasks({ verdict: 'needs_review' }).find((task) => task.problem === 'call_not_found')!;
    await expect(inspectTask(deps, unknown.sid)).resolves.toMatchObject({ call: null, problem: 'call_not_found' });
    // Chat and sms tasks are messaging tasks whose conversations are still going.
    const chat = sim.listTasks({ kind: 'other_channel' })[0];
    await expect(inspectTask(deps, chat.sid)).resolves.toMatchObject({
      verdict: 'active',
      conversation: { conversationSid: chat.conversationSid, state: chat.conversationState },
      interactionChannel: { channelSid: chat.interactionChannelSid, status: 'active' },
    });
    const voiceOnly = { ...deps, settings: { ...deps.settings, messaging: false } };
    await expect(inspectTask(voiceOnly, chat.sid)).resolves.toMatchObject({ verdict: 'not_voice' });
    await expect(inspectTask(deps, `WT${'0'.repeat(32)}`)).resolves.toBeNull();
  });
});
