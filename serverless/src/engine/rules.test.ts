import type { AssignmentStatus, CallStatus } from '@plugin-stuck-tasks/contract';
import type { TwilioTask } from '../gateway/types';
import type { CallObservation, RuleContext } from './rules';
import {
  actionFor,
  callEndedAtMs,
  callReferenceOf,
  classifyTask,
  endedWithinGrace,
  isExcludedQueue,
  parseAttributes,
  precheckTask,
  taskAgeSeconds,
} from './rules';
import { NOW_MS, makeCall, makeTask } from '../../test/support/fakeGateway';

const CALL_SID = `CA${'1'.repeat(32)}`;
const context: RuleContext = { nowMs: NOW_MS, graceSeconds: 60, excludedTaskQueues: [] };

function endedSecondsAgo(seconds: number, status: CallStatus = 'completed'): CallObservation {
  const ended = new Date(NOW_MS - seconds * 1000).toUTCString();
  return { kind: 'fetched', call: makeCall({ sid: CALL_SID, status, end_time: ended, date_updated: ended }) };
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
      expect(verdict).toEqual({
        verdict: 'stuck',
        action: expectedAction,
        callSid: CALL_SID,
        callStatus,
        callEndedAt: new Date(NOW_MS - 61_000).toISOString(),
      });
    });

    it.each(terminal)('is active (settling) when its call became %s inside the grace period', (callStatus) => {
      const verdict = classifyTask(task({ assignment_status: status }), endedSecondsAgo(59, callStatus), context);
      expect(verdict).toMatchObject({ verdict: 'active', reason: 'call_settling', callStatus });
    });

    it.each(live)('is active when its fetched call is %s', (callStatus) => {
      const call = makeCall({ sid: CALL_SID, status: callStatus });
      const verdict = classifyTask(task({ assignment_status: status }), { kind: 'fetched', call }, context);
      expect(verdict).toMatchObject({ verdict: 'active', reason: 'call_live', callStatus, callEndedAt: null });
    });

    it.each(live)('is active when its call is in the live-call list as %s', (callStatus) => {
      const verdict = classifyTask(task({ assignment_status: status }), { kind: 'live', status: callStatus }, context);
      expect(verdict).toMatchObject({ verdict: 'active', reason: 'call_live', callStatus });
    });

    it('needs review (call_not_found) when its call does not exist', () => {
      expect(classifyTask(task({ assignment_status: status }), { kind: 'not_found' }, context)).toEqual({
        verdict: 'needs_review',
        problem: 'call_not_found',
        callSid: CALL_SID,
        action: expectedAction,
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
      });
    },
  );

  it.each<AssignmentStatus>(['wrapping', 'completed', 'canceled'])(
    'never lists a %s task (not open), whatever its call',
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
      callEndedAt: null,
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
    expect(precheckTask(task(), context)).toEqual({ verdict: 'needs_call', callSid: CALL_SID });
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
  it.each<[AssignmentStatus & ('pending' | 'reserved' | 'assigned'), string]>([
    ['pending', 'cancel'],
    ['reserved', 'cancel'],
    ['assigned', 'complete'],
  ])('closes a %s task with %s', (status, action) => {
    expect(actionFor(status)).toBe(action);
  });

  it('parses attributes objects only', () => {
    expect(parseAttributes('{"a":1}')).toEqual({ a: 1 });
    expect(parseAttributes('[]')).toBeNull();
    expect(parseAttributes('')).toBeNull();
  });

  it('names the call to look up, or what stops the lookup', () => {
    expect(callReferenceOf(task())).toEqual({ callSid: CALL_SID, problem: null });
    expect(callReferenceOf(task({ attributes: '{"call_sid": " CA../x "}' }))).toEqual({
      callSid: 'CA../x',
      problem: 'call_not_found',
    });
    expect(callReferenceOf(task({ attributes: '{}' }))).toEqual({ callSid: null, problem: 'no_call_sid' });
    expect(callReferenceOf(task({ attributes: 'not json' }))).toEqual({ callSid: null, problem: 'bad_attributes' });
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
