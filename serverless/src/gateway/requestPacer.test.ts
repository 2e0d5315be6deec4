import { DeadlineExceededError } from './errors';
import { RequestPacer } from './requestPacer';

// Jest's modern fake timers also drive Date.now, which the pacer measures the interval by.
beforeEach(() => jest.useFakeTimers({ now: Date.parse('2024-05-01T12:00:00Z') }));
afterEach(() => jest.useRealTimers());

/** Starts `count` waiters and records when each got its turn (ms after the start) or why it did not. */
function queueUp(pacer: RequestPacer, count: number, signal?: AbortSignal, deadline = Number.POSITIVE_INFINITY) {
  const started = Date.now();
  const turns: (number | string)[] = new Array(count).fill('waiting');
  const all = Array.from({ length: count }, (_, index) =>
    pacer.turn(signal, deadline).then(
      () => {
        turns[index] = Date.now() - started;
      },
      (error: Error) => {
        turns[index] = error instanceof DeadlineExceededError ? error.message : `unexpected: ${error.message}`;
      },
    ),
  );
  return { turns, all: Promise.all(all) };
}

describe('RequestPacer', () => {
  it('gives turns first come, first served, one interval apart', async () => {
    const pacer = new RequestPacer(100);
    const { turns, all } = queueUp(pacer, 4);
    await jest.advanceTimersByTimeAsync(1000);
    await all;
    expect(turns).toEqual([0, 100, 200, 300]);
  });

  it('lets a request go at once when the interval since the last one has passed', async () => {
    const pacer = new RequestPacer(100);
    await pacer.turn(undefined, Number.POSITIVE_INFINITY);
    await jest.advanceTimersByTimeAsync(250);
    const { turns, all } = queueUp(pacer, 1);
    await jest.advanceTimersByTimeAsync(0);
    await all;
    expect(turns).toEqual([0]);
  });

  it('drops waiters whose signal aborts, so later requests do not wait behind abandoned ones', async () => {
    const pacer = new RequestPacer(100);
    const abandoned = new AbortController();
    const first = queueUp(pacer, 50, abandoned.signal);
    await jest.advanceTimersByTimeAsync(150); // two turns taken: 0 and 100 ms
    abandoned.abort();
    await first.all;
    expect(first.turns.filter((turn) => typeof turn === 'number')).toEqual([0, 100]);
    expect(first.turns.filter((turn) => turn === 'The operation was abandoned')).toHaveLength(48);
    expect(pacer.waiting).toBe(0);
    // The next call's request waits only for the interval after the last turn actually taken.
    const next = queueUp(pacer, 1);
    await jest.advanceTimersByTimeAsync(100);
    await next.all;
    expect(next.turns).toEqual([50]);
  });

  it('refuses a waiter whose deadline passes before its turn, and one already past its deadline or aborted', async () => {
    const pacer = new RequestPacer(1000);
    const deadline = Date.now() + 1500;
    const { turns, all } = queueUp(pacer, 3, undefined, deadline);
    await jest.advanceTimersByTimeAsync(3000);
    await all;
    expect(turns).toEqual([0, 1000, 'The time budget for this operation ran out']);
    await expect(pacer.turn(undefined, Date.now() - 1)).rejects.toBeInstanceOf(DeadlineExceededError);
    await expect(pacer.turn(AbortSignal.abort(), Number.POSITIVE_INFINITY)).rejects.toThrow('abandoned');
    expect(pacer.waiting).toBe(0);
  });

  it('refuses an interval that is not a number of milliseconds', () => {
    expect(() => new RequestPacer(-1)).toThrow(/interval/);
    expect(() => new RequestPacer(Number.NaN)).toThrow(/interval/);
  });
});
