import type { AssignmentStatus, CallStatus } from '@plugin-stuck-tasks/contract';
import type { TwilioTask } from '../gateway/types';
import type { CallObservation, RuleContext } from './rules';
import {
  actionFor,
  callEndedAtMs,
  classifyTask as classifyWith,
  endedWithinGrace,
  isExcludedQueue,
  isWrapupOverdue,
  legsOf,
  legsToFetch,
  parseAttributes,
  precheckTask,
  primaryLeg,
  taskAgeSeconds,
} from './rules';
import { NOW_MS, makeCall, makeTask } from '../../test/support/fakeGateway';

const CALL_SID = `CA${'1'.repeat(32)}`;
const context: RuleContext = { nowMs: NOW_MS, graceSeconds: 60, excludedTaskQueues: [] };

function endedSecondsAgo(seconds: number, status: CallStatus = 'completed'): CallObservation {
  const ended = new Date(NOW_MS - seconds * 1000).toUTCString();
  return { kind: 'fetched', call: makeCall({ sid: CALL_SID, status, end_time: ended, date_updated: ended }) };
}

/** The single-leg form the older tests use: what is known about the task's one call. */
function classifyTask(task: TwilioTask, call: CallObservation | undefined, ruleContext: RuleContext) {
  return classifyWith(task, call === undefined ? undefined : new Map([[CALL_SID, call]]), ruleContext);
}

function task(overrides: Partial<TwilioTask> = {}): TwilioTask {
  return makeTask({ callSid: CALL_SID, ...overrides });
}

