/**
 * Runs `start()` on Jest's fake timers (`Date.now` included) and lets fake time pass, a millisecond at a
 * time, until what it returned settles: timeouts, backoffs and deadlines then fire in the order their
 * lengths give, however slow or busy the machine is. `elapsedMs` is the fake time it took.
 */
export async function onFakeTime<T>(start: () => Promise<T>): Promise<{ outcome: Settled<T>; elapsedMs: number }> {
  jest.useFakeTimers();
  try {
    const startedAt = Date.now();
    const outcome: Promise<Settled<T>> = start().then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    let settled = false;
    void outcome.then(() => {
      settled = true;
    });
    while (!settled) await jest.advanceTimersByTimeAsync(1);
    return { outcome: await outcome, elapsedMs: Date.now() - startedAt };
  } finally {
    jest.useRealTimers();
  }
}

export type Settled<T> = { value: T } | { error: unknown };
