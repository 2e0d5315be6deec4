/**
 * POST /stuck-tasks/close through the real built Functions against the simulator: outcomes,
 * re-verification just before each update, If-Match, the reason, the audit log line, races
 * between scan and close, and Twilio answering 429 and 5xx.
 */
import type { CloseResponse, CloseResult, ScanResponse } from '@plugin-stuck-tasks/contract';
import { TERMINAL_CALL_STATUSES } from '@plugin-stuck-tasks/contract';
import type { OracleVerdict, TaskView, UpdateLogEntry } from '@plugin-stuck-tasks/sandbox';
import { SANDBOX_USERS } from '@plugin-stuck-tasks/sandbox';
import { startStack } from './support/stack';
import type { Stack } from './support/stack';

jest.setTimeout(120_000);

const CLOSE_REASON = 'Outage cleanup.';
const ADMIN = SANDBOX_USERS.admin.identity;
const EXPECTED_REASON = `${CLOSE_REASON} Closed by ${ADMIN}.`;

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    simulator: { seed: 'close-suite', scenario: { openTasks: 400, recentlyEndedShare: 0 } },
    settings: () => ({ CLOSE_REASON }),
  });
});

afterAll(async () => {
  await stack?.stop();
});

/** Tasks already handed to a test: each test works on tasks no other test touched. */
const used = new Set<string>();

function take(count: number, verdict: OracleVerdict, predicate: (view: TaskView) => boolean = () => true): TaskView[] {
  const views = stack.sim
    .listTasks({ verdict })
    .filter((view) => !used.has(view.sid) && predicate(view))
    .slice(0, count);
  if (views.length < count) throw new Error(`only ${views.length} unused ${verdict} tasks left`);
  views.forEach((view) => used.add(view.sid));
  return views;
}

const withStatus =
  (status: string) =>
  (view: TaskView): boolean =>
    view.assignmentStatus === status;

async function close(params: Record<string, unknown>, encoding: 'form' | 'json' = 'form'): Promise<CloseResult[]> {
  const answer = await stack.call<CloseResponse>('close', { Token: stack.adminToken(), ...params }, encoding);
  expect(answer.status).toBe(200);
  return answer.body.results;
}

function apiUpdates(sids: string[]): UpdateLogEntry[] {
  const wanted = new Set(sids);
  return stack.sim.updateLog().filter((entry) => entry.source === 'api' && wanted.has(entry.taskSid));
}

function expectSafeUpdates(entries: UpdateLogEntry[]): void {
  for (const entry of entries) {
    expect(entry.ifMatch).not.toBeNull();
    expect(entry.ifMatch).toBe(entry.etagBefore);
    expect(entry.reason).toBe(EXPECTED_REASON);
    expect(TERMINAL_CALL_STATUSES).toContain(entry.callStatus);
    expect(entry.to).toBe(entry.from === 'assigned' ? 'completed' : 'canceled');
  }
}

async function closedLogLines(sids: string[]): Promise<Record<string, unknown>[]> {
  const wanted = new Set(sids);
  const pick = (entries: Record<string, unknown>[]) =>
    entries.filter((entry) => entry.event === 'task_closed' && wanted.has(entry.taskSid as string));
  // Resolves as soon as the lines are in; the limit only bounds how long a failure takes to show.
  return pick(await stack.functions.waitForLogEntries((entries) => pick(entries).length >= sids.length, 30_000));
}

