/**
 * Issue 10 in the simulator: call legs (call_sid and conference participants), wrap-ups of every age,
 * reservations naming agents, other conversations.* keys, Attributes written with the status in one
 * update, the oracle judging legs and overdue wrap-ups, and the control hooks the race suite uses.
 */
import type { Simulator, TaskView } from '../src/simulator';
import { startSimulator } from '../src/simulator';
import type { JudgedLeg, OracleClock } from '../src/simulator/oracle';
import { judgeTask } from '../src/simulator/oracle';
import type { CallStatus, SimCall, SimTask } from '../src/simulator/model';
import { readAttributes } from '../src/simulator/store';
import { CONVERSATIONS_ATTRIBUTES_TEXT } from '../src/simulator/scenario';
import { control, tasksPath, twilio } from './simulator-client';

const CA = (digit: string): string => `CA${digit.repeat(32)}`;
type Attributes = Record<string, unknown> & {
  call_sid?: string;
  conference?: { sid: string; participants: { customer: string; worker: string } };
};
const attributesOf = (task: TaskView): Attributes => JSON.parse(task.attributes) as Attributes;

describe('simulator: the default scenario (300 open tasks) has conference legs, wrap-ups and named agents', () => {
  let sim: Simulator;
  let now = Date.parse('2026-06-01T12:00:00Z');
  beforeAll(async () => {
    sim = await startSimulator({ seed: 1, clock: () => now, wrapupOverdueMinutes: 30 });
  });
  afterAll(() => sim.stop());

  const ofKind = (kind: TaskView['kind']): TaskView[] => sim.listTasks({ kind });
  const countBy = (tasks: TaskView[], key: (task: TaskView) => string): Record<string, number> =>
    tasks.reduce<Record<string, number>>((counts, task) => {
      counts[key(task)] = (counts[key(task)] ?? 0) + 1;
      return counts;
    }, {});

  it('keeps the existing counts and adds the new kinds out of the live remainder', () => {
    const { tasksByStatus } = sim.summary();
    expect(tasksByStatus.pending + tasksByStatus.reserved + tasksByStatus.assigned).toBe(300);
    expect(sim.seedSummary.byKind).toMatchObject({
      stuck: 75,
      recently_ended: 12,
      no_call_sid: 6,
      call_not_found: 6,
      bad_attributes: 6,
      conference_stuck: 12,
      conference_worker_live: 6,
      outbound_stuck: 6,
      outbound_live: 3,
      wrapping: 12,
      closed: 6,
    });
  });

  it('inbound conference tasks: call_sid is the customer leg, a worker leg besides, both calls in the account', () => {
    for (const task of [...ofKind('conference_stuck'), ...ofKind('conference_worker_live')]) {
      const attributes = attributesOf(task);
      expect(attributes.conference?.sid).toMatch(/^CF[0-9a-f]{32}$/);
      expect(attributes.call_sid).toBe(attributes.conference?.participants.customer);
      expect(task.legs.map((leg) => leg.role)).toEqual(['call_sid', 'worker']);
      expect(task.legs[1].callSid).toBe(attributes.conference?.participants.worker);
      for (const leg of task.legs) expect(sim.getCall(leg.callSid)?.status).toBe(leg.status);
      expect(task.callSid).toBe(attributes.call_sid);
    }
    expect(ofKind('conference_stuck').every((t) => t.verdict === 'stuck' && t.stuckKind === 'call_ended')).toBe(true);
    expect(countBy(ofKind('conference_stuck'), (t) => t.assignmentStatus)).toEqual({
      pending: 4,
      reserved: 4,
      assigned: 4,
    });
    // The agent is still on the line although the call_sid leg ended: active, not stuck.
    for (const task of ofKind('conference_worker_live')) {
      expect(task.verdict).toBe('active');
      expect(task.legs.map((leg) => leg.status)).toEqual([expect.not.stringMatching(/in-progress/), 'in-progress']);
    }
  });

  it('outbound tasks carry no call_sid, only the customer and worker legs', () => {
    for (const task of [...ofKind('outbound_stuck'), ...ofKind('outbound_live')]) {
      const attributes = attributesOf(task);
      expect(attributes.call_sid).toBeUndefined();
      expect(attributes).toMatchObject({ type: 'outbound', direction: 'outbound' });
      expect(task.legs.map((leg) => leg.role)).toEqual(['customer', 'worker']);
      expect(task.callSid).toBe(attributes.conference?.participants.customer);
    }
    expect(ofKind('outbound_stuck').every((t) => t.verdict === 'stuck')).toBe(true);
    expect(ofKind('outbound_live').every((t) => t.verdict === 'active')).toBe(true);
    // callEndedAt is the latest end among the legs.
    for (const task of ofKind('outbound_stuck')) {
      const latest = Math.max(...task.legs.map((leg) => Date.parse(leg.endedAt as string)));
      expect(Date.parse(task.callEndedAt as string)).toBe(latest);
    }
  });

  it('wrap-ups of every age: 6 recent, 5 overdue with every leg ended, 1 overdue with the worker still on the line', () => {
    const wrapping = sim.listTasks({ status: ['wrapping'] });
    const minutes = wrapping.map((t) => Math.round((now - Date.parse(t.dateUpdated)) / 60_000)).sort((a, b) => a - b);
    expect(minutes).toEqual([2, 5, 10, 15, 20, 25, 45, 60, 120, 240, 480, 900]);
    const overdue = wrapping.filter((t) => t.verdict === 'stuck');
    expect(overdue).toHaveLength(5);
    expect(overdue.every((t) => t.stuckKind === 'wrapup_overdue' && t.action === 'complete')).toBe(true);
    expect(new Set(overdue.map((t) => t.legs.map((leg) => leg.role).join('+')))).toEqual(
      new Set(['call_sid', 'call_sid+worker', 'customer+worker']),
    );
    expect(wrapping.filter((t) => t.verdict === 'active')).toHaveLength(7);
    // Every leg of a wrap-up ended before it started.
    for (const task of wrapping) {
      for (const leg of task.legs.filter((l) => l.endedAt !== null)) {
        expect(Date.parse(leg.endedAt as string)).toBeLessThan(Date.parse(task.dateUpdated));
      }
    }
    expect(sim.summary().stuckByKind).toEqual({ call_ended: 93, wrapup_overdue: 5, conversation_closed: 0 });
  });

  it('with overdue wrap-ups off, wrapping tasks keep the verdict wrapping', () => {
    sim.configure({ wrapupOverdueMinutes: null });
    try {
      expect(sim.summary().verdicts.wrapping).toBe(12);
      expect(sim.summary().stuckByKind.wrapup_overdue).toBe(0);
    } finally {
      sim.configure({ wrapupOverdueMinutes: 30 });
    }
    expect(() => sim.configure({ wrapupOverdueMinutes: 0 })).toThrow(/wrapupOverdueMinutes/);
    expect(() => sim.configure({ wrapupOverdueMinutes: 1441 })).toThrow(/wrapupOverdueMinutes/);
  });

  it('a wrap-up becomes overdue as time passes', () => {
    const recent = sim.listTasks({ status: ['wrapping'], verdict: 'active' }).filter((t) => t.legs.length > 0);
    const twentyFiveMinutes = recent.find((t) => Math.round((now - Date.parse(t.dateUpdated)) / 60_000) === 25);
    expect(twentyFiveMinutes).toBeDefined();
    now += 6 * 60_000;
    try {
      expect(sim.getTask(twentyFiveMinutes!.sid)).toMatchObject({ verdict: 'stuck', stuckKind: 'wrapup_overdue' });
    } finally {
      now -= 6 * 60_000;
    }
  });

  it('some tasks carry other conversations.* keys, number literals written exactly', () => {
    // Messaging tasks carry `conversations.media` (their transcript), not these keys.
    const carrying = sim
      .listTasks()
      .filter((t) => t.conversationSid === null && t.attributes.includes('"conversations":'));
    expect(carrying.length).toBeGreaterThan(50);
    for (const task of carrying) {
      expect(task.attributes).toContain(`"conversations":${CONVERSATIONS_ATTRIBUTES_TEXT}`);
      expect(task.attributes).toContain('"conversation_measure_1":1.50');
      expect(task.attributes).toContain('"external_id":12345678901234567890');
    }
    const kinds = new Set(carrying.map((t) => t.kind));
    expect([...kinds].sort()).toEqual(
      ['conference_stuck', 'conference_worker_live', 'outbound_live', 'outbound_stuck', 'stuck', 'wrapping'].sort(),
    );
  });

  it('the Reservations endpoint names the agent holding each reserved, assigned and wrapping task', async () => {
    const expected = { reserved: 'pending', assigned: 'accepted', wrapping: 'wrapping' } as const;
    const names = new Set<string>();
    for (const status of ['reserved', 'assigned', 'wrapping'] as const) {
      for (const task of sim.listTasks({ status: [status], verdict: 'stuck' }).slice(0, 5)) {
        const reply = await twilio<{
          reservations: { reservation_status: string; worker_sid: string; worker_name: string }[];
        }>(sim, 'GET', tasksPath(sim, `/${task.sid}/Reservations`));
        expect(reply.status).toBe(200);
        const holding = reply.body.reservations.filter((r) => r.reservation_status === expected[status]);
        expect(holding).toHaveLength(1);
        expect(holding[0].worker_sid).toMatch(/^WK[0-9a-f]{32}$/);
        expect(holding[0].worker_name).toMatch(/^\S+ \S+/);
        names.add(holding[0].worker_name);
      }
    }
    expect(names.size).toBeGreaterThan(3);
    const pending = sim.listTasks({ status: ['pending'] })[0];
    const none = await twilio<{ reservations: unknown[] }>(sim, 'GET', tasksPath(sim, `/${pending.sid}/Reservations`));
    expect(none.body.reservations).toEqual([]);
  });
});