describe('classifyTask', () => {
  const openStatuses: AssignmentStatus[] = ['pending', 'reserved', 'assigned'];
  const terminal: CallStatus[] = ['completed', 'failed', 'busy', 'no-answer', 'canceled'];
  const live: CallStatus[] = ['queued', 'ringing', 'in-progress'];

  describe.each(openStatuses)('an open %s voice task', (status) => {
    const expectedAction = status === 'assigned' ? 'complete' : 'cancel';

    it.each(terminal)('is stuck when its call is %s for longer than the grace period', (callStatus) => {
      const verdict = classifyTask(task({ assignment_status: status }), endedSecondsAgo(61, callStatus), context);
      const callEndedAt = new Date(NOW_MS - 61_000).toISOString();
      expect(verdict).toEqual({
        verdict: 'stuck',
        kind: 'call_ended',
        action: expectedAction,
        callSid: CALL_SID,
        callStatus,
        callEndedAt,
        legs: [
          {
            role: 'call_sid',
            callSid: CALL_SID,
            status: callStatus,
            endedAt: callEndedAt,
            // The call's From and To as Twilio gave them.
            from: '+15550001111',
            to: '+15550002222',
          },
        ],
        wrappingForMs: null,
        conversation: null,
      });
    });

    it.each(terminal)('is active (settling) when its call became %s inside the grace period', (callStatus) => {
      const verdict = classifyTask(task({ assignment_status: status }), endedSecondsAgo(59, callStatus), context);
      expect(verdict).toMatchObject({ verdict: 'active', reason: 'call_settling', leg: { status: callStatus } });
    });

    it.each(live)('is active when its fetched call is %s', (callStatus) => {
      const call = makeCall({ sid: CALL_SID, status: callStatus });
      const verdict = classifyTask(task({ assignment_status: status }), { kind: 'fetched', call }, context);
      expect(verdict).toEqual({
        verdict: 'active',
        reason: 'call_live',
        leg: { role: 'call_sid', callSid: CALL_SID, status: callStatus },
      });
    });

    it.each(live)('is active when its call is in the live-call list as %s', (callStatus) => {
      const verdict = classifyTask(task({ assignment_status: status }), { kind: 'live', status: callStatus }, context);
      expect(verdict).toMatchObject({ verdict: 'active', reason: 'call_live', leg: { status: callStatus } });
    });

    it('needs review (call_not_found) when its call does not exist', () => {
      expect(classifyTask(task({ assignment_status: status }), { kind: 'not_found' }, context)).toEqual({
        verdict: 'needs_review',
        problem: 'call_not_found',
        callSid: CALL_SID,
        action: expectedAction,
        legs: [{ role: 'call_sid', callSid: CALL_SID }],
      });
    });
  });

  it.each<[string, string | null]>([
    ['not JSON', '{call_sid: CA1'],
    ['a JSON array', '["CA"]'],
    ['JSON null', 'null'],
    ['a JSON string', '"CA"'],
    ['missing', null],
  ])('needs review (bad_attributes) when attributes are %s', (_label, attributes) => {
    expect(classifyTask(task({ attributes }), undefined, context)).toMatchObject({
      verdict: 'needs_review',
      problem: 'bad_attributes',
      callSid: null,
    });
  });

  it.each([
    ['absent', { from: '+1555' }],
    ['empty', { call_sid: '' }],
    ['blank', { call_sid: '   ' }],
    ['not a string', { call_sid: 42 }],
  ])('needs review (no_call_sid) when call_sid is %s', (_label, attributes) => {
    expect(classifyTask(task({ attributes: JSON.stringify(attributes) }), undefined, context)).toMatchObject({
      verdict: 'needs_review',
      problem: 'no_call_sid',
    });
  });

  it.each(['CA123', '../../Tasks', `CA${'g'.repeat(32)}`])(
    'treats the malformed call_sid %s as a call that does not exist, without looking it up',
    (callSid) => {
      expect(classifyTask(task({ attributes: JSON.stringify({ call_sid: callSid }) }), undefined, context)).toEqual({
        verdict: 'needs_review',
        problem: 'call_not_found',
        callSid,
        action: 'cancel',
        legs: [{ role: 'call_sid', callSid }],
      });
    },
  );

  it.each<AssignmentStatus>(['wrapping', 'completed', 'canceled'])(
    'never lists a %s task (not open) with overdue wrap-ups off, whatever its call',
    (status) => {
      expect(classifyTask(task({ assignment_status: status }), endedSecondsAgo(3600), context)).toEqual({
        verdict: 'closed',
        assignmentStatus: status,
      });
    },
  );

  it.each(['chat', 'sms', 'default', null])('skips a task on channel %s even when its call ended', (channel) => {
    expect(classifyTask(task({ task_channel_unique_name: channel }), endedSecondsAgo(3600), context)).toEqual({
      verdict: 'skipped',
      reason: 'not_voice',
    });
  });

  it.each([
    ['its queue SID', [`WQ${'c'.repeat(32)}`]],
    ['its queue SID in another case', [`WQ${'C'.repeat(32)}`]],
    ['its queue name', ['Support']],
    ['its queue name among others', ['Sales', 'Support']],
  ])('skips a task whose queue is excluded by %s', (_label, excluded) => {
    expect(classifyTask(task(), endedSecondsAgo(3600), { ...context, excludedTaskQueues: excluded })).toEqual({
      verdict: 'skipped',
      reason: 'excluded_queue',
    });
  });

  it('does not exclude a queue whose name only differs in case', () => {
    expect(isExcludedQueue(task(), ['support'])).toBe(false);
  });

  it('refuses to judge a voice task whose call was not looked up', () => {
    expect(() => classifyTask(task(), undefined, context)).toThrow(/looked up first/);
  });

  it('measures the grace period from the last update when Twilio gives no end time', () => {
    const recent = new Date(NOW_MS - 10_000).toUTCString();
    const call = makeCall({ sid: CALL_SID, status: 'no-answer', end_time: null, date_updated: recent });
    expect(classifyTask(task(), { kind: 'fetched', call }, context)).toMatchObject({
      verdict: 'active',
      reason: 'call_settling',
      leg: { endedAt: null },
    });
    const old = new Date(NOW_MS - 600_000).toUTCString();
    const oldCall = makeCall({ sid: CALL_SID, status: 'no-answer', end_time: null, date_updated: old });
    expect(classifyTask(task(), { kind: 'fetched', call: oldCall }, context)).toMatchObject({
      verdict: 'stuck',
      callEndedAt: null,
    });
  });

  it('treats a call that ended in the future (clock skew) as settling', () => {
    expect(classifyTask(task(), endedSecondsAgo(-30), context)).toMatchObject({ verdict: 'active' });
  });

  it('with a grace period of 0, a call that just ended makes the task stuck', () => {
    expect(classifyTask(task(), endedSecondsAgo(0), { ...context, graceSeconds: 0 })).toMatchObject({
      verdict: 'stuck',
    });
  });
});