describe('closing stuck tasks', () => {
  it('cancels pending and reserved ones, completes assigned ones, with If-Match and the reason naming who', async () => {
    const tasks = [
      ...take(2, 'stuck', withStatus('pending')),
      ...take(2, 'stuck', withStatus('reserved')),
      ...take(2, 'stuck', withStatus('assigned')),
    ];
    const results = await close({ TaskSids: tasks.map((task) => task.sid).join(',') });

    expect(results.map((result) => [result.taskSid, result.outcome])).toEqual(
      tasks.map((task) => [task.sid, task.assignmentStatus === 'assigned' ? 'completed' : 'canceled']),
    );
    for (const task of tasks) {
      expect(stack.sim.getTask(task.sid)).toMatchObject({
        assignmentStatus: task.assignmentStatus === 'assigned' ? 'completed' : 'canceled',
        reason: EXPECTED_REASON,
      });
    }
    const updates = apiUpdates(tasks.map((task) => task.sid));
    expect(updates).toHaveLength(tasks.length);
    expectSafeUpdates(updates);
  });

  it('writes one structured log line per closed task: who, which task, from which status, what, the call', async () => {
    const tasks = [...take(1, 'stuck', withStatus('reserved')), ...take(1, 'stuck', withStatus('assigned'))];
    await close({ TaskSids: tasks.map((task) => task.sid) }, 'json');
    const lines = await closedLogLines(tasks.map((task) => task.sid));
    expect(lines).toHaveLength(2);
    for (const task of tasks) {
      expect(lines.filter((line) => line.taskSid === task.sid)).toEqual([
        expect.objectContaining({
          identity: ADMIN,
          fromStatus: task.assignmentStatus,
          action: task.assignmentStatus === 'assigned' ? 'complete' : 'cancel',
          callStatus: task.callStatus,
        }),
      ]);
    }
  });

  it('accepts TaskSids as repeated form fields and as a JSON array inside a form field', async () => {
    const [first, second, third] = take(3, 'stuck', withStatus('pending'));
    expect((await close({ TaskSids: [first.sid, second.sid] })).map((r) => r.outcome)).toEqual([
      'canceled',
      'canceled',
    ]);
    expect((await close({ TaskSids: JSON.stringify([third.sid]) })).map((r) => r.outcome)).toEqual(['canceled']);
  });

  it('refuses, one by one, what is not stuck — and changes none of it', async () => {
    const [stuck] = take(1, 'stuck', withStatus('pending'));
    const [live] = take(1, 'active', (view) => view.channel === 'voice');
    const review = take(3, 'needs_review');
    // A chat task whose conversation is still going (a messaging task, active).
    const [chat] = take(1, 'active', (view) => view.kind === 'other_channel');
    const [wrapping] = take(1, 'wrapping');
    const unknown = `WT${'f'.repeat(32)}`;
    const requested = [live.sid, stuck.sid, ...review.map((task) => task.sid), chat.sid, wrapping.sid, unknown];

    const results = await close({ TaskSids: requested }, 'json');

    expect(results.map((result) => result.taskSid)).toEqual(requested);
    expect(results.map((result) => result.outcome)).toEqual([
      'not_stuck',
      'canceled',
      'not_stuck',
      'not_stuck',
      'not_stuck',
      'not_stuck',
      'not_stuck',
      'not_found',
    ]);
    expect(results[0].message).toMatch(/still (queued|ringing|in-progress)/);
    expect(results[2].message).toMatch(/needs review/);
    expect(results[5].message).toMatch(/its conversation CH[0-9a-f]{32} is still (active|inactive|initializing)/);
    expect(apiUpdates(requested).map((entry) => entry.taskSid)).toEqual([stuck.sid]);
  });

  it('with Force, also closes tasks that need review, but never one whose call is live', async () => {
    const review = take(3, 'needs_review', (view) => view.assignmentStatus !== 'assigned');
    const [live] = take(1, 'active');
    const results = await close({ TaskSids: [...review.map((task) => task.sid), live.sid], Force: true }, 'json');
    expect(results.map((result) => result.outcome)).toEqual(['canceled', 'canceled', 'canceled', 'not_stuck']);
    expect(stack.sim.getTask(live.sid)?.assignmentStatus).toBe(live.assignmentStatus);
    const [assignedReview] = take(1, 'needs_review', withStatus('assigned'));
    expect((await close({ TaskSids: assignedReview.sid, Force: 'true' })).map((r) => r.outcome)).toEqual(['completed']);
  });

  it('does not close a task twice when asked twice; the repeat (a retry after a lost answer) reports the first close', async () => {
    const [assigned] = take(1, 'stuck', withStatus('assigned'));
    const [pending] = take(1, 'stuck', withStatus('pending'));
    const sids = [assigned.sid, pending.sid];
    expect((await close({ TaskSids: sids })).map((result) => result.outcome)).toEqual(['completed', 'canceled']);

    // What the plugin's client or the CLI sends again when the first answer was a 5xx or never came.
    const again = await close({ TaskSids: sids });

    expect(again).toEqual([
      { taskSid: assigned.sid, outcome: 'completed', message: `Completed (by an earlier attempt as ${ADMIN}).` },
      { taskSid: pending.sid, outcome: 'canceled', message: `Canceled (by an earlier attempt as ${ADMIN}).` },
    ]);
    expect(apiUpdates(sids)).toHaveLength(2);
    expect(await closedLogLines(sids)).toHaveLength(2);
  });

  it('reports a task this service closed for someone else as not stuck (already closed)', async () => {
    const [task] = take(1, 'stuck', withStatus('reserved'));
    stack.sim.closeTask(task.sid, 'canceled', `${CLOSE_REASON} Closed by grace.hopper.`);

    const [result] = await close({ TaskSids: task.sid });

    expect(result).toEqual({
      taskSid: task.sid,
      outcome: 'not_stuck',
      message: 'Not closed: the task is already canceled.',
    });
    expect(apiUpdates([task.sid])).toEqual([]);
  });
});

