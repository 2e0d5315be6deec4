import { AsyncLocalStorage } from 'node:async_hooks';
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { validator } from 'twilio-flex-token-validator';
import type { Settings } from '../settings';
import { SettingsError } from '../settings';
import { forbidden, unauthorized, upstream } from '../http/errors';

/** Who called, as Twilio vouched for it. */
export interface FlexCaller {
  identity: string;
  roles: string[];
  workerSid: string | null;
}

/** Token validation gets this long, retries included, so the endpoint still answers inside 10 s. */
export const TOKEN_VALIDATION_BUDGET_MS = 3000;
/** One request to Twilio may take this long before it is given up and tried again. */
export const TOKEN_VALIDATION_ATTEMPT_MS = 2000;

/** Time as token validation sees it; tests inject a virtual one. */
export interface ValidationClock {
  now(): number;
  /** Resolves after `ms`; never, once `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: ValidationClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => clearTimeout(timer), { once: true });
    }),
};

export interface ValidationOptions {
  /** Everything (attempts and waits between them) ends this long after the start. */
  budgetMs?: number;
  /** Longest single attempt. */
  attemptMs?: number;
  clock?: ValidationClock;
  /** 0..1, spreads the waits between attempts. */
  random?: () => number;
}

/** What Twilio's `Tokens/validate` answers (snake_case as on the wire). */
export interface TokenValidationResult {
  valid?: unknown;
  message?: unknown;
  identity?: unknown;
  roles?: unknown;
  worker_sid?: unknown;
}

/**
 * How one attempt ended. Only `verdict` is Twilio judging the token; everything else is about
 * reaching Twilio and says nothing about the token.
 */
export type AttemptOutcome =
  /** Twilio answered whether the token is valid (valid or not). */
  | { kind: 'verdict'; result: TokenValidationResult }
  /** Twilio could not be reached, or answered 429/5xx: worth another attempt. */
  | { kind: 'unreachable'; reason: string }
  /** Twilio refused the service's own credentials (401/403): the service is misconfigured. */
  | { kind: 'refused'; reason: string }
  /** An answer that is none of the above. */
  | { kind: 'unexpected'; reason: string };

/** One request to Twilio; `signal` aborts when the attempt is given up. */
export type Attempt = (signal: AbortSignal) => Promise<AttemptOutcome>;

/**
 * Asks Twilio whether `token` is a valid Flex token of this account and returns who it belongs to.
 * Only Twilio's verdict that the token is invalid or expired gives 401 `unauthorized`. Twilio
 * unreachable, too slow, or answering 429/5xx is retried within the budget, then 502 `upstream`;
 * Twilio refusing the service's own credentials is a SettingsError (500 `internal`, details logged).
 *
 * Against real Twilio the request is made by the unmodified `twilio-flex-token-validator`. With
 * `TWILIO_API_BASE_URL` set (sandbox and tests) the validator cannot be pointed elsewhere (its host
 * is fixed), so the same request — POST `/v1/Accounts/{AccountSid}/Tokens/validate` with Basic auth
 * and `{"token"}` — goes to that base URL instead, and its answer is read the same way.
 */
export async function validateFlexToken(
  token: string,
  settings: Settings,
  options: ValidationOptions = {},
): Promise<FlexCaller> {
  const attempt: Attempt =
    settings.apiBaseUrl === null
      ? (signal) => attemptWithTwilioValidator(token, settings, signal)
      : (signal) => attemptWithBaseUrl(settings.apiBaseUrl as string, token, settings, signal);
  return callerFrom(await withinBudget(attempt, options));
}

/** 403 `forbidden` unless the caller holds one of the allowed roles. */
export function authorise(caller: FlexCaller, allowedRoles: readonly string[]): void {
  if (!caller.roles.some((role) => allowedRoles.includes(role))) {
    const held = caller.roles.length > 0 ? caller.roles.join(', ') : 'none';
    throw forbidden(`This needs one of the roles ${allowedRoles.join(', ')}; the token has: ${held}.`);
  }
}