describe('simulator: a task update writes Attributes with the status in one change', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'attributes-update', scenario: { openTasks: 60 } });
  });
  afterAll(() => sim.stop());

  it('applies Attributes, AssignmentStatus and Reason with If-Match as one change: one new ETag, one log entry', async () => {
    const task =
      sim.listTasks({ kind: 'conference_stuck', status: ['assigned'] })[0] ??
      sim.listTasks({ status: ['assigned'] })[0];
    sim.touchTask(task.sid, 600);
    const fetched = await twilio(sim, 'GET', tasksPath(sim, `/${task.sid}`));
    const etag = fetched.headers.get('etag') as string;
    const written = `${task.attributes.slice(0, -1)},"conversations":{"outcome":"Closed stuck task"}}`;
    const reply = await twilio<{ attributes: string; assignment_status: string; reason: string; date_updated: string }>(
      sim,
      'POST',
      tasksPath(sim, `/${task.sid}`),
      {
        form: { AssignmentStatus: 'completed', Reason: 'Closed stuck task', Attributes: written },
        headers: { 'If-Match': etag },
      },
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      attributes: written,
      assignment_status: 'completed',
      reason: 'Closed stuck task',
    });
    expect(Date.parse(reply.body.date_updated)).toBeGreaterThan(Date.parse(fetched.body.date_updated as string));
    expect(reply.headers.get('etag')).toBe(String(Number(etag) + 1));
    const view = sim.getTask(task.sid) as TaskView;
    expect(view.attributes).toBe(written);
    const log = sim.updateLog().filter((entry) => entry.taskSid === task.sid);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      from: 'assigned',
      to: 'completed',
      ifMatch: etag,
      etagBefore: etag,
      etagAfter: view.etag,
      attributes: written,
      callSid: view.callSid,
    });
    expect(log[0].legs.map((leg) => leg.callSid)).toEqual(view.legs.map((leg) => leg.callSid));
  });

  it.each(['[1,2]', '"text"', '42', 'null', '{"truncated":', ''])(
    'refuses Attributes %j (not a JSON object) with 400 code 20001 and changes nothing',
    async (attributes) => {
      const task = sim.listTasks({ status: ['assigned'] })[0];
      const reply = await twilio(sim, 'POST', tasksPath(sim, `/${task.sid}`), {
        form: { AssignmentStatus: 'completed', Reason: 'r', Attributes: attributes },
        headers: { 'If-Match': task.etag },
      });
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ code: 20001, status: 400 });
      expect(sim.getTask(task.sid)).toMatchObject({
        etag: task.etag,
        attributes: task.attributes,
        assignmentStatus: 'assigned',
        dateUpdated: task.dateUpdated,
      });
    },
  );

  it('a stale If-Match refuses the whole update: neither status nor attributes change', async () => {
    const task = sim.listTasks({ status: ['reserved'] })[0];
    const reply = await twilio(sim, 'POST', tasksPath(sim, `/${task.sid}`), {
      form: { AssignmentStatus: 'canceled', Attributes: '{"replaced":true}' },
      headers: { 'If-Match': `"${Number(task.etag) + 7}"` },
    });
    expect(reply.status).toBe(412);
    expect(sim.getTask(task.sid)).toMatchObject({ attributes: task.attributes, assignmentStatus: 'reserved' });
  });

  it('an invalid status refuses the attributes too', async () => {
    const task = sim.listTasks({ status: ['pending'] })[0];
    const reply = await twilio(sim, 'POST', tasksPath(sim, `/${task.sid}`), {
      form: { AssignmentStatus: 'completed', Attributes: '{"replaced":true}' },
    });
    expect(reply.status).toBe(400);
    expect(sim.getTask(task.sid)?.attributes).toBe(task.attributes);
  });

  it('Attributes alone: a new ETag and date_updated, no status change logged', async () => {
    const task = sim.listTasks({ status: ['pending'] })[1];
    sim.touchTask(task.sid, 300);
    const before = sim.getTask(task.sid) as TaskView;
    const reply = await twilio(sim, 'POST', tasksPath(sim, `/${task.sid}`), { form: { Attributes: '{"a":1}' } });
    expect(reply.status).toBe(200);
    const after = sim.getTask(task.sid) as TaskView;
    expect(after).toMatchObject({ attributes: '{"a":1}', etag: String(Number(before.etag) + 1) });
    expect(Date.parse(after.dateUpdated)).toBeGreaterThan(Date.parse(before.dateUpdated));
    expect(sim.updateLog().some((entry) => entry.taskSid === task.sid)).toBe(false);
  });
});