describe('precheckTask', () => {
  it('asks for the call only for open voice tasks with a well-formed call_sid', () => {
    expect(precheckTask(task(), context)).toEqual({
      verdict: 'needs_legs',
      kind: 'call_ended',
      action: 'cancel',
      legs: [{ role: 'call_sid', callSid: CALL_SID }],
      callSids: [CALL_SID],
      wrappingForMs: null,
    });
    expect(precheckTask(task({ task_channel_unique_name: 'chat' }), context).verdict).toBe('skipped');
  });

  it('checks channel and queue before attributes, so list entries without attributes cost nothing', () => {
    expect(precheckTask(task({ task_channel_unique_name: 'chat', attributes: null }), context)).toEqual({
      verdict: 'skipped',
      reason: 'not_voice',
    });
  });
});

describe('helpers', () => {
  it.each<[AssignmentStatus & ('pending' | 'reserved' | 'assigned' | 'wrapping'), string]>([
    ['pending', 'cancel'],
    ['reserved', 'cancel'],
    ['assigned', 'complete'],
    ['wrapping', 'complete'],
  ])('closes a %s task with %s', (status, action) => {
    expect(actionFor(status)).toBe(action);
  });

  it('parses attributes objects only', () => {
    expect(parseAttributes('{"a":1}')).toEqual({ a: 1 });
    expect(parseAttributes('[]')).toBeNull();
    expect(parseAttributes('')).toBeNull();
  });

  it('names the legs to look up, or what stops the lookup', () => {
    expect(legsOf({ call_sid: ' CA../x ' })).toEqual([{ role: 'call_sid', callSid: 'CA../x' }]);
    expect(precheckTask(task({ attributes: '{"call_sid": " CA../x "}' }), context)).toMatchObject({
      verdict: 'needs_review',
      callSid: 'CA../x',
      problem: 'call_not_found',
    });
    expect(precheckTask(task({ attributes: '{}' }), context)).toMatchObject({ callSid: null, problem: 'no_call_sid' });
    expect(precheckTask(task({ attributes: 'not json' }), context)).toMatchObject({
      callSid: null,
      problem: 'bad_attributes',
    });
  });

  it('counts a call as inside the grace period until the period has fully passed', () => {
    const grace = { nowMs: NOW_MS, graceSeconds: 60 };
    expect(endedWithinGrace(NOW_MS - 59_999, grace)).toBe(true);
    expect(endedWithinGrace(NOW_MS - 60_000, grace)).toBe(false);
    expect(endedWithinGrace(null, grace)).toBe(false);
  });

  it('reads RFC 2822 call times', () => {
    const call = makeCall({ end_time: 'Wed, 01 May 2024 11:58:00 +0000' });
    expect(callEndedAtMs(call)).toBe(Date.parse('2024-05-01T11:58:00Z'));
  });

  it('ages a task from its creation date, falling back to Twilio age', () => {
    expect(taskAgeSeconds(task({ date_created: new Date(NOW_MS - 90_500).toISOString() }), NOW_MS)).toBe(90);
    expect(taskAgeSeconds(task({ date_created: null, age: 42 }), NOW_MS)).toBe(42);
  });
});

