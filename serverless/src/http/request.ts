import { badRequest, unauthorized } from './errors';

/** Bodies are a token plus at most 50 SIDs: anything near this size is not a real request. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Flex tokens are JWTs of one to two kilobytes; a longer one is not worth a call to Twilio. */
export const MAX_TOKEN_LENGTH = 8 * 1024;

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const ACCEPTED_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'application/json'];

/** What the Runtime hands a handler, split into the caller's parameters and the request headers. */
export interface IncomingRequest {
  /** Body (form-urlencoded or JSON) and query parameters, as the Runtime parsed them. */
  fields: Record<string, unknown>;
  /** Lower-case header names; the Runtime drops some proxy headers. */
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The Runtime merges query and body parameters into `event` and adds a `request` object with the
 * headers and cookies; a caller's own `request` parameter would overwrite it, which is why only an
 * object of the Runtime's shape is taken for headers.
 */
export function readIncomingRequest(event: Record<string, unknown>): IncomingRequest {
  const { request, ...fields } = event;
  if (isRuntimeRequest(request)) {
    return { fields, headers: request.headers };
  }
  return { fields: request === undefined ? fields : { ...fields, request }, headers: {} };
}

function isRuntimeRequest(value: unknown): value is { headers: Record<string, string | string[] | undefined> } {
  if (typeof value !== 'object' || value === null) return false;
  const headers = (value as { headers?: unknown }).headers;
  return typeof headers === 'object' && headers !== null && !Array.isArray(headers);
}

function headerValue(headers: IncomingRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Rejects bodies the Runtime could not turn into parameters (any content type but form or JSON) and
 * bodies far larger than any real request. Without a body there is nothing to check: the missing
 * Token is reported next.
 */
export function checkBody(request: IncomingRequest): void {
  const declaredLength = Number(headerValue(request.headers, 'content-length') ?? '0');
  const contentType = headerValue(request.headers, 'content-type');
  if (declaredLength > MAX_BODY_BYTES || approximateSize(request.fields) > MAX_BODY_BYTES) {
    throw badRequest(`The request body is too large: at most ${MAX_BODY_BYTES} bytes are accepted.`);
  }
  if (contentType === undefined) return;
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  if (!ACCEPTED_CONTENT_TYPES.includes(mediaType) && (declaredLength > 0 || Object.keys(request.fields).length > 0)) {
    throw badRequest(
      `Unsupported Content-Type ${quote(mediaType)}: send application/x-www-form-urlencoded or application/json.`,
    );
  }
}

function approximateSize(fields: Record<string, unknown>): number {
  try {
    return JSON.stringify(fields).length;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** The Flex token, or 401 without asking Twilio when it cannot possibly be one. */
export function readToken(fields: Record<string, unknown>): string {
  const token = fields.Token;
  if (token === undefined || token === null || token === '') {
    throw unauthorized('Missing Token: send the Flex token in the Token parameter.');
  }
  if (typeof token !== 'string') {
    throw unauthorized('Invalid Token: it must be a string.');
  }
  if (token.length > MAX_TOKEN_LENGTH) {
    throw unauthorized(`Invalid Token: longer than ${MAX_TOKEN_LENGTH} characters.`);
  }
  if (!JWT_SHAPE.test(token)) {
    throw unauthorized('Invalid Token: a Flex token is a JWT (three base64url parts separated by dots).');
  }
  return token;
}

/**
 * Shows a caller's value in an error message: strings quoted, other values as JSON, shortened so a
 * huge input is not echoed back.
 */
export function quote(value: unknown, max = 40): string {
  const shorten = (text: string): string => (text.length > max ? `${text.slice(0, max)}…` : text);
  if (typeof value === 'string') return JSON.stringify(shorten(value));
  return shorten(JSON.stringify(value) ?? String(value));
}