describe('simulator oracle: every leg, overdue wrap-ups', () => {
  const NOW = Date.parse('2026-06-01T12:00:00Z');
  const clock: OracleClock = { nowMs: NOW, graceSeconds: 60, wrapupOverdueMinutes: 30 };
  const call = (status: CallStatus, endedSecondsAgo: number | null = null): SimCall => ({
    ordinal: 0,
    sid: 'CA',
    status,
    direction: 'inbound',
    from: '+15550000000',
    to: '+18005550100',
    dateCreated: NOW - 3_600_000,
    dateUpdated: endedSecondsAgo === null ? NOW - 3_600_000 : NOW - endedSecondsAgo * 1000,
    startTime: NOW - 3_600_000,
    endTime: endedSecondsAgo === null ? null : NOW - endedSecondsAgo * 1000,
    queueTimeMs: 0,
  });
  const task = (attributes: string, over: Partial<SimTask> = {}): SimTask => ({
    ordinal: 0,
    sid: `WT${'0'.repeat(32)}`,
    assignmentStatus: 'assigned',
    attributes,
    ...readAttributes(attributes),
    priority: 0,
    reason: null,
    taskQueueSid: 'WQ',
    taskQueueName: 'Support',
    channel: 'voice',
    taskChannelSid: 'TC',
    workflowSid: 'WW',
    workflowName: 'Assign',
    timeout: 86400,
    dateCreated: NOW - 7_200_000,
    dateUpdated: NOW - 7_200_000,
    taskQueueEnteredDate: NOW - 7_200_000,
    virtualStartTime: NOW - 7_200_000,
    revision: 0,
    closedAt: null,
    reservations: [],
    kind: 'custom',
    ...over,
  });
  const conference = (participants: Record<string, unknown>, callSid?: string): string =>
    JSON.stringify({
      ...(callSid === undefined ? {} : { call_sid: callSid }),
      conference: { sid: 'CF1', participants },
    });
  const judge = (t: SimTask, calls: Record<string, SimCall | undefined>, c: OracleClock = clock) =>
    judgeTask(
      t,
      t.legs.map((leg): JudgedLeg => ({ ...leg, call: calls[leg.callSid] })),
      c,
    );

  it('reads legs: call_sid first (any text), then participants that are Call SIDs, each SID once', () => {
    expect(
      readAttributes(conference({ customer: CA('1'), worker: CA('2'), supervisor: 'client:sam', x: 5 }, CA('1'))).legs,
    ).toEqual([
      { role: 'call_sid', callSid: CA('1') },
      { role: 'worker', callSid: CA('2') },
    ]);
    expect(readAttributes(JSON.stringify({ call_sid: ' not-a-sid ' })).legs).toEqual([
      { role: 'call_sid', callSid: 'not-a-sid' },
    ]);
    expect(readAttributes(JSON.stringify({ call_sid: '', conference: { participants: 'x' } })).legs).toEqual([]);
    expect(readAttributes('{bad').legs).toEqual([]);
  });

  const inbound = conference({ customer: CA('1'), worker: CA('2') }, CA('1'));
  const outbound = conference({ customer: CA('1'), worker: CA('2') });
  it.each([
    [
      'every leg ended beyond the grace → stuck',
      inbound,
      { [CA('1')]: call('completed', 600), [CA('2')]: call('canceled', 300) },
      'stuck',
      null,
    ],
    [
      'outbound, every leg ended → stuck',
      outbound,
      { [CA('1')]: call('no-answer', 600), [CA('2')]: call('completed', 90) },
      'stuck',
      null,
    ],
    [
      'call_sid ended, worker leg live → active',
      inbound,
      { [CA('1')]: call('completed', 600), [CA('2')]: call('in-progress') },
      'active',
      null,
    ],
    ['a leg unknown while another is live → active', inbound, { [CA('2')]: call('ringing') }, 'active', null],
    [
      'a leg unknown, the other ended → call_not_found',
      inbound,
      { [CA('2')]: call('completed', 600) },
      'needs_review',
      'call_not_found',
    ],
    [
      'one leg ended inside the grace → active',
      outbound,
      { [CA('1')]: call('completed', 600), [CA('2')]: call('busy', 30) },
      'active',
      null,
    ],
    ['no leg at all → no_call_sid', conference({ customer: 'client:ana' }), {}, 'needs_review', 'no_call_sid'],
    [
      'a call_sid that is no Call SID → call_not_found',
      JSON.stringify({ call_sid: 'abc' }),
      {},
      'needs_review',
      'call_not_found',
    ],
    ['unparseable attributes → bad_attributes', '{"call_sid":', {}, 'needs_review', 'bad_attributes'],
  ] as const)('%s', (_name, attributes, calls, verdict, problem) => {
    expect(judge(task(attributes), calls)).toMatchObject({ verdict, problem });
  });

  it('the action and kind follow the status', () => {
    const calls = { [CA('1')]: call('completed', 600), [CA('2')]: call('completed', 600) };
    expect(judge(task(inbound, { assignmentStatus: 'pending' }), calls)).toMatchObject({
      action: 'cancel',
      stuckKind: 'call_ended',
    });
    expect(judge(task(inbound, { assignmentStatus: 'reserved' }), calls)).toMatchObject({
      action: 'cancel',
      stuckKind: 'call_ended',
    });
    expect(judge(task(inbound), calls)).toMatchObject({ action: 'complete', stuckKind: 'call_ended' });
  });

  it('wrapping: off → wrapping; recent → active; overdue → judged by its legs, to complete', () => {
    const ended = { [CA('1')]: call('completed', 3000), [CA('2')]: call('completed', 3000) };
    const wrapping = (minutesAgo: number) =>
      task(inbound, { assignmentStatus: 'wrapping', dateUpdated: NOW - minutesAgo * 60_000 });
    expect(judge(wrapping(120), ended, { ...clock, wrapupOverdueMinutes: null })).toMatchObject({
      verdict: 'wrapping',
    });
    expect(judge(wrapping(29), ended)).toMatchObject({ verdict: 'active', stuckKind: null });
    expect(judge(wrapping(31), ended)).toMatchObject({
      verdict: 'stuck',
      stuckKind: 'wrapup_overdue',
      action: 'complete',
    });
    expect(judge(wrapping(31), { ...ended, [CA('2')]: call('in-progress') })).toMatchObject({ verdict: 'active' });
    expect(judge(wrapping(31), { [CA('1')]: ended[CA('1')] })).toMatchObject({
      verdict: 'needs_review',
      problem: 'call_not_found',
    });
    expect(judge(task('{"a":1}', { assignmentStatus: 'wrapping', channel: 'chat' }), {})).toMatchObject({
      verdict: 'not_voice',
    });
  });
});