describe('call legs', () => {
  const A = `CA${'a'.repeat(32)}`;
  const B = `CA${'b'.repeat(32)}`;
  const C = `CA${'c'.repeat(32)}`;
  const legContext: RuleContext = { ...context, wrapupOverdueMinutes: 30 };

  type Seen = 'listed live' | 'in-progress' | 'ended' | 'settling' | 'no end time' | '404';
  function observe(seen: Record<string, Seen>): Map<string, CallObservation> {
    const observations = new Map<string, CallObservation>();
    for (const [sid, what] of Object.entries(seen)) {
      const endedAt = (secondsAgo: number) => new Date(NOW_MS - secondsAgo * 1000).toUTCString();
      switch (what) {
        case 'listed live':
          observations.set(sid, { kind: 'live', status: 'ringing' });
          break;
        case 'in-progress':
          observations.set(sid, { kind: 'fetched', call: makeCall({ sid, status: 'in-progress' }) });
          break;
        case 'ended':
          observations.set(sid, {
            kind: 'fetched',
            call: makeCall({ sid, end_time: endedAt(600), date_updated: endedAt(600) }),
          });
          break;
        case 'settling':
          observations.set(sid, {
            kind: 'fetched',
            call: makeCall({ sid, end_time: endedAt(30), date_updated: endedAt(30) }),
          });
          break;
        case 'no end time':
          observations.set(sid, {
            kind: 'fetched',
            call: makeCall({ sid, end_time: null, date_updated: endedAt(900) }),
          });
          break;
        case '404':
          observations.set(sid, { kind: 'not_found' });
      }
    }
    return observations;
  }

  const participants = (entries: Record<string, unknown>) => ({ conference: { participants: entries } });
  const minutesAgo = (minutes: number) => new Date(NOW_MS - minutes * 60_000).toISOString();

  it.each<
    [
      string,
      {
        attributes: unknown;
        status?: AssignmentStatus;
        dateUpdated?: string | null;
        seen?: Record<string, Seen>;
        ruleContext?: RuleContext;
      },
      object,
    ]
  >([
    [
      'no legs at all',
      { attributes: participants({ customer: 'not a sid' }) },
      { verdict: 'needs_review', problem: 'no_call_sid', callSid: null, legs: [] },
    ],
    [
      'call_sid only, ended',
      { attributes: { call_sid: A }, seen: { [A]: 'ended' } },
      {
        verdict: 'stuck',
        kind: 'call_ended',
        callSid: A,
        legs: [{ role: 'call_sid', callSid: A, status: 'completed' }],
      },
    ],
    [
      'call_sid + customer + worker, all ended',
      {
        attributes: { call_sid: A, ...participants({ customer: B, worker: C }) },
        seen: { [A]: 'ended', [B]: 'ended', [C]: 'ended' },
      },
      {
        verdict: 'stuck',
        callSid: A,
        legs: [
          { role: 'call_sid', callSid: A },
          { role: 'customer', callSid: B },
          { role: 'worker', callSid: C },
        ],
      },
    ],
    [
      'outbound: participants only, the customer is primary',
      { attributes: participants({ worker: B, customer: C }), seen: { [B]: 'ended', [C]: 'ended' } },
      {
        verdict: 'stuck',
        callSid: C,
        legs: [
          { role: 'customer', callSid: C },
          { role: 'worker', callSid: B },
        ],
      },
    ],
    [
      'outbound without a customer: the first participant is primary',
      { attributes: participants({ worker: B, supervisor: C }), seen: { [B]: 'ended', [C]: 'ended' } },
      { verdict: 'stuck', callSid: B, legs: [{ role: 'worker' }, { role: 'supervisor' }] },
    ],
    [
      'duplicate SIDs are one leg (the first role wins)',
      {
        attributes: { call_sid: A, ...participants({ customer: ` ${A} `, worker: B, other: B }) },
        seen: { [A]: 'ended', [B]: 'ended' },
      },
      {
        verdict: 'stuck',
        legs: [
          { role: 'call_sid', callSid: A },
          { role: 'worker', callSid: B },
        ],
      },
    ],
    [
      'a call_sid that is not a Call SID is a leg that names no call',
      { attributes: { call_sid: 'CA123', ...participants({ worker: B }) }, seen: { [B]: 'ended' } },
      {
        verdict: 'needs_review',
        problem: 'call_not_found',
        callSid: 'CA123',
        legs: [
          { role: 'call_sid', callSid: 'CA123' },
          { role: 'worker', callSid: B },
        ],
      },
    ],
    [
      'a non-SID call_sid does not hide a live leg',
      { attributes: { call_sid: 'CA123', ...participants({ worker: B }) }, seen: { [B]: 'in-progress' } },
      { verdict: 'active', reason: 'call_live', leg: { role: 'worker', callSid: B, status: 'in-progress' } },
    ],
    [
      'participant values that are not Call SIDs are ignored',
      {
        attributes: { call_sid: A, ...participants({ customer: 'CA1', worker: 42, hold: null, agent: { sid: B } }) },
        seen: { [A]: 'ended' },
      },
      { verdict: 'stuck', legs: [{ role: 'call_sid', callSid: A }] },
    ],
    [
      'one leg live (listed), the others ended: active',
      {
        attributes: { call_sid: A, ...participants({ customer: B, worker: C }) },
        seen: { [A]: 'ended', [B]: 'ended', [C]: 'listed live' },
      },
      { verdict: 'active', reason: 'call_live', leg: { role: 'worker', callSid: C, status: 'ringing' } },
    ],
    [
      'one live leg decides without the others looked up',
      { attributes: { call_sid: A, ...participants({ worker: C }) }, seen: { [C]: 'listed live' } },
      { verdict: 'active', reason: 'call_live', leg: { role: 'worker' } },
    ],
    [
      'one leg 404, another live: active',
      { attributes: { call_sid: A, ...participants({ worker: B }) }, seen: { [A]: '404', [B]: 'in-progress' } },
      { verdict: 'active', reason: 'call_live', leg: { callSid: B } },
    ],
    [
      'one leg 404, the others ended: needs review, naming the primary leg',
      { attributes: { call_sid: A, ...participants({ worker: B }) }, seen: { [A]: 'ended', [B]: '404' } },
      { verdict: 'needs_review', problem: 'call_not_found', callSid: A },
    ],
    [
      'one leg settling: active until the last leg is past the grace period',
      { attributes: { call_sid: A, ...participants({ worker: B }) }, seen: { [A]: 'ended', [B]: 'settling' } },
      { verdict: 'active', reason: 'call_settling', leg: { role: 'worker', callSid: B } },
    ],
    [
      'all ended: callEndedAt is the latest end, status the primary leg',
      { attributes: participants({ customer: A, worker: B }), seen: { [A]: 'no end time', [B]: 'ended' } },
      {
        verdict: 'stuck',
        callSid: A,
        callEndedAt: new Date(Date.parse(new Date(NOW_MS - 600_000).toUTCString())).toISOString(),
        legs: [{ callSid: A, endedAt: null }, { callSid: B }],
      },
    ],
    [
      'wrapping, younger than the setting: active (wrap-up in progress), no lookup',
      { attributes: { call_sid: A }, status: 'wrapping', dateUpdated: minutesAgo(29) },
      { verdict: 'active', reason: 'wrapup_in_progress', wrappingForMs: 29 * 60_000 },
    ],
    [
      'wrapping, older than the setting, every leg ended: an overdue wrap-up to complete',
      {
        attributes: { call_sid: A, ...participants({ worker: B }) },
        status: 'wrapping',
        dateUpdated: minutesAgo(95),
        seen: { [A]: 'ended', [B]: 'ended' },
      },
      { verdict: 'stuck', kind: 'wrapup_overdue', action: 'complete', wrappingForMs: 95 * 60_000 },
    ],
    [
      'wrapping, older than the setting, a leg live: active',
      {
        attributes: { call_sid: A, ...participants({ worker: B }) },
        status: 'wrapping',
        dateUpdated: minutesAgo(95),
        seen: { [A]: 'ended', [B]: 'in-progress' },
      },
      { verdict: 'active', reason: 'call_live' },
    ],
    [
      'wrapping, older than the setting, no legs: needs review with a forced complete',
      { attributes: {}, status: 'wrapping', dateUpdated: minutesAgo(95) },
      { verdict: 'needs_review', problem: 'no_call_sid', action: 'complete' },
    ],
    [
      'wrapping with an unreadable date_updated: never overdue',
      { attributes: { call_sid: A }, status: 'wrapping', dateUpdated: 'yesterday-ish', seen: { [A]: 'ended' } },
      { verdict: 'active', reason: 'wrapup_in_progress', wrappingForMs: null },
    ],
    [
      'wrapping with no date_updated: never overdue',
      { attributes: { call_sid: A }, status: 'wrapping', dateUpdated: null, seen: { [A]: 'ended' } },
      { verdict: 'active', reason: 'wrapup_in_progress', wrappingForMs: null },
    ],
    [
      'wrapping with the setting off: closed, not judged',
      {
        attributes: { call_sid: A },
        status: 'wrapping',
        dateUpdated: minutesAgo(600),
        seen: { [A]: 'ended' },
        ruleContext: context,
      },
      { verdict: 'closed', assignmentStatus: 'wrapping' },
    ],
  ])('%s', (_label, given, expected) => {
    const judged = makeTask({
      assignment_status: given.status ?? 'assigned',
      attributes: JSON.stringify(given.attributes),
      date_updated: given.dateUpdated === undefined ? minutesAgo(30) : given.dateUpdated,
    });
    expect(classifyWith(judged, observe(given.seen ?? {}), given.ruleContext ?? legContext)).toMatchObject(expected);
  });

  it('refuses to judge while a leg is not looked up and none is known live', () => {
    const judged = makeTask({ attributes: JSON.stringify({ call_sid: A, ...participants({ worker: B }) }) });
    expect(() => classifyWith(judged, observe({ [A]: 'ended' }), legContext)).toThrow(/looked up first/);
  });

  it('asks to look up only the legs not already known, and none once one is live', () => {
    const judged = makeTask({
      attributes: JSON.stringify({ call_sid: 'CA1', ...participants({ customer: A, worker: B }) }),
    });
    const needed = precheckTask(judged, legContext);
    if (needed.verdict !== 'needs_legs') throw new Error('expected needs_legs');
    expect(needed.callSids).toEqual([A, B]);
    expect(legsToFetch(needed, new Map())).toEqual([A, B]);
    expect(legsToFetch(needed, observe({ [A]: 'ended' }))).toEqual([B]);
    expect(legsToFetch(needed, observe({ [B]: 'listed live' }))).toEqual([]);
  });

  it('takes the primary leg: call_sid, else customer, else the first', () => {
    expect(
      primaryLeg([
        { role: 'worker', callSid: B },
        { role: 'customer', callSid: A },
      ]),
    ).toEqual({ role: 'customer', callSid: A });
    expect(
      primaryLeg([
        { role: 'worker', callSid: B },
        { role: 'call_sid', callSid: A },
      ]),
    ).toEqual({ role: 'call_sid', callSid: A });
    expect(primaryLeg([{ role: 'worker', callSid: B }])).toEqual({ role: 'worker', callSid: B });
    expect(primaryLeg([])).toBeNull();
  });

  it('counts a wrap-up as overdue from exactly the setting on', () => {
    expect(isWrapupOverdue(30 * 60_000 - 1, 30)).toBe(false);
    expect(isWrapupOverdue(30 * 60_000, 30)).toBe(true);
    expect(isWrapupOverdue(null, 30)).toBe(false);
  });
});
