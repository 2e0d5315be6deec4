import type { DeadlineClock } from '../../src/engine/clock';
import { DeadlineExceededError } from '../../src/gateway/errors';
import type { TwilioGateway } from '../../src/gateway/types';

/**
 * A deadline clock that moves only when a test moves it: a scan's deadline then passes after the
 * work the test chooses (for example a number of Twilio answers), however slow the machine is.
 */
export class ManualClock implements DeadlineClock {
  private nowMs: number;
  private readonly waiters = new Set<{ at: number; resolve: () => void }>();

  constructor(startMs = 1_000_000) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  advance(ms: number): void {
    this.nowMs += ms;
    for (const waiter of [...this.waiters]) {
      if (waiter.at <= this.nowMs) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  waitUntil(at: number, signal: AbortSignal): Promise<void> {
    if (at <= this.nowMs || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = {
        at,
        resolve: () => {
          signal.removeEventListener('abort', waiter.resolve);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      this.waiters.add(waiter);
      signal.addEventListener('abort', waiter.resolve, { once: true });
    });
  }

  /** Not real time: the gateway gets no deadline, and the scan's abort signal stops its requests. */
  gatewayDeadline(): undefined {
    return undefined;
  }
}

const REQUESTS = [
  'listOpenTasks',
  'fetchTask',
  'updateTask',
  'listReservations',
  'fetchCall',
  'listCalls',
  'listEvents',
  'listConversations',
  'listOpenTasksNamingConversations',
] as const;

/**
 * The gateway, with `clock` moved forward by `msPerAnswer` each time Twilio answers one request (or
 * fails it), before the caller sees the answer: time in the test is counted in Twilio answers. A
 * request abandoned before it was sent moves nothing. `onRequest` runs as a request starts; the
 * request waits for what it returns (a slow answer: move the clock past a deadline, then answer later).
 */
export function advancingOnAnswers<G extends TwilioGateway>(
  gateway: G,
  clock: ManualClock,
  msPerAnswer: number,
  onRequest?: (request: (typeof REQUESTS)[number], args: unknown[]) => Promise<void> | void,
): G {
  return new Proxy(gateway, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (!(REQUESTS as readonly (string | symbol)[]).includes(property) || typeof value !== 'function') return value;
      const request = property as (typeof REQUESTS)[number];
      return async (...args: unknown[]) => {
        await onRequest?.(request, args);
        let answered = true;
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } catch (error) {
          answered = !(error instanceof DeadlineExceededError);
          throw error;
        } finally {
          if (answered) clock.advance(msPerAnswer);
        }
      };
    },
  });
}

/** Until the timers queued so far have run: later than anything a scan does in response to a clock move. */
export function afterPendingWork(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
