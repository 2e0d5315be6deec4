import { parseParams, readBody } from '../http';
import { badRequest } from '../twilio-errors';
import type { ApiAnswer, ApiRequest } from './request';

/** POST /v1/Accounts/{AC}/Tokens/validate, as twilio-flex-token-validator sends it: always 200. */
export async function validateToken(request: ApiRequest): Promise<ApiAnswer> {
  const { core, req } = request;
  const raw = await readBody(req);
  let token: unknown;
  try {
    token = parseParams(raw, req.headers['content-type'] ?? 'application/json').token;
  } catch {
    throw badRequest('Request body must be JSON like {"token": "…"}');
  }
  return { status: 200, body: core.validateToken(token) };
}