describe('simulator: control hooks for legs and wrap-ups (race suite)', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'leg-hooks', scenario: { openTasks: 100 }, wrapupOverdueMinutes: 30 });
  });
  afterAll(() => sim.stop());

  it('ends and revives one leg of a task by role, in-process and over HTTP', async () => {
    const task = sim.listTasks({ kind: 'conference_stuck' })[0];
    expect(sim.reviveLeg(task.sid, 'worker')).toMatchObject({ verdict: 'active' });
    expect(sim.getCall(task.legs[1].callSid)?.status).toBe('in-progress');
    const ended = await control<TaskView>(sim, 'POST', `/tasks/${task.sid}/legs/worker/end`, {
      status: 'completed',
      endedSecondsAgo: 600,
    });
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ verdict: 'stuck' });
    const revived = await control<TaskView>(sim, 'POST', `/tasks/${task.sid}/legs/call_sid/revive`, {});
    expect(revived.body).toMatchObject({ verdict: 'active', callStatus: 'in-progress' });
    sim.endLeg(task.sid, 'call_sid', 'completed');
    // Just ended: inside the grace period.
    expect(sim.getTask(task.sid)).toMatchObject({ verdict: 'active' });
    const unknown = await control(sim, 'POST', `/tasks/${task.sid}/legs/supervisor/end`, {});
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(unknown.body)).toContain('its legs: call_sid, worker');
  });

  it('a wrap-up changes: touched (no longer overdue), backdated (overdue again), attributes rewritten', async () => {
    const overdue = sim.listTasks({ status: ['wrapping'], verdict: 'stuck' })[0];
    expect(overdue).toBeDefined();
    const touched = await control<TaskView>(sim, 'POST', `/tasks/${overdue.sid}/touch`, {});
    expect(touched.body).toMatchObject({ verdict: 'active', etag: String(Number(overdue.etag) + 1) });
    expect(sim.touchTask(overdue.sid, 3600)).toMatchObject({ verdict: 'stuck', stuckKind: 'wrapup_overdue' });
    const live = sim.addCall({ status: 'in-progress' });
    const attributes = JSON.stringify({
      call_sid: overdue.callSid,
      conference: { participants: { worker: live.sid } },
    });
    const rewritten = await control<TaskView>(sim, 'POST', `/tasks/${overdue.sid}/attributes`, { attributes });
    expect(rewritten.body).toMatchObject({ attributes, verdict: 'active' });
    expect(rewritten.body.legs.map((leg) => leg.role)).toEqual(['call_sid', 'worker']);
    expect((await control(sim, 'POST', `/tasks/${overdue.sid}/attributes`, {})).status).toBe(400);
  });

  it('adds conference tasks and backdated wrap-ups', async () => {
    const customer = sim.addCall({ status: 'completed', endedSecondsAgo: 900 });
    const worker = sim.addCall({ status: 'completed', endedSecondsAgo: 900 });
    const outbound = sim.addTask({
      assignmentStatus: 'assigned',
      callSid: null,
      participants: { customer: customer.sid, worker: worker.sid },
      ageSeconds: 1200,
    });
    expect(outbound).toMatchObject({ verdict: 'stuck', callSid: customer.sid });
    expect(outbound.legs.map((leg) => leg.role)).toEqual(['customer', 'worker']);
    const wrapped = sim.wrapTask(outbound.sid, 45 * 60);
    expect(wrapped).toMatchObject({ verdict: 'stuck', stuckKind: 'wrapup_overdue', action: 'complete' });
    expect(wrapped.reservations.find((r) => r.status === 'wrapping')?.workerName).toBeTruthy();
    const viaHttp = await control<TaskView>(sim, 'POST', '/tasks', {
      assignmentStatus: 'wrapping',
      participants: { customer: customer.sid, worker: worker.sid },
      callSid: customer.sid,
      ageSeconds: 3600,
      updatedSecondsAgo: 10 * 60,
    });
    expect(viaHttp.body).toMatchObject({ verdict: 'active', assignmentStatus: 'wrapping' });
  });
});