/**
 * Runs `attempt` until Twilio gives a verdict, retrying what says nothing about the token (with
 * growing, jittered waits) while the budget lasts. An attempt still running when its time is up is
 * abandoned (its answer, if any, is ignored).
 */
export async function withinBudget(attempt: Attempt, options: ValidationOptions = {}): Promise<TokenValidationResult> {
  const budgetMs = options.budgetMs ?? TOKEN_VALIDATION_BUDGET_MS;
  const attemptMs = options.attemptMs ?? TOKEN_VALIDATION_ATTEMPT_MS;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const startedAt = clock.now();
  const left = (): number => budgetMs - (clock.now() - startedAt);
  let lastReason = 'no attempt was made';
  for (let attemptNumber = 0; left() > 0; attemptNumber += 1) {
    const abandon = new AbortController();
    const attemptLimitMs = Math.min(attemptMs, left());
    const outcome = await Promise.race([
      attempt(abandon.signal),
      clock.sleep(attemptLimitMs, abandon.signal).then((): AttemptOutcome => ({
        kind: 'unreachable',
        reason: `Twilio did not answer within ${attemptLimitMs} ms`,
      })),
    ]);
    abandon.abort();
    if (outcome.kind === 'verdict') return outcome.result;
    if (outcome.kind === 'refused') {
      // Answered as any misconfiguration: 500 `internal`, the reason in the Function log only.
      throw new SettingsError([`Twilio refused ACCOUNT_SID/AUTH_TOKEN when validating a token (${outcome.reason})`]);
    }
    if (outcome.kind === 'unexpected') {
      throw upstream(`Could not validate the token: Twilio answered unexpectedly (${outcome.reason}).`);
    }
    lastReason = outcome.reason;
    const wait = Math.min(800, 100 * 2 ** attemptNumber) * (0.5 + random() / 2);
    if (wait >= left()) break;
    await clock.sleep(wait);
  }
  throw upstream(
    `Could not validate the token: Twilio could not be reached within ${budgetMs} ms (last attempt: ${lastReason}). ` +
      'Try again shortly.',
  );
}

// ---- production: the unmodified twilio-flex-token-validator --------------------------------------

/**
 * The validator rejects with a bare string both when Twilio judged the token ("Invalid Access
 * Token") and when it never heard Twilio ("getaddrinfo ENOTFOUND iam.twilio.com"), and it reads a
 * 429's or a 5xx's JSON `message` as if it were a verdict. So the HTTP exchange it makes is watched
 * through Node's http client diagnostics channel, scoped to this call by AsyncLocalStorage: the
 * status Twilio answered and any socket error say which case it was, never the wording.
 */
interface Exchange {
  request: ClientRequest | null;
  status: number | null;
  /** The answer's body (bounded), read alongside the validator. */
  body: string;
  error: NodeJS.ErrnoException | null;
}

const MAX_OBSERVED_BODY = 64 * 1024;

const exchangeOfThisCall = new AsyncLocalStorage<Exchange>();
let watchingHttpClient = false;

function watchHttpClient(): void {
  if (watchingHttpClient) return;
  watchingHttpClient = true;
  diagnostics.subscribe('http.client.request.start', (message) => {
    const exchange = exchangeOfThisCall.getStore();
    if (!exchange || exchange.request !== null) return;
    const { request } = message as { request: ClientRequest };
    exchange.request = request;
    request.once('response', (response: IncomingMessage) => {
      exchange.status = response.statusCode ?? null;
      response.on('data', (chunk: Buffer | string) => {
        if (exchange.body.length < MAX_OBSERVED_BODY) exchange.body += chunk.toString();
      });
    });
    request.once('error', (error: NodeJS.ErrnoException) => {
      exchange.error = error;
    });
  });
}

/** The validator's own checks before it sends anything ("Unauthorized: Token was not provided"). */
const VALIDATOR_INPUT_REJECTION = /^Unauthorized: /;