describe('races between scan and close: each task is re-checked just before its update', () => {
  it('leaves alone tasks closed or deleted meanwhile and tasks whose call came back, and acts on the status now', async () => {
    const scan = await stack.call<ScanResponse>('scan', { Token: stack.adminToken() });
    const suspects = scan.body.suspects.filter((suspect) => !used.has(suspect.taskSid));
    const pick = (status: string) => {
      const suspect = suspects.find((s) => s.assignmentStatus === status && !used.has(s.taskSid));
      if (!suspect) throw new Error(`no ${status} suspect left`);
      used.add(suspect.taskSid);
      return suspect;
    };
    const closedElsewhere = pick('reserved');
    const deleted = pick('pending');
    const revived = pick('assigned');
    const acceptedMeanwhile = pick('reserved');
    const untouched = pick('pending');

    stack.sim.closeTask(closedElsewhere.taskSid, 'completed', 'Closed by orchestration');
    stack.sim.deleteTask(deleted.taskSid);
    stack.sim.reviveCall(revived.callSid as string, 'in-progress');
    stack.sim.acceptTask(acceptedMeanwhile.taskSid);

    const requested = [closedElsewhere, deleted, revived, acceptedMeanwhile, untouched].map((s) => s.taskSid);
    const results = await close({ TaskSids: requested.join(',') });

    expect(results.map((result) => result.outcome)).toEqual([
      'not_stuck',
      'not_found',
      'not_stuck',
      // It was reserved (cancel) at scan time; assigned now, so it is completed, never canceled.
      'completed',
      'canceled',
    ]);
    expect(results[2].message).toMatch(/in-progress/);
    expect(stack.sim.getTask(revived.taskSid)?.assignmentStatus).toBe('assigned');
    expect(stack.sim.getTask(closedElsewhere.taskSid)?.reason).toBe('Closed by orchestration');
    const updates = apiUpdates(requested);
    expect(updates.map((entry) => [entry.taskSid, entry.from, entry.to])).toEqual(
      expect.arrayContaining([
        [acceptedMeanwhile.taskSid, 'assigned', 'completed'],
        [untouched.taskSid, 'pending', 'canceled'],
      ]),
    );
    expect(updates).toHaveLength(2);
    expectSafeUpdates(updates);
  });
});

describe('when Twilio throttles and fails', () => {
  afterEach(() => {
    stack.sim.configure({ concurrencyLimit: null, latencyMs: 0, errorRate: 0, lostUpdateRate: 0 });
  });

  it('rides out a 429 storm: every task closed exactly once', async () => {
    const tasks = take(20, 'stuck');
    stack.sim.resetStats();
    stack.sim.configure({ concurrencyLimit: 3, latencyMs: 20 });
    const results = await close({ TaskSids: tasks.map((task) => task.sid) }, 'json');

    expect(stack.sim.stats().throttled).toBeGreaterThan(0);
    expect(results.map((result) => result.outcome)).toEqual(
      tasks.map((task) => (task.assignmentStatus === 'assigned' ? 'completed' : 'canceled')),
    );
    const updates = apiUpdates(tasks.map((task) => task.sid));
    expect(new Set(updates.map((entry) => entry.taskSid)).size).toBe(tasks.length);
    expect(updates).toHaveLength(tasks.length);
    expectSafeUpdates(updates);
  });

  it('answers through random 5xx and lost update answers: scan still matches, each task closed once', async () => {
    stack.sim.resetStats();
    stack.sim.configure({ errorRate: 0.15, lostUpdateRate: 0.3 });
    const token = stack.adminToken();
    const reported: string[] = [];
    let pageToken: string | null = null;
    do {
      const params: Record<string, unknown> = pageToken ? { Token: token, PageToken: pageToken } : { Token: token };
      const answer: { status: number; body: ScanResponse } = await stack.call<ScanResponse>('scan', params);
      expect(answer.status).toBe(200);
      reported.push(...answer.body.suspects.map((suspect) => suspect.taskSid));
      pageToken = answer.body.nextPageToken;
    } while (pageToken !== null);
    expect(reported.sort()).toEqual(
      stack.sim
        .listTasks({ verdict: 'stuck' })
        .map((view) => view.sid)
        .sort(),
    );

    const tasks = take(12, 'stuck');
    const results = await close({ TaskSids: tasks.map((task) => task.sid) }, 'json');
    const stats = stack.sim.stats();
    expect(stats.serverErrors).toBeGreaterThan(0);
    expect(stats.updates.lostResponses).toBeGreaterThan(0);
    const wrong = tasks.flatMap((task, index) => {
      const expected = task.assignmentStatus === 'assigned' ? 'completed' : 'canceled';
      const result = results[index];
      const now = stack.sim.getTask(task.sid)?.assignmentStatus;
      return result.taskSid === task.sid && result.outcome === expected && now === expected
        ? []
        : [`${task.sid}: expected ${expected}, reported ${result.outcome} (${result.message}), now ${now}`];
    });
    expect(wrong).toEqual([]);
    const updates = apiUpdates(tasks.map((task) => task.sid));
    expect(updates).toHaveLength(tasks.length);
    expectSafeUpdates(updates);
  });

  it('answers 502 upstream when Twilio keeps failing', async () => {
    stack.sim.configure({ errorRate: 1 });
    const answer = await stack.call('scan', { Token: stack.adminToken() });
    expect(answer.status).toBe(502);
    expect(answer.body).toEqual({ error: { code: 'upstream', message: expect.any(String) } });
  });
});
