import { createTwilioGateway } from '../gateway/twilioGateway';
import type { GatewayOptions } from '../gateway/twilioGateway';
import type { TwilioGateway } from '../gateway/types';
import { fixedConcurrencyCap } from '../settings';
import type { Settings } from '../settings';
import type { DeadlineClock } from './clock';
import { LiveCallCache } from './liveCalls';
import type { RuleContext } from './rules';

export type EngineLog = (entry: Record<string, unknown>) => void;

export interface EngineDeps {
  gateway: TwilioGateway;
  settings: Settings;
  /** The clock verdicts are judged by (ages, grace period); Date.now by default. */
  now?: () => number;
  /** Structured audit lines, one per closed task. */
  log?: EngineLog;
  /** Live-call snapshot shared by the scans made with these deps; none = each scan lists its own. */
  liveCallCache?: LiveCallCache;
  /** The clock scan deadlines are measured by; the system clock by default (tests inject their own). */
  clock?: DeadlineClock;
  /**
   * Most tasks a scan judges at once (`createEngineDeps`: twice the gateway's cap). A task may need
   * several requests one after another (its legs, then its agent); judging tasks a window at a time
   * keeps those follow-ups from queueing behind every other task of the page. More tasks than the
   * gateway's window, so that the window, not the judging, bounds the requests in flight: a task
   * between two of its requests holds a judging slot but no request.
   */
  scanConcurrency?: number;
}

export interface EngineDepsOptions {
  /**
   * Most Twilio requests in flight at once: the fixed cap over the adaptive window (default
   * `TWILIO_MAX_CONCURRENT_REQUESTS`, else the account limit; the window keeps to limit − headroom).
   */
  concurrency?: number;
  log?: EngineLog;
  /** Retry and timeout tuning; tests and benchmarks only. */
  gateway?: Omit<GatewayOptions, 'concurrency'>;
}

/**
 * Engine dependencies on the real gateway (Node's HTTP client). With `settings.apiBaseUrl` every request goes to
 * that base URL (the simulator); without it, to the real Twilio hosts.
 */
export function createEngineDeps(settings: Settings, options: EngineDepsOptions = {}): EngineDeps {
  const concurrency = fixedConcurrencyCap(settings, options.concurrency);
  return {
    gateway: createTwilioGateway(settings, { ...options.gateway, concurrency }),
    settings,
    log: options.log,
    liveCallCache: new LiveCallCache(),
    scanConcurrency: concurrency * 2,
  };
}

export function nowOf(deps: EngineDeps): number {
  return deps.now ? deps.now() : Date.now();
}

/** What the rules judge a task by, as of now: the scan, the detail view and the close all take it from here. */
export function ruleContextOf(deps: EngineDeps): RuleContext {
  return {
    nowMs: nowOf(deps),
    graceSeconds: deps.settings.graceSeconds,
    excludedTaskQueues: deps.settings.excludedTaskQueues,
    wrapupOverdueMinutes: deps.settings.wrapupOverdueMinutes,
    messaging: deps.settings.messaging ?? true,
  };
}
