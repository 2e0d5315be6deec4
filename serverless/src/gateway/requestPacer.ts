/**
 * Spaces the starts of one rate-limited endpoint's requests at least `intervalMs` apart, first come,
 * first served (the Interactions API allows about 20 requests a second per endpoint).
 *
 * Unlike a rate limiter's queue, a waiting request can leave it: when its budget's signal aborts or
 * its deadline passes it is dropped at once and takes no turn. That matters because the queue
 * outlives the call that filled it: a Function instance is reused while warm, so a scan call that
 * ended at its deadline with a hundred channel reads still queued would otherwise hand them to the
 * next call, which then waited ten seconds behind work nobody wanted and judged nothing.
 */
import { DeadlineExceededError } from './errors';

interface Waiter {
  grant: () => void;
  /** Leaves the queue (a no-op once granted or gone), refusing the wait with `error`. */
  leave: (error: Error) => void;
}

export class RequestPacer {
  private lastStartMs = Number.NEGATIVE_INFINITY;
  private readonly queue: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  /**
   * The requests waiting under each budget's signal, left all at once when it aborts. Kept (weakly) as
   * long as the signal lives, with its one listener, however often its requests come and go.
   */
  private readonly bySignal = new WeakMap<AbortSignal, Set<Waiter>>();

  constructor(private readonly intervalMs: number) {
    if (!(intervalMs >= 0) || !Number.isFinite(intervalMs)) {
      throw new Error(`The interval between requests must be 0 ms or more, not ${intervalMs}`);
    }
  }

  /** Requests waiting for their turn. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Resolves when this request may start. Rejects with DeadlineExceededError, leaving the queue, when
   * `signal` aborts or `deadline` (epoch ms) passes first.
   */
  turn(signal: AbortSignal | undefined, deadline: number): Promise<void> {
    if (signal?.aborted) return Promise.reject(new DeadlineExceededError('The operation was abandoned'));
    if (Date.now() >= deadline) return Promise.reject(new DeadlineExceededError());
    return new Promise<void>((resolve, reject) => {
      let deadlineTimer: ReturnType<typeof setTimeout> | null = null;
      const settle = () => {
        if (signal) this.forget(signal, waiter);
        if (deadlineTimer !== null) clearTimeout(deadlineTimer);
      };
      const waiter: Waiter = {
        grant: () => {
          settle();
          resolve();
        },
        leave: (error) => {
          const index = this.queue.indexOf(waiter);
          if (index < 0) return;
          this.queue.splice(index, 1);
          settle();
          reject(error);
        },
      };
      this.queue.push(waiter);
      if (signal) this.watch(signal, waiter);
      if (Number.isFinite(deadline)) {
        deadlineTimer = setTimeout(() => waiter.leave(new DeadlineExceededError()), Math.max(0, deadline - Date.now()));
      }
      this.pump();
    });
  }

  /**
   * One abort listener per signal, however many of its requests wait: a scan call may queue hundreds
   * on its one signal, and Node warns past ten listeners on an AbortSignal.
   */
  private watch(signal: AbortSignal, waiter: Waiter): void {
    let waiters = this.bySignal.get(signal);
    if (!waiters) {
      const group = new Set<Waiter>();
      waiters = group;
      this.bySignal.set(signal, group);
      signal.addEventListener(
        'abort',
        () => {
          for (const each of [...group]) each.leave(new DeadlineExceededError('The operation was abandoned'));
        },
        { once: true },
      );
    }
    waiters.add(waiter);
  }

  private forget(signal: AbortSignal, waiter: Waiter): void {
    this.bySignal.get(signal)?.delete(waiter);
  }

  /** Grants the head of the queue its turn when the interval since the last start has passed. */
  private pump(): void {
    if (this.timer !== null) return;
    while (this.queue.length > 0) {
      const waitMs = this.lastStartMs + this.intervalMs - Date.now();
      if (waitMs > 0) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.pump();
        }, waitMs);
        return;
      }
      this.lastStartMs = Date.now();
      (this.queue.shift() as Waiter).grant();
    }
  }
}

/**
 * One rate-limited endpoint's pacing, applied twice. Before the request takes a concurrency slot, so
 * that waiting for its turn holds none: held slots would stall every other request of the gateway
 * (the scan's voice tasks behind its messaging tasks' channel reads) at the endpoint's rate. And
 * again inside the slot, right before sending: a wait for a slot can bunch requests that took their
 * first turns apart, and the spacing must hold for the requests themselves. The second wait is short
 * (the first one already spaced them).
 */
export class EndpointPace {
  readonly beforeSlot: RequestPacer;
  readonly atSend: RequestPacer;

  constructor(requestsPerSecond: number) {
    const intervalMs = Math.ceil(1000 / requestsPerSecond);
    this.beforeSlot = new RequestPacer(intervalMs);
    this.atSend = new RequestPacer(intervalMs);
  }
}
