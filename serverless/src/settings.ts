/**
 * Service settings, read once from the environment (the Functions' `.env`, the CLI's environment).
 * Every problem is reported at once so an operator fixes the file in one go.
 */

export interface Settings {
  accountSid: string;
  authToken: string;
  workspaceSid: string;
  /** Flex roles allowed to use the API. */
  allowedRoles: string[];
  /** A call that ended more recently than this is still settling: its task is not stuck yet. */
  graceSeconds: number;
  /** Written to the Task's `reason`, followed by `Closed by <identity>.` */
  closeReason: string;
  /** TaskQueue SIDs or names whose tasks follow customised orchestration and are never judged. */
  excludedTaskQueues: string[];
  /** Sandbox and tests only: every Twilio request goes to this base URL. null = the real Twilio hosts. */
  apiBaseUrl: string | null;
  /**
   * An HTTP(S) proxy for the requests to the real Twilio hosts (`HTTPS_PROXY`, else `HTTP_PROXY`, the
   * variable twilio-node reads; lower-case names too), e.g. for the CLI behind a company proxy.
   * null or absent = direct. Not used with `apiBaseUrl`.
   */
  proxyUrl?: string | null;
  /**
   * A `wrapping` task unchanged for longer than this many minutes, every call leg ended, is an overdue
   * wrap-up (a suspect). null = off: wrapping tasks are never listed.
   */
  wrapupOverdueMinutes: number | null;
  /** Written to `conversations.outcome` by every close (Flex Insights); null = off, attributes untouched. */
  insightsOutcome: string | null;
  /**
   * Optional API key pair (CLI): when set, requests authenticate with the key instead of the auth
   * token; `accountSid` still names the account whose resources are used.
   */
  apiKey?: { sid: string; secret: string } | null;
  /**
   * The account's limit of concurrent Twilio requests (Twilio's default is 100). With the headroom,
   * sets the target the gateway's adaptive window keeps the account's total in flight under.
   * Optional for hand-built settings (tests): absent = the gateway's defaults.
   */
  accountConcurrencyLimit?: number;
  /** Requests in flight left to everything else on the account (Flex itself): target = limit − headroom. */
  concurrencyHeadroom?: number;
  /**
   * The fixed upper bound of each gateway's requests in flight (`TWILIO_MAX_CONCURRENT_REQUESTS`), a
   * ceiling over the adaptive window that normally does not bind. null (unset) = the account limit,
   * whatever it is set to (the CLI's options included); the window keeps to limit − headroom.
   */
  maxConcurrentRequests?: number | null;
  /**
   * MESSAGING: judge messaging tasks (Flex Conversations) and close them through their interaction
   * channel. `on` by default; `off` skips them as other channels. Optional for hand-built settings
   * (tests): absent = on.
   */
  messaging?: boolean;
}

export const DEFAULT_ALLOWED_ROLES: readonly string[] = ['admin'];
export const DEFAULT_GRACE_SECONDS = 60;
export const DEFAULT_CLOSE_REASON = 'Orchestration issue: closed stuck voice Task.';
/** The Insights outcome written when INSIGHTS_OUTCOME is absent (present but empty turns it off). */
export const DEFAULT_INSIGHTS_OUTCOME = 'Closed stuck task';

/** Twilio's default limit of concurrent requests per account. */
export const DEFAULT_ACCOUNT_CONCURRENCY_LIMIT = 100;
/**
 * Requests in flight left to Flex and everything else. The gateway reacts within one answer (about
 * one request's latency) to the account's count, so the headroom only has to absorb what the rest of
 * the account can add faster than that; 15 of 100 leaves an 85-request target for the tool alone.
 */
export const DEFAULT_CONCURRENCY_HEADROOM = 15;
/** Largest account limit accepted; Twilio raises limits on request, well below this. */
const MAX_ACCOUNT_CONCURRENCY_LIMIT = 10_000;

/** Longest grace period accepted: a day. Longer would hide real stuck tasks for too long. */
const MAX_GRACE_SECONDS = 86_400;
/** Longest overdue wrap-up threshold accepted: a day, like the grace period. */
const MAX_WRAPUP_OVERDUE_MINUTES = 1_440;

