/**
 * How many requests one gateway may have in flight, adjusted from Twilio's own load signal.
 *
 * Twilio answers every request with `Twilio-Concurrent-Requests`: the account's requests in flight
 * at that moment, this gateway's, other gateways' and Flex's own (agents' desktops, Studio,
 * webhooks) together. The controller keeps that total under `target = accountLimit − headroom`:
 *
 * - it grows its window additively while the account is below the target and the window is what
 *   holds the gateway back (requests waiting, or every slot taken), by at most one slot per answer
 *   and never by more than the room the answer reported, so it slows down as it nears the target;
 * - it shrinks multiplicatively at once when an answer reports the account above the target (by
 *   target ÷ total, at most to ×0.7) or a 429 arrives (×0.5: someone was already refused); at the
 *   target exactly it holds;
 * - only answers to requests sent after the last shrink can shrink it again: the answers already on
 *   their way describe the account before that shrink took effect;
 * - it stays between 1 and the fixed cap (`--concurrency`, or the Functions' default).
 *
 * Several gateways on one account each see the account's total, so each backs off when it is high
 * and they share the room like TCP flows share a link (additive increase, multiplicative decrease).
 *
 * It starts small (`INITIAL_WINDOW`) rather than at the cap: a fresh gateway knows nothing of the
 * account yet, and a first burst at the cap could push Flex's own requests into 429s before the
 * first answer arrives. Growth of up to one slot per answer doubles the window every round trip, so
 * reaching a cap of 100 from 8 takes four round trips. The first answer without the header (older
 * answers, scripted tests, a proxy that strips it) switches to a fixed window for good: the cap, but
 * no more than the target; an answer with it later switches back to adapting.
 *
 * Pure: no timers, no clock, no I/O. Requests are stamped with a send sequence number instead of a
 * time, so "sent after the last shrink" is exact and tests need no clock at all.
 */

export interface AdaptiveConcurrencyOptions {
  /** The fixed upper bound: the window never exceeds it. */
  cap: number;
  /** The account's concurrent request limit (Twilio's default is 100). */
  accountLimit: number;
  /** Requests in flight left to everything else on the account (Flex, other tools). */
  headroom: number;
}

/** What one answer tells the controller. */
export interface AnswerSignal {
  /** The HTTP status (0 for no answer at all). */
  status: number;
  /** `Twilio-Concurrent-Requests` of the answer; null when absent or unreadable. */
  accountInFlight: number | null;
  /** The request's stamp, from `stampSend()` when it was sent. */
  sentAt: number;
  /** This gateway's slots in use when the answer arrived, this request's included. */
  slotsInUse: number;
  /** Requests waiting for a slot when the answer arrived. */
  waiting: number;
}

export interface WindowStats {
  /** The window now. */
  current: number;
  /** Smallest and largest window used so far. */
  min: number;
  max: number;
  /** How many times the window shrank (busy account or 429). */
  shrinks: number;
  /** Whether answers carry `Twilio-Concurrent-Requests` (else the window is the fixed cap). */
  adaptive: boolean;
}

export const INITIAL_WINDOW = 8;
export const SHRINK_ON_BUSY = 0.7;
export const SHRINK_ON_THROTTLE = 0.5;

export class AdaptiveConcurrency {
  private readonly cap: number;
  private readonly target: number;
  /** Fractional, so growth of less than one slot per answer adds up. */
  private window: number;
  private sent = 0;
  private lastShrinkAt = 0;
  private mode: 'probing' | 'fixed' | 'adaptive' = 'probing';
  private shrinks = 0;
  private minWindow: number;
  private maxWindow: number;

  constructor(options: AdaptiveConcurrencyOptions) {
    assertWhole('cap', options.cap, 1);
    assertWhole('accountLimit', options.accountLimit, 1);
    assertWhole('headroom', options.headroom, 0);
    if (options.headroom >= options.accountLimit) {
      throw new Error(`The headroom (${options.headroom}) must be below the account limit (${options.accountLimit})`);
    }
    this.cap = options.cap;
    this.target = options.accountLimit - options.headroom;
    // Blind until the first answer: never past the target either (the default cap is the whole account).
    this.window = Math.min(options.cap, this.target, INITIAL_WINDOW);
    this.minWindow = this.limit();
    this.maxWindow = this.limit();
  }

  /** Slots the gateway may hold now. */
  limit(): number {
    return Math.max(1, Math.min(this.cap, Math.floor(this.window)));
  }

  /** Call as a request is sent; hand the result back as `sentAt` with its answer. */
  stampSend(): number {
    this.sent += 1;
    return this.sent;
  }

  /** Adjusts the window from one answer (or failure). */
  onAnswer(signal: AnswerSignal): void {
    if (signal.accountInFlight !== null) {
      this.mode = 'adaptive';
    } else if (signal.status !== 0 && this.mode === 'probing') {
      this.mode = 'fixed';
      // Blind: the cap, but never past the target (the default cap is the whole account).
      this.window = Math.min(this.cap, this.target);
      this.record();
    }
    if (this.mode !== 'adaptive') return;
    const fresh = signal.sentAt > this.lastShrinkAt;
    if (signal.status === 429) {
      if (fresh) this.shrink(SHRINK_ON_THROTTLE);
      return;
    }
    if (signal.accountInFlight === null) return;
    if (signal.accountInFlight > this.target) {
      // In proportion to the overshoot (every gateway by the same factor, so shares stay fair), and
      // at least to ×0.7 when far over: a lone gateway at the target is not knocked back by a third
      // for the one request over it, which would leave the account idle while it grows back.
      if (fresh) this.shrink(Math.max(SHRINK_ON_BUSY, this.target / signal.accountInFlight));
      return;
    }
    const bound = signal.waiting > 0 || signal.slotsInUse >= this.limit();
    if (!bound) return;
    const room = this.target - signal.accountInFlight;
    this.window = Math.min(this.cap, this.window + Math.min(1, room / Math.max(1, this.window)));
    this.record();
  }

  stats(): WindowStats {
    return {
      current: this.limit(),
      min: this.minWindow,
      max: this.maxWindow,
      shrinks: this.shrinks,
      adaptive: this.mode === 'adaptive',
    };
  }

  private shrink(factor: number): void {
    this.window = Math.max(1, this.window * factor);
    this.lastShrinkAt = this.sent;
    this.shrinks += 1;
    this.record();
  }

  private record(): void {
    const current = this.limit();
    this.minWindow = Math.min(this.minWindow, current);
    this.maxWindow = Math.max(this.maxWindow, current);
  }
}

/** `Twilio-Concurrent-Requests` as a count; null when absent or not a whole number. */
export function parseConcurrentRequests(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : null;
  if (typeof value !== 'string' || !/^\s*\d+\s*$/.test(value)) return null;
  return Number(value);
}

function assertWhole(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`The ${name} must be a whole number of at least ${min}, not ${value}`);
  }
}
