import pLimit from 'p-limit';
import type { EngineDeps } from './deps';
import { NOT_ATTEMPTED, closeTasks } from './close';
import { FakeGateway, NOW_MS, makeCall, makeTask, newTaskSid, testSettings } from '../../test/support/fakeGateway';
import { onFakeTime } from '../../test/support/fakeTime';

const REASON = 'Orchestration issue: closed stuck voice Task. Closed by ann@example.com.';

function setup(settings = testSettings()) {
  const gateway = new FakeGateway();
  const log: Record<string, unknown>[] = [];
  const deps: EngineDeps = { gateway, settings, now: () => NOW_MS, log: (entry) => log.push(entry) };
  const close = (taskSids: string[], force = false, options?: { deadlineMs?: number }) =>
    closeTasks(deps, { taskSids, force, identity: 'ann@example.com' }, options);
  return { gateway, log, close };
}

const ago = (seconds: number) => new Date(NOW_MS - seconds * 1000).toUTCString();

describe('closeTasks', () => {
  it('cancels a stuck pending/reserved task and completes a stuck assigned one, with If-Match and the identity', async () => {
    const { gateway, log, close } = setup();
    const pending = gateway.addTaskWithCall({ assignment_status: 'pending' }, { status: 'completed' }).task;
    const reserved = gateway.addTaskWithCall({ assignment_status: 'reserved' }, { status: 'canceled' }).task;
    const assigned = gateway.addTaskWithCall({ assignment_status: 'assigned' }, { status: 'busy' }).task;

    const results = await close([pending.sid, reserved.sid, assigned.sid]);

    expect(results).toEqual([
      { taskSid: pending.sid, outcome: 'canceled', message: 'Canceled (was pending; call completed).' },
      { taskSid: reserved.sid, outcome: 'canceled', message: 'Canceled (was reserved; call canceled).' },
      { taskSid: assigned.sid, outcome: 'completed', message: 'Completed (was assigned; call busy).' },
    ]);
    // The Insights outcome rides in the same update as the status (one request per task).
    const withOutcome = (task: { attributes: string | null }) =>
      `${(task.attributes as string).slice(0, -1)},"conversations":{"outcome":"Closed stuck task"}}`;
    expect(gateway.updates).toEqual([
      {
        taskSid: pending.sid,
        from: 'pending',
        to: 'canceled',
        reason: REASON,
        ifMatch: '"v1"',
        attributes: withOutcome(pending),
      },
      {
        taskSid: reserved.sid,
        from: 'reserved',
        to: 'canceled',
        reason: REASON,
        ifMatch: '"v1"',
        attributes: withOutcome(reserved),
      },
      {
        taskSid: assigned.sid,
        from: 'assigned',
        to: 'completed',
        reason: REASON,
        ifMatch: '"v1"',
        attributes: withOutcome(assigned),
      },
    ]);
    expect(gateway.counts.updateTask).toBe(3);
    expect(log).toEqual([
      expect.objectContaining({
        event: 'task_closed',
        identity: 'ann@example.com',
        taskSid: pending.sid,
        fromStatus: 'pending',
        action: 'cancel',
        kind: 'call_ended',
        callStatus: 'completed',
        legs: [{ role: 'call_sid', callSid: expect.stringMatching(/^CA/), status: 'completed' }],
        insightsOutcome: 'Closed stuck task',
      }),
      expect.objectContaining({
        taskSid: reserved.sid,
        fromStatus: 'reserved',
        action: 'cancel',
        callStatus: 'canceled',
      }),
      expect.objectContaining({
        taskSid: assigned.sid,
        fromStatus: 'assigned',
        action: 'complete',
        callStatus: 'busy',
      }),
    ]);
  });

  it('re-fetches the call: a call revived since the scan keeps its task open', async () => {
    const { gateway, close } = setup();
    const { task, call } = gateway.addTaskWithCall({}, { status: 'completed' });
    gateway.calls.set(call.sid, { ...call, status: 'in-progress', end_time: null });
    const [result] = await close([task.sid]);
    expect(result).toEqual({
      taskSid: task.sid,
      outcome: 'not_stuck',
      message: `Not closed: its call ${call.sid} is still in-progress.`,
    });
    expect(gateway.updates).toEqual([]);
  });

  it('leaves a task whose call ended inside the grace period, even with force', async () => {
    const { gateway, close } = setup();
    const { task } = gateway.addTaskWithCall({}, { status: 'completed', end_time: ago(20), date_updated: ago(20) });
    const [result] = await close([task.sid], true);
    expect(result.outcome).toBe('not_stuck');
    expect(result.message).toMatch(/ended 20 s ago, inside the 60 s grace period/);
    expect(gateway.updates).toEqual([]);
  });

  it('never closes a task whose call is live, even with force', async () => {
    const { gateway, close } = setup();
    const tasks = (['queued', 'ringing', 'in-progress'] as const).map(
      (status) => gateway.addTaskWithCall({ assignment_status: 'assigned' }, { status }).task.sid,
    );
    const results = await close(tasks, true);
    expect(results.map((result) => result.outcome)).toEqual(['not_stuck', 'not_stuck', 'not_stuck']);
    expect(gateway.updates).toEqual([]);
  });

  it('closes tasks that need review only with force', async () => {
    const { gateway, log, close } = setup();
    const noCallSid = gateway.addTask(makeTask({ callSid: null })).sid;
    const badAttributes = gateway.addTask(makeTask({ attributes: 'oops', assignment_status: 'assigned' })).sid;
    const unknownCall = gateway.addTask(makeTask({ assignment_status: 'reserved' })).sid;

    const refused = await close([noCallSid, badAttributes, unknownCall]);
    expect(refused.map((result) => result.outcome)).toEqual(['not_stuck', 'not_stuck', 'not_stuck']);
    expect(refused[0].message).toBe(
      'Not closed: needs review (its attributes carry no call_sid). Close it with force if you are sure.',
    );
    expect(gateway.updates).toEqual([]);

    const forced = await close([noCallSid, badAttributes, unknownCall], true);
    expect(forced.map((result) => result.outcome)).toEqual(['canceled', 'completed', 'canceled']);
    expect(forced[2].message).toBe('Canceled (was reserved; forced although the call it names does not exist).');
    expect(gateway.updates).toHaveLength(3);
    expect(log.every((entry) => entry.forced === true)).toBe(true);
  });

  it.each([
    ['wrapping', { assignment_status: 'wrapping' as const }, /already wrapping/],
    ['completed', { assignment_status: 'completed' as const }, /already completed/],
    ['chat', { task_channel_unique_name: 'chat' }, /chat task, not a voice task/],
    ['excluded', { task_queue_friendly_name: 'Callbacks' }, /queue Callbacks is excluded/],
  ])('does not close a %s task, even with force', async (_label, change, message) => {
    const { gateway, close } = setup(testSettings({ excludedTaskQueues: ['Callbacks'] }));
    const { task } = gateway.addTaskWithCall(change, { status: 'completed' });
    const [result] = await close([task.sid], true);
    expect(result.outcome).toBe('not_stuck');
    expect(result.message).toMatch(message);
    expect(gateway.updates).toEqual([]);
  });

  it('reports tasks that do not exist and malformed SIDs as not_found without a request for the latter', async () => {
    const { gateway, close } = setup();
    const missing = newTaskSid();
    const results = await close([missing, 'WT123']);
    expect(results).toEqual([
      { taskSid: missing, outcome: 'not_found', message: expect.stringMatching(/Task not found/) },
      { taskSid: 'WT123', outcome: 'not_found', message: 'Not a Task SID (WT followed by 32 hex digits).' },
    ]);
    expect(gateway.counts.fetchTask).toBe(1);
  });

  it('re-verifies after a 412 and closes with the action the new state calls for', async () => {
    const { gateway, close } = setup();
    const { task } = gateway.addTaskWithCall({ assignment_status: 'reserved' }, { status: 'completed' });
    // An agent accepts the reservation between our re-check and our update.
    gateway.beforeUpdate = (sid) => {
      gateway.beforeUpdate = null;
      gateway.mutateTask(sid, { assignment_status: 'assigned' });
    };
    const [result] = await close([task.sid]);
    expect(result.outcome).toBe('completed');
    expect(gateway.updates).toEqual([expect.objectContaining({ from: 'assigned', to: 'completed', ifMatch: '"v2"' })]);
  });

  it('after a 412 does not close a task whose call came back to life', async () => {
    const { gateway, close } = setup();
    const { task, call } = gateway.addTaskWithCall({}, { status: 'completed' });
    gateway.beforeUpdate = (sid) => {
      gateway.beforeUpdate = null;
      gateway.mutateTask(sid, { priority: 5 });
      gateway.calls.set(call.sid, { ...call, status: 'in-progress', end_time: null });
    };
    const [result] = await close([task.sid]);
    expect(result.outcome).toBe('not_stuck');
    expect(gateway.updates).toEqual([]);
  });

  it('gives up after a second 412', async () => {
    const { gateway, close } = setup();
    const { task } = gateway.addTaskWithCall({}, { status: 'completed' });
    gateway.beforeUpdate = (sid) => gateway.mutateTask(sid, { priority: Math.random() });
    const [result] = await close([task.sid]);
    expect(result).toEqual({
      taskSid: task.sid,
      outcome: 'failed',
      message: 'The task kept changing while being closed, so it was left as it is; scan again.',
    });
    expect(gateway.counts.updateTask).toBe(2);
    expect(gateway.updates).toEqual([]);
  });

  it('reports a task closed by someone else meanwhile as not_stuck', async () => {
    const { gateway, close } = setup();
    const { task } = gateway.addTaskWithCall({}, { status: 'completed' });
    gateway.beforeUpdate = (sid) => {
      gateway.beforeUpdate = null;
      gateway.mutateTask(sid, { assignment_status: 'canceled', reason: 'Closed by bob.' });
    };
    const [result] = await close([task.sid]);
    expect(result).toMatchObject({ outcome: 'not_stuck', message: 'Not closed: the task is already canceled.' });
  });

  it('reports a task its own earlier attempt closed (a retried request) as canceled/completed, not "already closed"', async () => {
    const { gateway, log, close } = setup();
    const pending = gateway.addTaskWithCall({ assignment_status: 'pending' }, { status: 'completed' }).task;
    const assigned = gateway.addTaskWithCall({ assignment_status: 'assigned' }, { status: 'completed' }).task;
    const first = await close([pending.sid, assigned.sid]);
    expect(first.map((result) => result.outcome)).toEqual(['canceled', 'completed']);

    // The client never saw that answer (5xx, lost connection) and sends the same batch again.
    const retried = await close([pending.sid, assigned.sid]);

    expect(retried).toEqual([
      { taskSid: pending.sid, outcome: 'canceled', message: 'Canceled (by an earlier attempt as ann@example.com).' },
      { taskSid: assigned.sid, outcome: 'completed', message: 'Completed (by an earlier attempt as ann@example.com).' },
    ]);
    expect(gateway.updates).toHaveLength(2);
    expect(log).toHaveLength(2);
  });

  it('reports a task closed by this service for another identity, or by orchestration, as not_stuck', async () => {
    const { gateway, close } = setup();
    const byBob = gateway.addTaskWithCall({}, { status: 'completed' }).task;
    const byOrchestration = gateway.addTaskWithCall({}, { status: 'completed' }).task;
    gateway.mutateTask(byBob.sid, {
      assignment_status: 'canceled',
      reason: 'Orchestration issue: closed stuck voice Task. Closed by bob@example.com.',
    });
    gateway.mutateTask(byOrchestration.sid, { assignment_status: 'completed', reason: 'Workflow timeout' });

    const results = await close([byBob.sid, byOrchestration.sid]);

    expect(results.map((result) => [result.outcome, result.message])).toEqual([
      ['not_stuck', 'Not closed: the task is already canceled.'],
      ['not_stuck', 'Not closed: the task is already completed.'],
    ]);
    expect(gateway.updates).toEqual([]);
  });

  it('reports a task that vanished just before the update as not_found', async () => {
    const { gateway, close } = setup();
    const { task } = gateway.addTaskWithCall({}, { status: 'completed' });
    gateway.beforeUpdate = (sid) => gateway.tasks.delete(sid);
    const [result] = await close([task.sid]);
    expect(result).toEqual({
      taskSid: task.sid,
      outcome: 'not_found',
      message: 'Task disappeared before it could be closed.',
    });
  });

  it('does not claim not_found for a task that vanished after an update attempt went unanswered', async () => {
    const { gateway, close } = setup();
    const { task } = gateway.addTaskWithCall({}, { status: 'completed' });
    gateway.updateTask = async () => ({ kind: 'not_found', afterUnansweredAttempt: true });
    const [result] = await close([task.sid]);
    expect(result).toEqual({
      taskSid: task.sid,
      outcome: 'failed',
      message: 'The task disappeared after an update attempt went unanswered: it may or may not have been closed.',
    });
  });

  it('turns a state conflict (400 20001) into not_stuck', async () => {
    const { gateway, close } = setup();
    const { task } = gateway.addTaskWithCall({ assignment_status: 'pending' }, { status: 'completed' });
    gateway.updateTask = async () => ({ kind: 'rejected', twilioCode: 20001, message: 'Cannot cancel' });
    const [result] = await close([task.sid]);
    expect(result.outcome).toBe('not_stuck');
    expect(result.message).toMatch(/state moved on \(now pending\).*code 20001/);
  });

  it('reports success, once, when an update was applied but its answer was lost', async () => {
    const { gateway, log, close } = setup();
    const { task } = gateway.addTaskWithCall({ assignment_status: 'assigned' }, { status: 'completed' });
    gateway.loseNextUpdateAnswer = true;
    const [result] = await close([task.sid]);
    expect(result.outcome).toBe('completed');
    expect(gateway.updates).toHaveLength(1);
    expect(log).toHaveLength(1);
  });

  it('fails a task Twilio would not serve, saying whether it may have changed', async () => {
    const { gateway, close } = setup();
    const before = gateway.addTaskWithCall({}, { status: 'completed' }).task;
    const during = gateway.addTaskWithCall({}, { status: 'completed' }).task;
    gateway.failNext('fetchCall', { status: 503 });
    gateway.failNext('updateTask', 'timeout', 'timeout', 'timeout');
    const results = await close([before.sid, during.sid]);
    const bySid = new Map(results.map((result) => [result.taskSid, result]));
    const messages = [bySid.get(before.sid)!, bySid.get(during.sid)!].map((result) => result.message);
    expect(results.map((result) => result.outcome)).toEqual(['failed', 'failed']);
    expect(messages.some((message) => /The task was not changed; try again/.test(message))).toBe(true);
    expect(messages.some((message) => /may or may not be closed; scan again/.test(message))).toBe(true);
  });

  it('checks again and retries when an update gets no answer, closing the task once', async () => {
    const { gateway, close } = setup();
    const { task } = gateway.addTaskWithCall({}, { status: 'completed' });
    gateway.failNext('updateTask', 'timeout');
    const [result] = await close([task.sid]);
    expect(result.outcome).toBe('canceled');
    expect(gateway.updates).toHaveLength(1);
    expect(gateway.counts.fetchCall).toBe(2);
  });

  it('holds one gateway slot per task for its re-check and update', async () => {
    const { gateway, close } = setup();
    const sids = Array.from({ length: 4 }, () => gateway.addTaskWithCall({}, { status: 'completed' }).task.sid);
    await close(sids);
    expect(gateway.slotsTaken).toBe(4);
  });

  it('answers once per requested SID, in request order, closing a repeated SID once', async () => {
    const { gateway, close } = setup();
    const a = gateway.addTaskWithCall({}, { status: 'completed' }).task.sid;
    const b = gateway.addTaskWithCall({}, { status: 'in-progress' }).task.sid;
    const results = await close([b, a, b]);
    expect(results.map((result) => [result.taskSid, result.outcome])).toEqual([
      [b, 'not_stuck'],
      [a, 'canceled'],
      [b, 'not_stuck'],
    ]);
    expect(gateway.updates).toHaveLength(1);
  });

  it('once stopped, starts no further task; the task in flight finishes with its real outcome', async () => {
    const gateway = new FakeGateway();
    const deps: EngineDeps = { gateway, settings: testSettings(), now: () => NOW_MS };
    // One slot, as with a concurrency of 1: the other tasks wait for it.
    const slot = pLimit(1);
    const withSlot = gateway.withSlot.bind(gateway);
    gateway.withSlot = (work) => slot(() => withSlot(work));
    const sids = Array.from({ length: 3 }, () => gateway.addTaskWithCall({}, { status: 'completed' }).task.sid);
    const stop = new AbortController();
    gateway.beforeUpdate = () => stop.abort();

    const results = await closeTasks(
      deps,
      { taskSids: sids, force: false, identity: 'ann@example.com' },
      { signal: stop.signal },
    );

    expect(results.map((result) => [result.outcome, result.message])).toEqual([
      ['canceled', 'Canceled (was pending; call completed).'],
      ['failed', NOT_ATTEMPTED],
      ['failed', NOT_ATTEMPTED],
    ]);
    expect(gateway.updates.map((update) => update.taskSid)).toEqual([sids[0]]);
    expect(gateway.counts.fetchTask).toBe(1);
  });

  it('answers for every task within its deadline, even when Twilio is slow', async () => {
    const { gateway, close } = setup();
    const sids = Array.from({ length: 50 }, () => gateway.addTaskWithCall({}, { status: 'completed' }).task.sid);
    gateway.latencyMs = 40;
    gateway.concurrency = 5;
    // On fake time (Twilio's latency and the deadline alike), so a busy machine cannot stretch it.
    const { outcome, elapsedMs } = await onFakeTime(() => close(sids, false, { deadlineMs: 500 }));
    expect(elapsedMs).toBeLessThan(900);
    if (!('value' in outcome)) throw outcome.error;
    const results = outcome.value;
    expect(results).toHaveLength(50);
    const closed = results.filter((result) => result.outcome === 'canceled').length;
    expect(closed).toBe(gateway.updates.length);
    expect(results.every((result) => ['canceled', 'failed'].includes(result.outcome))).toBe(true);
    expect(results.some((result) => result.outcome === 'failed')).toBe(true);
  });
});

