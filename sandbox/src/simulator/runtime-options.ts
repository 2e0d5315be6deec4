import { ControlError } from './control-error';
import { DEFAULT_CLOSED_TASK_TTL_MS, DEFAULT_GRACE_SECONDS } from './defaults';

/** Knobs that can change while the simulator runs (`configure`). */
export interface RuntimeOptions {
  /** Added to every Twilio response (half before handling, half after). */
  latencyMs: number;
  /** Uniform ± jitter around latencyMs. */
  latencyJitterMs: number;
  /** Requests in flight above this get 429 code 20429; null = unlimited. */
  concurrencyLimit: number | null;
  /** Share of Twilio requests answered with a random 500/503 before they touch any state. */
  errorRate: number;
  /** Share of Twilio requests answered 429 code 20429 whatever the concurrency (throttling storms). */
  throttleRate: number;
  /** Share of Twilio requests that take `slowMs` longer. */
  slowRate: number;
  slowMs: number;
  /** Share of successful task updates whose response is replaced by a 500 after the update was applied. */
  lostUpdateRate: number;
  /** true: every list shows `attributes: null`; a number: that share of tasks does (fixed per task). */
  nullAttributesInLists: boolean | number;
  /** Closed tasks answer 404 this long after they closed. */
  closedTaskTtlMs: number;
  /** Grace period the simulator's own verdict oracle uses (control views only). */
  graceSeconds: number;
  /**
   * WRAPUP_OVERDUE_MINUTES of the oracle (control views only): null = off (wrapping tasks keep the
   * verdict `wrapping`); else 1–1440, and a wrapping voice task unchanged that long is judged by its legs.
   */
  wrapupOverdueMinutes: number | null;
  /**
   * Other traffic on the account (Flex itself): requests in flight it wants on average; 0 = none.
   * Its requests count against `concurrencyLimit` like this tool's and are refused with 429 too.
   */
  otherTrafficMean: number;
  /** Its demand swings between mean − swing and mean + swing (a sine), at most the mean. */
  otherTrafficSwing: number;
  /** One full swing, in ms. */
  otherTrafficPeriodMs: number;
  /** How long each of its requests takes, in ms. */
  otherTrafficLatencyMs: number;
  /**
   * The Interactions API's limit: requests a second to each endpoint (channel fetch, channel update),
   * over any 1 s of real time; above it, 429 code 20429. null = unlimited. Default 20, Twilio's.
   */
  interactionsPerSecond: number | null;
  /**
   * What a channel close does to a pending or reserved task (Twilio does not document it): false
   * (default, the conservative reading) = left as it is; true = canceled.
   */
  channelCloseCancelsUnassigned: boolean;
  /** MESSAGING of the oracle (control views only): false = messaging tasks get the verdict not_voice. */
  messaging: boolean;
}

export const DEFAULT_RUNTIME_OPTIONS: RuntimeOptions = {
  latencyMs: 0,
  latencyJitterMs: 0,
  concurrencyLimit: null,
  errorRate: 0,
  throttleRate: 0,
  slowRate: 0,
  slowMs: 1000,
  lostUpdateRate: 0,
  nullAttributesInLists: false,
  closedTaskTtlMs: DEFAULT_CLOSED_TASK_TTL_MS,
  graceSeconds: DEFAULT_GRACE_SECONDS,
  wrapupOverdueMinutes: null,
  otherTrafficMean: 0,
  otherTrafficSwing: 0,
  otherTrafficPeriodMs: 10_000,
  otherTrafficLatencyMs: 100,
  interactionsPerSecond: 20,
  channelCloseCancelsUnassigned: false,
  messaging: true,
};

export function validateRuntimeOptions(options: RuntimeOptions): RuntimeOptions {
  const problems: string[] = [];
  const nonNegative = (name: keyof RuntimeOptions): void => {
    const value = options[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      problems.push(`${name} must be a number ≥ 0`);
  };
  const rate = (name: keyof RuntimeOptions): void => {
    const value = options[name];
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) problems.push(`${name} must be between 0 and 1`);
  };
  nonNegative('latencyMs');
  nonNegative('latencyJitterMs');
  nonNegative('closedTaskTtlMs');
  nonNegative('graceSeconds');
  nonNegative('slowMs');
  nonNegative('otherTrafficMean');
  nonNegative('otherTrafficSwing');
  nonNegative('otherTrafficPeriodMs');
  nonNegative('otherTrafficLatencyMs');
  if (options.otherTrafficSwing > options.otherTrafficMean) {
    problems.push('otherTrafficSwing must not exceed otherTrafficMean (demand never goes below 0)');
  }
  rate('errorRate');
  rate('throttleRate');
  rate('slowRate');
  rate('lostUpdateRate');
  if (
    options.concurrencyLimit !== null &&
    !(Number.isInteger(options.concurrencyLimit) && options.concurrencyLimit > 0)
  ) {
    problems.push('concurrencyLimit must be a positive integer or null');
  }
  const overdue = options.wrapupOverdueMinutes;
  if (overdue !== null && !(Number.isInteger(overdue) && overdue >= 1 && overdue <= 1440)) {
    problems.push('wrapupOverdueMinutes must be a whole number from 1 to 1440, or null for off');
  }
  const perSecond = options.interactionsPerSecond;
  if (perSecond !== null && !(Number.isInteger(perSecond) && perSecond > 0)) {
    problems.push('interactionsPerSecond must be a positive integer or null');
  }
  if (typeof options.channelCloseCancelsUnassigned !== 'boolean') {
    problems.push('channelCloseCancelsUnassigned must be a boolean');
  }
  if (typeof options.messaging !== 'boolean') problems.push('messaging must be a boolean');
  const share = options.nullAttributesInLists;
  if (typeof share !== 'boolean' && !(typeof share === 'number' && share >= 0 && share <= 1)) {
    problems.push('nullAttributesInLists must be a boolean or a share between 0 and 1');
  }
  if (problems.length > 0) throw new ControlError(400, `Invalid simulator options: ${problems.join('; ')}`);
  return options;
}
