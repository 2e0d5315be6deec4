/**
 * The clock a scan measures its deadlines by: the system clock in production. Tests inject one that
 * moves only when they move it (for example per Twilio answer), so a deadline passes after the work
 * they choose rather than after however long a busy machine takes.
 */
export interface DeadlineClock {
  now(): number;
  /** Resolves once `now()` has reached `at` (at once if it has), or as soon as `signal` aborts. */
  waitUntil(at: number, signal: AbortSignal): Promise<void>;
  /**
   * `at` as a `Date.now()` time for the gateway's request budgets (request timeouts, no retry past
   * it), when this clock is real time; undefined otherwise: the gateway measures real time, and the
   * caller's abort signal alone then stops its requests.
   */
  gatewayDeadline(at: number): number | undefined;
}

export const systemClock: DeadlineClock = {
  now: () => Date.now(),
  waitUntil(at, signal) {
    return new Promise<void>((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, at - Date.now()));
      signal.addEventListener('abort', done, { once: true });
    });
  },
  gatewayDeadline: (at) => at,
};
