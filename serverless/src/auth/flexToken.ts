import pRetry, { AbortError } from 'p-retry';
import { validator } from 'twilio-flex-token-validator';
import type { Settings } from '../settings';
import { forbidden, unauthorized, upstream } from '../http/errors';

/** Who called, as Twilio vouched for it. */
export interface FlexCaller {
  identity: string;
  roles: string[];
  workerSid: string | null;
}

/** Token validation gets this long, retries included, so the endpoint still answers inside 10 s. */
export const TOKEN_VALIDATION_TIMEOUT_MS = 3000;

/** What Twilio's `Tokens/validate` answers (snake_case as on the wire). */
interface TokenValidationResult {
  valid?: unknown;
  message?: unknown;
  identity?: unknown;
  roles?: unknown;
  worker_sid?: unknown;
}

/**
 * Asks Twilio whether `token` is a valid Flex token of this account and returns who it belongs to.
 * Missing, invalid or expired token: 401 `unauthorized`; Twilio not answering: 502 `upstream`.
 *
 * Against real Twilio this is the unmodified `twilio-flex-token-validator`. With
 * `TWILIO_API_BASE_URL` set (sandbox and tests) the validator cannot be pointed elsewhere (its host
 * is fixed), so the same request — POST `/v1/Accounts/{AccountSid}/Tokens/validate` with Basic auth
 * and `{"token"}` — goes to that base URL instead, and its answer is read the same way.
 */
export async function validateFlexToken(
  token: string,
  settings: Settings,
  timeoutMs = TOKEN_VALIDATION_TIMEOUT_MS,
): Promise<FlexCaller> {
  const result =
    settings.apiBaseUrl === null
      ? await withTwilioValidator(token, settings, timeoutMs)
      : await withBaseUrl(settings.apiBaseUrl, token, settings, timeoutMs);
  return callerFrom(result);
}

/** 403 `forbidden` unless the caller holds one of the allowed roles. */
export function authorise(caller: FlexCaller, allowedRoles: readonly string[]): void {
  if (!caller.roles.some((role) => allowedRoles.includes(role))) {
    const held = caller.roles.length > 0 ? caller.roles.join(', ') : 'none';
    throw forbidden(`This needs one of the roles ${allowedRoles.join(', ')}; the token has: ${held}.`);
  }
}

async function withTwilioValidator(
  token: string,
  settings: Settings,
  timeoutMs: number,
): Promise<TokenValidationResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(upstream(`Twilio did not validate the token within ${timeoutMs} ms.`)), timeoutMs);
  });
  try {
    return (await Promise.race([
      validator(token, settings.accountSid, settings.authToken).catch((reason: unknown) => {
        // The validator rejects with Twilio's message (a string) for any token it does not accept.
        throw unauthorized(`Invalid Token: ${describe(reason)}`);
      }),
      timeout,
    ])) as TokenValidationResult;
  } finally {
    clearTimeout(timer);
  }
}

async function withBaseUrl(
  apiBaseUrl: string,
  token: string,
  settings: Settings,
  timeoutMs: number,
): Promise<TokenValidationResult> {
  const url = `${apiBaseUrl.replace(/\/+$/, '')}/v1/Accounts/${settings.accountSid}/Tokens/validate`;
  const body = JSON.stringify({ token });
  const authorization = `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}`;
  const signal = AbortSignal.timeout(timeoutMs);

  const attempt = async (): Promise<TokenValidationResult> => {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { Authorization: authorization, 'Cache-Control': 'no-cache', 'Content-Type': 'application/json' },
        body,
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw new AbortError(upstream(`Twilio did not validate the token within ${timeoutMs} ms.`));
      throw upstream(`Token validation request failed: ${describe(error)}`);
    }
    const text = await response.text();
    // Rate limits and server errors say nothing about the token: try again (the validator would not).
    if (response.status === 429 || response.status >= 500) {
      throw upstream(`Twilio answered the token validation with HTTP ${response.status}.`);
    }
    try {
      return JSON.parse(text) as TokenValidationResult;
    } catch {
      throw new AbortError(upstream(`Twilio answered the token validation with something that is not JSON.`));
    }
  };

  try {
    return await pRetry(attempt, { retries: 3, minTimeout: 100, maxTimeout: 400, randomize: true });
  } catch (error) {
    if (signal.aborted) throw upstream(`Twilio did not validate the token within ${timeoutMs} ms.`);
    throw error;
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
