import { makeSuspect, taskSid } from '../test/fixtures';
import { countActions, sortSuspects, splitIntoBatches, summariseOutcomes } from './suspects';

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
  expect(countActions([makeSuspect(1), makeSuspect(2), makeSuspect(3)])).toEqual({ cancel: 2, complete: 1 });
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