const ACCOUNT_SID_PATTERN = /^AC[0-9a-fA-F]{32}$/;
const WORKSPACE_SID_PATTERN = /^WS[0-9a-fA-F]{32}$/;

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid settings: ${problems.join('; ')}`);
    this.name = 'SettingsError';
  }
}

/** Empty and whitespace-only values count as unset: `.env` files often carry `KEY=` lines. */
function valueOf(env: Record<string, string | undefined>, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function commaList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** `value` as an http(s) URL, or null. */
function httpUrl(value: string): URL | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
}

function parseBaseUrl(value: string): string | null {
  const url = httpUrl(value);
  if (!url || url.search || url.hash || url.username || url.password) return null;
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Where an HTTP(S) proxy may be named, first match wins (HTTP_PROXY is the one twilio-node reads). */
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'] as const;

/** A proxy URL: http(s), credentials allowed, nothing after the host. */
function parseProxyUrl(value: string): string | null {
  const url = httpUrl(value);
  if (!url || url.search || url.hash || url.pathname.replace(/\/+$/, '') !== '') return null;
  return url.href.replace(/\/+$/, '');
}

export function loadSettings(env: Record<string, string | undefined>): Settings {
  const problems: string[] = [];

  const accountSid = valueOf(env, 'ACCOUNT_SID');
  if (!accountSid) problems.push('ACCOUNT_SID is missing');
  else if (!ACCOUNT_SID_PATTERN.test(accountSid)) problems.push('ACCOUNT_SID must be AC followed by 32 hex digits');

  const authToken = valueOf(env, 'AUTH_TOKEN');
  if (!authToken) problems.push('AUTH_TOKEN is missing');
  else if (/\s/.test(authToken)) problems.push('AUTH_TOKEN must not contain spaces');

  const workspaceSid = valueOf(env, 'TASKROUTER_WORKSPACE_SID');
  if (!workspaceSid) problems.push('TASKROUTER_WORKSPACE_SID is missing');
  else if (!WORKSPACE_SID_PATTERN.test(workspaceSid)) {
    problems.push('TASKROUTER_WORKSPACE_SID must be WS followed by 32 hex digits');
  }

  let allowedRoles = [...DEFAULT_ALLOWED_ROLES];
  const rolesValue = valueOf(env, 'ALLOWED_ROLES');
  if (rolesValue !== undefined) {
    allowedRoles = commaList(rolesValue);
    if (allowedRoles.length === 0) problems.push('ALLOWED_ROLES must name at least one role');
  }

  let graceSeconds = DEFAULT_GRACE_SECONDS;
  const graceValue = valueOf(env, 'STUCK_GRACE_SECONDS');
  if (graceValue !== undefined) {
    graceSeconds = Number(graceValue);
    if (!/^\d+$/.test(graceValue) || graceSeconds > MAX_GRACE_SECONDS) {
      problems.push(`STUCK_GRACE_SECONDS must be a whole number of seconds from 0 to ${MAX_GRACE_SECONDS}`);
    }
  }

  const closeReason = valueOf(env, 'CLOSE_REASON') ?? DEFAULT_CLOSE_REASON;

  const excludedValue = valueOf(env, 'EXCLUDED_TASK_QUEUES');
  const excludedTaskQueues = excludedValue === undefined ? [] : commaList(excludedValue);

  let wrapupOverdueMinutes: number | null = null;
  const wrapupValue = valueOf(env, 'WRAPUP_OVERDUE_MINUTES');
  if (wrapupValue !== undefined) {
    wrapupOverdueMinutes = Number(wrapupValue);
    if (!/^\d+$/.test(wrapupValue) || wrapupOverdueMinutes < 1 || wrapupOverdueMinutes > MAX_WRAPUP_OVERDUE_MINUTES) {
      problems.push(
        `WRAPUP_OVERDUE_MINUTES must be a whole number of minutes from 1 to ${MAX_WRAPUP_OVERDUE_MINUTES} (empty for off)`,
      );
    }
  }

  // Unlike the other settings, present-but-empty is meaningful here: it turns the outcome off.
  const insightsOutcome =
    env.INSIGHTS_OUTCOME === undefined ? DEFAULT_INSIGHTS_OUTCOME : (valueOf(env, 'INSIGHTS_OUTCOME') ?? null);

  let apiBaseUrl: string | null = null;
  const baseUrlValue = valueOf(env, 'TWILIO_API_BASE_URL');
  if (baseUrlValue !== undefined) {
    apiBaseUrl = parseBaseUrl(baseUrlValue);
    if (apiBaseUrl === null) {
      problems.push('TWILIO_API_BASE_URL must be an http(s) URL without query, fragment or credentials');
    }
  }

  let proxyUrl: string | null = null;
  const proxyVariable = PROXY_VARIABLES.find((name) => valueOf(env, name) !== undefined);
  if (proxyVariable !== undefined) {
    proxyUrl = parseProxyUrl(valueOf(env, proxyVariable) as string);
    if (proxyUrl === null) problems.push(`${proxyVariable} must be an http(s) URL of a proxy, e.g. http://proxy:3128`);
  }

  let accountConcurrencyLimit = DEFAULT_ACCOUNT_CONCURRENCY_LIMIT;
  const limitValue = valueOf(env, 'TWILIO_ACCOUNT_CONCURRENCY_LIMIT');
  if (limitValue !== undefined) {
    accountConcurrencyLimit = Number(limitValue);
    if (
      !/^\d+$/.test(limitValue) ||
      accountConcurrencyLimit < 1 ||
      accountConcurrencyLimit > MAX_ACCOUNT_CONCURRENCY_LIMIT
    ) {
      problems.push(
        `TWILIO_ACCOUNT_CONCURRENCY_LIMIT must be a whole number of requests from 1 to ${MAX_ACCOUNT_CONCURRENCY_LIMIT}`,
      );
      accountConcurrencyLimit = NaN;
    }
  }

  let concurrencyHeadroom = DEFAULT_CONCURRENCY_HEADROOM;
  const headroomValue = valueOf(env, 'TWILIO_CONCURRENCY_HEADROOM');
  if (headroomValue !== undefined) {
    concurrencyHeadroom = Number(headroomValue);
    if (!/^\d+$/.test(headroomValue)) {
      problems.push('TWILIO_CONCURRENCY_HEADROOM must be a whole number of requests (0 or more)');
    }
  }
  if (
    Number.isInteger(concurrencyHeadroom) &&
    Number.isInteger(accountConcurrencyLimit) &&
    concurrencyHeadroom >= accountConcurrencyLimit
  ) {
    problems.push(
      `TWILIO_CONCURRENCY_HEADROOM (${concurrencyHeadroom}) must be below TWILIO_ACCOUNT_CONCURRENCY_LIMIT (${accountConcurrencyLimit})`,
    );
  }

  let maxConcurrentRequests: number | null = null;
  const maxValue = valueOf(env, 'TWILIO_MAX_CONCURRENT_REQUESTS');
  if (maxValue !== undefined) {
    maxConcurrentRequests = Number(maxValue);
    if (!/^\d+$/.test(maxValue) || maxConcurrentRequests < 1) {
      problems.push(
        'TWILIO_MAX_CONCURRENT_REQUESTS must be a whole number of requests, at least 1 (empty for the default)',
      );
    } else if (Number.isInteger(accountConcurrencyLimit) && maxConcurrentRequests > accountConcurrencyLimit) {
      problems.push(
        `TWILIO_MAX_CONCURRENT_REQUESTS (${maxConcurrentRequests}) must not exceed TWILIO_ACCOUNT_CONCURRENCY_LIMIT (${accountConcurrencyLimit})`,
      );
    }
  }

  let messaging = true;
  const messagingValue = valueOf(env, 'MESSAGING');
  if (messagingValue !== undefined) {
    const lowered = messagingValue.toLowerCase();
    if (lowered === 'on') messaging = true;
    else if (lowered === 'off') messaging = false;
    else problems.push('MESSAGING must be on or off');
  }

  if (problems.length > 0) throw new SettingsError(problems);
  return {
    accountSid: accountSid as string,
    authToken: authToken as string,
    workspaceSid: workspaceSid as string,
    allowedRoles,
    graceSeconds,
    closeReason,
    excludedTaskQueues,
    apiBaseUrl,
    proxyUrl,
    wrapupOverdueMinutes,
    insightsOutcome,
    accountConcurrencyLimit,
    concurrencyHeadroom,
    maxConcurrentRequests,
    messaging,
  };
}

/**
 * The fixed cap of a gateway's requests in flight: the one asked for (`--concurrency`), else
 * `TWILIO_MAX_CONCURRENT_REQUESTS`, else the account limit. By default the adaptive window binds, not
 * the cap: it keeps the account's total as Twilio counts it (`Twilio-Concurrent-Requests`) at the
 * limit − headroom. The gateway's own count runs a little above Twilio's, since an answer Twilio has
 * sent still holds its slot until the client has read it; a cap at limit − headroom held the account
 * about 8 % below its target (the load bench's trace). Without the header the gateway falls back to
 * min(cap, limit − headroom), never the whole account.
 */
export function fixedConcurrencyCap(
  settings: Pick<Settings, 'accountConcurrencyLimit' | 'maxConcurrentRequests'>,
  asked?: number,
): number {
  if (asked !== undefined) return asked;
  if (settings.maxConcurrentRequests != null) return settings.maxConcurrentRequests;
  return settings.accountConcurrencyLimit ?? DEFAULT_ACCOUNT_CONCURRENCY_LIMIT;
}