describe('closeTasks: the identity in the reason and the log', () => {
  it('writes the identity sanitised (no forged second "Closed by" line), the same in the reason and the log', async () => {
    const gateway = new FakeGateway();
    const log: Record<string, unknown>[] = [];
    const deps: EngineDeps = { gateway, settings: testSettings(), now: () => NOW_MS, log: (entry) => log.push(entry) };
    const task = gateway.addTaskWithCall({ assignment_status: 'pending' }, { status: 'completed' }).task;

    await closeTasks(deps, { taskSids: [task.sid], force: false, identity: 'eve\nClosed by ada_admin.\r\u202e' });

    const written = 'eve Closed by ada_admin.';
    expect(gateway.updates.map((update) => update.reason)).toEqual([
      `Orchestration issue: closed stuck voice Task. Closed by ${written}.`,
    ]);
    expect(log).toEqual([expect.objectContaining({ event: 'task_closed', identity: written })]);
  });
});

describe('closeTasks: call legs, overdue wrap-ups and the Insights outcome (issue 10)', () => {
  const minutesAgo = (minutes: number) => new Date(NOW_MS - minutes * 60_000).toISOString();

  it('refuses a task whose worker leg is still live, naming that leg, even with force', async () => {
    const { gateway, close } = setup();
    const ended = gateway.addCall(makeCall({ status: 'completed' }));
    const worker = gateway.addCall(makeCall({ status: 'in-progress' }));
    const task = gateway.addTask(
      makeTask({ callSid: ended.sid, assignment_status: 'assigned', participants: { worker: worker.sid } }),
    );
    for (const force of [false, true]) {
      await expect(close([task.sid], force)).resolves.toEqual([
        {
          taskSid: task.sid,
          outcome: 'not_stuck',
          message: `Not closed: its worker leg ${worker.sid} is still in-progress.`,
        },
      ]);
    }
    expect(gateway.updates).toEqual([]);
  });

  it('fetches every leg fresh: a leg that came back since the scan keeps the task open', async () => {
    const { gateway, close } = setup();
    const customer = gateway.addCall(makeCall({ status: 'completed' }));
    const worker = gateway.addCall(makeCall({ status: 'completed' }));
    const task = gateway.addTask(
      makeTask({ callSid: null, participants: { customer: customer.sid, worker: worker.sid } }),
    );
    gateway.calls.set(worker.sid, { ...worker, status: 'ringing' });
    const [result] = await close([task.sid]);
    expect(result.message).toBe(`Not closed: its worker leg ${worker.sid} is still ringing.`);
    expect(gateway.counts.fetchCall).toBe(2);
  });

  it('refuses while a leg ended inside the grace period, naming it', async () => {
    const { gateway, close } = setup();
    const customer = gateway.addCall(makeCall({ status: 'completed' }));
    const worker = gateway.addCall(makeCall({ status: 'completed', end_time: ago(20), date_updated: ago(20) }));
    const task = gateway.addTask(
      makeTask({ callSid: null, participants: { customer: customer.sid, worker: worker.sid } }),
    );
    const [result] = await close([task.sid]);
    expect(result).toMatchObject({ outcome: 'not_stuck' });
    expect(result.message).toBe(
      `Not closed: its worker leg ${worker.sid} ended 20 s ago, inside the 60 s grace period, and orchestration may still move the task.`,
    );
  });

  it('closes a conference task once every leg ended, saying so', async () => {
    const { gateway, log, close } = setup();
    const customer = gateway.addCall(makeCall({ status: 'completed' }));
    const worker = gateway.addCall(makeCall({ status: 'no-answer' }));
    const task = gateway.addTask(
      makeTask({
        callSid: null,
        assignment_status: 'reserved',
        participants: { customer: customer.sid, worker: worker.sid },
      }),
    );
    await expect(close([task.sid])).resolves.toEqual([
      { taskSid: task.sid, outcome: 'canceled', message: 'Canceled (was reserved; every call leg ended).' },
    ]);
    expect(log).toEqual([
      expect.objectContaining({
        kind: 'call_ended',
        legs: [
          { role: 'customer', callSid: customer.sid, status: 'completed' },
          { role: 'worker', callSid: worker.sid, status: 'no-answer' },
        ],
      }),
    ]);
  });

  it('completes an overdue wrap-up after re-checking it, with If-Match and the outcome in the same update', async () => {
    const { gateway, log, close } = setup(testSettings({ wrapupOverdueMinutes: 30 }));
    const { task } = gateway.addTaskWithCall(
      { assignment_status: 'wrapping', date_updated: minutesAgo(95) },
      { status: 'completed' },
    );
    await expect(close([task.sid])).resolves.toEqual([
      {
        taskSid: task.sid,
        outcome: 'completed',
        message: 'Completed (was wrapping for 95 min; every call leg ended).',
      },
    ]);
    expect(gateway.updates).toEqual([
      expect.objectContaining({
        from: 'wrapping',
        to: 'completed',
        ifMatch: '"v1"',
        attributes: expect.stringContaining('"outcome":"Closed stuck task"'),
      }),
    ]);
    expect(gateway.counts.updateTask).toBe(1);
    expect(log).toEqual([
      expect.objectContaining({ kind: 'wrapup_overdue', fromStatus: 'wrapping', action: 'complete' }),
    ]);
  });

  it('refuses a wrap-up that is no longer overdue (it changed since the scan)', async () => {
    const { gateway, close } = setup(testSettings({ wrapupOverdueMinutes: 30 }));
    const { task } = gateway.addTaskWithCall(
      { assignment_status: 'wrapping', date_updated: minutesAgo(95) },
      { status: 'completed' },
    );
    gateway.mutateTask(task.sid, { date_updated: minutesAgo(5) });
    await expect(close([task.sid], true)).resolves.toEqual([
      {
        taskSid: task.sid,
        outcome: 'not_stuck',
        message: 'Not closed: it has been wrapping for 5 min, less than the 30 min after which a wrap-up is overdue.',
      },
    ]);
    expect(gateway.updates).toEqual([]);
  });

  it('refuses a wrapping task when overdue wrap-ups are off, as before', async () => {
    const { gateway, close } = setup();
    const { task } = gateway.addTaskWithCall(
      { assignment_status: 'wrapping', date_updated: minutesAgo(600) },
      { status: 'completed' },
    );
    const [result] = await close([task.sid], true);
    expect(result).toEqual({
      taskSid: task.sid,
      outcome: 'not_stuck',
      message: 'Not closed: the task is already wrapping.',
    });
  });

  it('keeps every other attribute exactly, big integers and other conversations keys included', async () => {
    const { gateway, close } = setup();
    const call = gateway.addCall(makeCall({ status: 'completed' }));
    const attributes = `{"call_sid":"${call.sid}","account":12345678901234567890,"conversations":{"outcome":"Open","abandoned":"No","price":1.50}}`;
    const task = gateway.addTask(makeTask({ attributes }));
    await close([task.sid]);
    expect(gateway.updates[0].attributes).toBe(
      `{"call_sid":"${call.sid}","account":12345678901234567890,"conversations":{"outcome":"Closed stuck task","abandoned":"No","price":1.50}}`,
    );
  });

  it.each<[string, string | null, Parameters<typeof testSettings>[0]]>([
    ['the setting is off', null, { insightsOutcome: null }],
    ['conversations is not an object', '{"conversations":"x"}', {}],
  ])('sends no attributes when %s', async (_label, attributes, overrides) => {
    const { gateway, log, close } = setup(testSettings(overrides));
    const call = gateway.addCall(makeCall({ status: 'completed' }));
    const task = gateway.addTask(makeTask({ callSid: call.sid }));
    if (attributes !== null)
      gateway.mutateTask(task.sid, { attributes: attributes.replace('{', `{"call_sid":"${call.sid}",`) });
    await expect(close([task.sid])).resolves.toEqual([expect.objectContaining({ outcome: 'canceled' })]);
    expect(gateway.updates[0]).not.toHaveProperty('attributes');
    expect(log).toEqual([expect.objectContaining({ insightsOutcome: null })]);
  });

  it('closes a task whose attributes are not a JSON object (forced) without touching them', async () => {
    const { gateway, close } = setup();
    const task = gateway.addTask(makeTask({ attributes: '{"call_sid":' }));
    await expect(close([task.sid], true)).resolves.toEqual([expect.objectContaining({ outcome: 'canceled' })]);
    expect(gateway.updates[0]).not.toHaveProperty('attributes');
  });
});
