/**
 * "Other traffic": a competing client on the same account (Flex's desktops, Studio, webhooks) whose
 * demand varies over time. It wants `mean + swing × sin(2πt / period)` requests in flight; its
 * requests take `latencyMs` each, so it starts them at `demand ÷ latency` per millisecond (Little's
 * law). Every start is admitted only if the account (this tool's requests and the other traffic's)
 * is under the concurrency limit; otherwise it is refused with a 429, counted, and not retried: that
 * count is the harm done to Flex.
 *
 * Pure and driven by the caller's clock: `advance(now, …)` replays the arrivals and completions
 * between the last call and `now`. The simulator calls it on every Twilio request and answer (and on
 * a timer while it runs), tests call it with the clock they choose.
 */

export interface OtherTrafficOptions {
  /** Mean requests in flight wanted; 0 = off. */
  mean: number;
  /** Amplitude: demand varies between mean − swing and mean + swing. */
  swing: number;
  /** Period of one swing, in ms. */
  periodMs: number;
  /** How long each of its requests takes. */
  latencyMs: number;
}

export interface OtherTrafficStats {
  /** Requests it sent (admitted and refused). */
  requests: number;
  /** Its requests refused with 429 because the account was full. */
  throttled: number;
  inFlight: number;
  peakInFlight: number;
}

/** Largest step replayed at once: arrivals inside it are admitted against the same account count. */
const MAX_STEP_MS = 1;

export class OtherTraffic {
  private lastAt: number | null = null;
  /** Arrival credit not yet a whole request. */
  private credit = 0;
  /** End times of its admitted requests, in start order (every request takes the same time). */
  private readonly ends: number[] = [];
  private head = 0;
  private requests = 0;
  private throttled = 0;
  private peak = 0;

  constructor(private readonly startedAt: number) {}

  /** Requests it wants in flight at `now`. */
  static demand(options: OtherTrafficOptions, elapsedMs: number): number {
    if (options.mean <= 0) return 0;
    const phase = options.periodMs > 0 ? (2 * Math.PI * elapsedMs) / options.periodMs : 0;
    return Math.max(0, options.mean + options.swing * Math.sin(phase));
  }

  get inFlight(): number {
    return this.ends.length - this.head;
  }

  /**
   * Replays time up to `now`: completions, then arrivals, each admitted if `ownInFlight` (this tool's
   * requests, held still over the step) plus its own in flight is under `limit` (null = unlimited).
   */
  advance(now: number, options: OtherTrafficOptions, ownInFlight: number, limit: number | null): void {
    if (this.lastAt === null || now < this.lastAt) this.lastAt = now;
    const latency = Math.max(1, options.latencyMs);
    while (this.lastAt < now) {
      const stepEnd = Math.min(now, this.lastAt + MAX_STEP_MS);
      this.complete(stepEnd);
      const demand = OtherTraffic.demand(options, stepEnd - this.startedAt);
      this.credit += (demand / latency) * (stepEnd - this.lastAt);
      while (this.credit >= 1) {
        this.credit -= 1;
        this.requests += 1;
        if (limit !== null && ownInFlight + this.inFlight >= limit) {
          this.throttled += 1;
        } else {
          this.ends.push(stepEnd + latency);
          this.peak = Math.max(this.peak, this.inFlight);
        }
      }
      this.lastAt = stepEnd;
    }
    this.complete(now);
  }

  stats(): OtherTrafficStats {
    return { requests: this.requests, throttled: this.throttled, inFlight: this.inFlight, peakInFlight: this.peak };
  }

  /** Counts start again (its requests in flight stay). */
  resetCounts(): void {
    this.requests = 0;
    this.throttled = 0;
    this.peak = this.inFlight;
  }

  private complete(now: number): void {
    while (this.head < this.ends.length && this.ends[this.head] <= now) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.ends.length) {
      this.ends.splice(0, this.head);
      this.head = 0;
    }
  }
}
