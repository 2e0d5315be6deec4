import { createHmac, randomBytes, timingSafeEqual } from 'crypto';

/** A Flex user as the sandbox knows them. */
export interface TokenUser {
  /** Flex identity (escaped form, e.g. `admin_40sandbox_2Eexample`). */
  identity: string;
  roles: string[];
  workerSid?: string;
  /** The login name; defaults to the identity. */
  realmUserId?: string;
  /** Lifetime; default one hour. Zero or negative issues an already expired token. */
  ttlSeconds?: number;
}

/** What Twilio's `POST /v1/Accounts/{AC}/Tokens/validate` answers (HTTP 200 in every case). */
export interface TokenValidationResult {
  valid: boolean;
  code: number;
  message: string | null;
  expiration: string | null;
  realm_user_id: string | null;
  identity: string | null;
  roles: string[] | null;
  worker_sid: string | null;
}

export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

/** Twilio's access-token error codes: malformed/forged, and expired. */
export const TOKEN_INVALID_CODE = 20101;
export const TOKEN_EXPIRED_CODE = 20104;

interface TokenClaims {
  jti: string;
  iss: string;
  sub: string;
  iat: number;
  exp: number;
  grants: { flex: { identity: string; roles: string[]; worker_sid: string | null; realm_user_id: string } };
}

/**
 * Sandbox Flex tokens are HS256 JWTs signed with a key derived from the auth token, so that they
 * survive a simulator restart with the same credentials but cannot be made up by a client.
 */
export function issueFlexToken(authToken: string, accountSid: string, user: TokenUser, nowMs: number): string {
  if (!user.identity) throw new Error('issueToken: identity is required');
  if (!Array.isArray(user.roles)) throw new Error('issueToken: roles must be an array');
  const iat = Math.floor(nowMs / 1000);
  const claims: TokenClaims = {
    jti: `${accountSid}-${randomBytes(8).toString('hex')}`,
    iss: accountSid,
    sub: accountSid,
    iat,
    exp: iat + (user.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS),
    grants: {
      flex: {
        identity: user.identity,
        roles: [...user.roles],
        worker_sid: user.workerSid ?? null,
        realm_user_id: user.realmUserId ?? user.identity,
      },
    },
  };
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' }));
  const payload = base64url(JSON.stringify(claims));
  return `${header}.${payload}.${sign(authToken, `${header}.${payload}`)}`;
}

export function validateFlexToken(
  authToken: string,
  accountSid: string,
  token: unknown,
  nowMs: number,
): TokenValidationResult {
  const claims = typeof token === 'string' ? readClaims(authToken, token) : null;
  if (!claims || claims.iss !== accountSid) return invalid(TOKEN_INVALID_CODE, 'Invalid Access Token');
  if (claims.exp * 1000 <= nowMs) {
    return invalid(TOKEN_EXPIRED_CODE, 'Access Token expired or expiration date invalid');
  }
  const flex = claims.grants.flex;
  return {
    valid: true,
    code: 0,
    message: null,
    expiration: new Date(claims.exp * 1000).toISOString(),
    realm_user_id: flex.realm_user_id,
    identity: flex.identity,
    roles: flex.roles,
    worker_sid: flex.worker_sid,
  };
}

function readClaims(authToken: string, token: string): TokenClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const expected = Buffer.from(sign(authToken, `${parts[0]}.${parts[1]}`));
  const given = Buffer.from(parts[2]);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as TokenClaims;
    if (typeof claims.exp !== 'number' || !claims.grants?.flex) return null;
    return claims;
  } catch {
    return null;
  }
}

function invalid(code: number, message: string): TokenValidationResult {
  return {
    valid: false,
    code,
    message,
    expiration: null,
    realm_user_id: null,
    identity: null,
    roles: null,
    worker_sid: null,
  };
}

function sign(authToken: string, data: string): string {
  const key = createHmac('sha256', authToken).update('sandbox-flex-token').digest();
  return createHmac('sha256', key).update(data).digest('base64url');
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
