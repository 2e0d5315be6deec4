import { makeMessagingSuspect, makeSuspect, makeWrapup, taskSid, workerSid } from '../test/fixtures';
import {
  agentDisplayName,
  countActions,
  countBlockedAgents,
  countKinds,
  sortSuspects,
  splitIntoBatches,
  summariseOutcomes,
  suspectKind,
} from './suspects';

describe('splitIntoBatches', () => {
  it('cuts a selection into batches of at most 50, in order', () => {
    const sids = Array.from({ length: 120 }, (_, i) => taskSid(i));
    const batches = splitIntoBatches(sids);
    expect(batches.map((batch) => batch.length)).toEqual([50, 50, 20]);
    expect(batches.flat()).toEqual(sids);
    expect(splitIntoBatches(sids.slice(0, 50))).toHaveLength(1);
    expect(splitIntoBatches([])).toEqual([]);
  });

  it('rejects a batch size that is not a positive integer', () => {
    expect(() => splitIntoBatches([1], 0)).toThrow(RangeError);
    expect(() => splitIntoBatches([1], 2.5)).toThrow(RangeError);
  });
});

describe('sortSuspects', () => {
  const now = Date.now();
  const endedSecondsAgo = (seconds: number | null) =>
    seconds === null ? null : new Date(now - seconds * 1000).toISOString();
  const a = makeSuspect(1, { callEndedAt: endedSecondsAgo(600), taskQueueName: 'Billing' });
  const b = makeSuspect(2, { callEndedAt: endedSecondsAgo(60), taskQueueName: null });
  const c = makeSuspect(3, { callEndedAt: null, taskQueueName: 'Support' });
  const order = (list: ReturnType<typeof sortSuspects>) => list.map((suspect) => suspect.taskSid);

  it('sorts ended conversations by when their conversation closed', () => {
    const early = makeMessagingSuspect(11, { conversationEndedAt: endedSecondsAgo(900) });
    const late = makeMessagingSuspect(12, { conversationEndedAt: endedSecondsAgo(120) });
    const deleted = makeMessagingSuspect(13, { conversationState: 'deleted', conversationEndedAt: null });
    expect(order(sortSuspects([early, deleted, late], { key: 'ended', direction: 'ascending' }))).toEqual([
      late.taskSid,
      early.taskSid,
      deleted.taskSid,
    ]);
  });

  it('sorts "call ended" by time elapsed and keeps unknown end times last both ways', () => {
    expect(order(sortSuspects([a, b, c], { key: 'ended', direction: 'ascending' }))).toEqual([
      b.taskSid,
      a.taskSid,
      c.taskSid,
    ]);
    expect(order(sortSuspects([c, b, a], { key: 'ended', direction: 'descending' }))).toEqual([
      a.taskSid,
      b.taskSid,
      c.taskSid,
    ]);
  });

  it('does not reorder its input and breaks ties by SID', () => {
    const input = [c, a, b];
    const same = [makeSuspect(9, { ageSeconds: 5 }), makeSuspect(8, { ageSeconds: 5 })];
    expect(order(sortSuspects(same, { key: 'age', direction: 'descending' }))).toEqual([taskSid(8), taskSid(9)]);
    sortSuspects(input, { key: 'taskQueueName', direction: 'ascending' });
    expect(input).toEqual([c, a, b]);
  });
});

it('counts actions and outcomes the way the dialog and the summary report them', () => {
  expect(countActions([makeSuspect(1), makeSuspect(2), makeSuspect(3), makeMessagingSuspect(4)])).toEqual({
    cancel: 2,
    complete: 1,
    close_interaction: 1,
  });
  expect(
    summariseOutcomes([
      { taskSid: taskSid(1), outcome: 'canceled', message: '' },
      { taskSid: taskSid(2), outcome: 'completed', message: '' },
      { taskSid: taskSid(3), outcome: 'not_stuck', message: '' },
      { taskSid: taskSid(4), outcome: 'not_found', message: '' },
      { taskSid: taskSid(5), outcome: 'failed', message: '' },
      { taskSid: taskSid(6), outcome: 'failed', message: '' },
    ]),
  ).toEqual({ total: 6, closed: 2, canceled: 1, completed: 1, notStuck: 1, notFound: 1, failed: 2 });
});

describe('agents', () => {
  it('counts each agent holding a suspect once, and tasks no agent holds not at all', () => {
    const alice = { workerSid: workerSid(1), workerName: 'Alice' };
    const bob = { workerSid: workerSid(2), workerName: 'Bob' };
    const suspects = [
      makeSuspect(1, alice),
      makeSuspect(2, alice),
      makeWrapup(3, alice),
      makeSuspect(4, bob),
      makeSuspect(5, { workerSid: null, workerName: null }),
    ];
    expect(countBlockedAgents(suspects)).toBe(2);
    expect(countBlockedAgents([])).toBe(0);
  });

  it('names the agent by name, else by Worker SID, else not at all', () => {
    expect(agentDisplayName({ workerSid: workerSid(1), workerName: 'Alice' })).toBe('Alice');
    expect(agentDisplayName({ workerSid: workerSid(1), workerName: '  ' })).toBe(workerSid(1));
    expect(agentDisplayName({ workerSid: workerSid(1), workerName: null })).toBe(workerSid(1));
    expect(agentDisplayName({ workerSid: null, workerName: null })).toBeNull();
  });

  it('sorts by agent, tasks without one first when ascending', () => {
    const none = makeSuspect(1, { workerSid: null, workerName: null });
    const zed = makeSuspect(2, { workerSid: workerSid(2), workerName: 'Zed' });
    const amy = makeSuspect(3, { workerSid: workerSid(3), workerName: 'Amy' });
    const order = sortSuspects([zed, amy, none], { key: 'agent', direction: 'ascending' });
    expect(order.map((suspect) => suspect.taskSid)).toEqual([none.taskSid, amy.taskSid, zed.taskSid]);
  });
});

it('groups suspects by kind, an unknown kind with the call-ended ones', () => {
  const old = { ...makeSuspect(3) } as Partial<ReturnType<typeof makeSuspect>>;
  delete old.kind;
  const legacy = old as ReturnType<typeof makeSuspect>;
  expect(suspectKind(legacy)).toBe('call_ended');
  expect(suspectKind(makeMessagingSuspect(5))).toBe('conversation_closed');
  expect(countKinds([makeSuspect(1), makeWrapup(2), makeWrapup(4), legacy, makeMessagingSuspect(5)])).toEqual({
    call_ended: 2,
    wrapup_overdue: 2,
    conversation_closed: 1,
  });
});