export async function attemptWithTwilioValidator(
  token: string,
  settings: Settings,
  signal: AbortSignal,
): Promise<AttemptOutcome> {
  watchHttpClient();
  const exchange: Exchange = { request: null, status: null, body: '', error: null };
  // An attempt given up for being too slow must not keep its socket.
  const giveUp = (): void => {
    exchange.request?.destroy();
  };
  signal.addEventListener('abort', giveUp, { once: true });
  try {
    const result = await exchangeOfThisCall.run(exchange, () =>
      validator(token, settings.accountSid, settings.authToken),
    );
    return { kind: 'verdict', result: result as TokenValidationResult };
  } catch (reason) {
    return classifyRejection(describe(reason), exchange);
  } finally {
    signal.removeEventListener('abort', giveUp);
  }
}

function classifyRejection(message: string, exchange: Exchange): AttemptOutcome {
  if (exchange.request === null) {
    if (VALIDATOR_INPUT_REJECTION.test(message)) return { kind: 'verdict', result: { valid: false, message } };
    return { kind: 'unexpected', reason: `the validator failed before sending a request: ${message}` };
  }
  if (exchange.error !== null || exchange.status === null) {
    const code = exchange.error?.code ? ` (${exchange.error.code})` : '';
    return { kind: 'unreachable', reason: `${message}${code}` };
  }
  return outcomeOfStatus(exchange.status, message, () => verdictIn(exchange.body));
}

/** A Tokens/validate answer (it carries `valid`), or null for anything else. */
function verdictIn(text: string): TokenValidationResult | null {
  try {
    const body: unknown = JSON.parse(text);
    return body !== null && typeof body === 'object' && 'valid' in body ? (body as TokenValidationResult) : null;
  } catch {
    return null;
  }
}

/** Shared by both paths: what an HTTP status from Tokens/validate means. */
function outcomeOfStatus(status: number, message: string, verdict: () => TokenValidationResult | null): AttemptOutcome {
  if (status === 429 || status >= 500) return { kind: 'unreachable', reason: `HTTP ${status} ${message}`.trim() };
  if (status === 401 || status === 403) return { kind: 'refused', reason: `HTTP ${status} ${message}`.trim() };
  if (status >= 200 && status < 300) {
    const result = verdict();
    if (result !== null) return { kind: 'verdict', result };
  }
  return { kind: 'unexpected', reason: `HTTP ${status} ${message}`.trim() };
}

// ---- sandbox and tests: the same request to TWILIO_API_BASE_URL -----------------------------------

export async function attemptWithBaseUrl(
  apiBaseUrl: string,
  token: string,
  settings: Settings,
  signal: AbortSignal,
): Promise<AttemptOutcome> {
  const url = `${apiBaseUrl.replace(/\/+$/, '')}/v1/Accounts/${settings.accountSid}/Tokens/validate`;
  const authorization = `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}`;
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { Authorization: authorization, 'Cache-Control': 'no-cache', 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
      signal,
    });
    text = await response.text();
  } catch (error) {
    const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
    return { kind: 'unreachable', reason: `${describe(error)}${cause?.code ? ` (${cause.code})` : ''}` };
  }
  return outcomeOfStatus(response.status, messageIn(text), () => verdictIn(text));
}

/** Twilio's error `message`, if the text is a Twilio error body. */
function messageIn(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown } | null;
    return typeof body?.message === 'string' ? describe(body.message) : '';
  } catch {
    return '';
  }
}

function callerFrom(result: TokenValidationResult): FlexCaller {
  if (result.valid !== true) {
    throw unauthorized(`Invalid Token: ${describe(result.message ?? 'Twilio did not accept it.')}`);
  }
  if (typeof result.identity !== 'string' || result.identity === '') {
    throw unauthorized('Invalid Token: it carries no identity.');
  }
  const roles = Array.isArray(result.roles)
    ? result.roles.filter((role): role is string => typeof role === 'string')
    : [];
  return {
    identity: result.identity,
    roles,
    workerSid: typeof result.worker_sid === 'string' ? result.worker_sid : null,
  };
}

function describe(reason: unknown): string {
  const text = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : JSON.stringify(reason);
  const oneLine = String(text).replace(/\s+/g, ' ').trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}
