import { badRequest, unauthorized } from './errors';

/** Bodies are a token plus at most 50 SIDs (about 4 KB): anything near this size is not a real request. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Flex tokens are JWTs of one to two kilobytes; a longer one is not worth a call to Twilio. */
export const MAX_TOKEN_LENGTH = 8 * 1024;

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const ACCEPTED_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'application/json'];

/**
 * Levels of objects and arrays accepted: the parameters need two (the parameter object, then the
 * `TaskSids` array), one more is spare. Deeper input is refused before anything walks it recursively
 * (a walk of thousands of levels overflows the stack).
 */
export const MAX_NESTING_DEPTH = 3;

/** Values (strings, numbers, array items, objects…) a request may carry: 50 SIDs and a few others. */
export const MAX_VALUES = 200;

/** What the Runtime hands a handler, split into the caller's parameters and the request headers. */
export interface IncomingRequest {
  /** Body (form-urlencoded or JSON) and query parameters, as the Runtime parsed and merged them. */
  fields: Record<string, unknown>;
  /** Lower-case header names; the Runtime drops some proxy headers (Transfer-Encoding among them). */
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The Runtime builds `event` as `{ request: { headers, cookies }, ...query, ...body }` (read in
 * @twilio/runtime-handler's dev runtime, which twilio-run uses): a caller's own `request` parameter,
 * in the URL or a JSON body, replaces the Runtime's object whole. Only an object of the Runtime's
 * shape (header values are strings, or arrays of strings for repeated headers) is taken for the
 * headers; anything else stays a parameter, which `checkBody` refuses by name. A forgery of the
 * right shape cannot be told apart from the Runtime's own object (see `checkBody`).
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
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return false;
  return Object.values(headers).every(
    (header) =>
      typeof header === 'string' || (Array.isArray(header) && header.every((item) => typeof item === 'string')),
  );
}

function headerValue(headers: IncomingRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Messages of the 400s `checkBody` answers, each naming what to send instead (documented in the README). */
export const BODY_PROBLEMS = {
  noBody:
    'The request has no body: send the parameters in the body of a POST, form-urlencoded or JSON, with a ' +
    'Content-Length. Parameters in the URL are never used.',
  compressed: 'Compressed request bodies are not accepted: send the body uncompressed.',
  tooLarge: `The request body is too large: at most ${MAX_BODY_BYTES} bytes are accepted.`,
  noContentType: 'The request body has no Content-Type: send application/x-www-form-urlencoded or application/json.',
  tooDeep: `The request body is nested too deeply: at most ${MAX_NESTING_DEPTH} levels are accepted.`,
  tooManyValues: `The request body carries too many values: at most ${MAX_VALUES} are accepted.`,
  urlParameters:
    'Parameters in the URL are not accepted: send every parameter in the body (a token in a URL ends up in logs).',
} as const;

/**
 * Accepts only a request whose parameters all came in a form or JSON body, before the token is
 * looked at. The Runtime never says which parameters came from the URL (it merges the query string
 * into `event`) nor which method was used, so the body is judged from the request's own headers:
 * - no Content-Length, or 0: no body (a GET, or a POST with everything in the URL) → 400;
 * - Content-Encoding other than identity, a body over MAX_BODY_BYTES, or a type other than form or
 *   JSON → 400;
 * - more nesting or values than any real request has → 400, checked without recursion;
 * - parameters that cannot fit in the declared body length (the shortest encoding of what arrived is
 *   longer than the body) came from the URL → 400.
 * Two deliberate evasions cannot be caught here, locally or deployed, because the Runtime hands a
 * handler only the merged, shallow-spread parameters: a JSON body padded with white space to make
 * room for URL parameters, and a `request[headers][…]` forged in the URL (it replaces the Runtime's
 * headers, so a GET can claim a body). Either caller still needs a valid token and gains nothing a
 * body would not give; the point is that no careless client ever acts through a URL.
 */
export function checkBody(request: IncomingRequest): void {
  if (Object.prototype.hasOwnProperty.call(request.fields, 'request')) {
    // A caller's `request` parameter replaced the Runtime's headers: nothing below can be judged.
    throw badRequest('Unknown parameter "request": the name is reserved by the Runtime.');
  }
  const encoding = headerValue(request.headers, 'content-encoding')?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    throw badRequest(BODY_PROBLEMS.compressed);
  }
  const lengthHeader = headerValue(request.headers, 'content-length')?.trim();
  const declaredLength = lengthHeader !== undefined && /^\d{1,15}$/.test(lengthHeader) ? Number(lengthHeader) : 0;
  if (declaredLength === 0) throw badRequest(BODY_PROBLEMS.noBody);
  if (declaredLength > MAX_BODY_BYTES) throw badRequest(BODY_PROBLEMS.tooLarge);

  const contentType = headerValue(request.headers, 'content-type');
  if (contentType === undefined || contentType.trim() === '') throw badRequest(BODY_PROBLEMS.noContentType);
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  if (!ACCEPTED_CONTENT_TYPES.includes(mediaType)) {
    throw badRequest(
      `Unsupported Content-Type ${quote(mediaType)}: send application/x-www-form-urlencoded or application/json.`,
    );
  }

  checkShape(request.fields);
  const shortest =
    mediaType === 'application/json' ? shortestJsonBody(request.fields) : shortestFormBody(request.fields);
  if (shortest > declaredLength) throw badRequest(BODY_PROBLEMS.urlParameters);
}

/** Depth and value count of the parameters, walked with an explicit stack. */
function checkShape(fields: Record<string, unknown>): void {
  const stack: { value: unknown; depth: number }[] = [{ value: fields, depth: 1 }];
  let values = 0;
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_NESTING_DEPTH) throw badRequest(BODY_PROBLEMS.tooDeep);
    const children = Array.isArray(value) ? value : Object.values(value);
    values += children.length;
    if (values > MAX_VALUES) throw badRequest(BODY_PROBLEMS.tooManyValues);
    for (const child of children) stack.push({ value: child, depth: depth + 1 });
  }
}

/**
 * Fewest bytes a text can take in a body: its UTF-8 bytes, with U+FFFD counted as one (an invalid
 * byte in the body decodes to it).
 */
function fewestBytes(text: string): number {
  let replacements = 0;
  for (const char of text) if (char === '\uFFFD') replacements += 1;
  return Buffer.byteLength(text, 'utf8') - 2 * replacements;
}

/**
 * Shortest form body that decodes to `fields`: `key=value` pairs joined by `&` (repeated keys for
 * arrays). A form body only yields strings: anything else came from the URL (the query string's
 * parser builds objects), so it cannot fit.
 */
export function shortestFormBody(fields: Record<string, unknown>): number {
  let bytes = 0;
  let pairs = 0;
  for (const [key, value] of Object.entries(fields)) {
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (typeof item !== 'string') return Number.POSITIVE_INFINITY;
      bytes += fewestBytes(key) + (item === '' ? 0 : 1 + fewestBytes(item));
      pairs += 1;
    }
  }
  return bytes + Math.max(0, pairs - 1);
}

/**
 * Shortest JSON text that parses to `value` (numbers count one byte: `1e9` is short). A body that
 * was a JSON array reaches the handler spread into an object with keys 0, 1, …: counted as the array.
 */
export function shortestJsonBody(value: unknown): number {
  const stack: unknown[] = [value];
  let bytes = 0;
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') bytes += shortestJsonString(item);
    else if (typeof item === 'number' || typeof item === 'bigint') bytes += 1;
    else if (typeof item === 'boolean') bytes += item ? 4 : 5;
    else if (item === null || item === undefined) bytes += 4;
    else if (Array.isArray(item) || isSpreadArray(item as Record<string, unknown>)) {
      const items = Object.values(item as object);
      bytes += 2 + Math.max(0, items.length - 1);
      stack.push(...items);
    } else {
      const entries = Object.entries(item as Record<string, unknown>);
      bytes += 2 + Math.max(0, entries.length - 1);
      for (const [key, child] of entries) {
        bytes += shortestJsonString(key) + 1;
        stack.push(child);
      }
    }
  }
  return bytes;
}

function isSpreadArray(object: Record<string, unknown>): boolean {
  const keys = Object.keys(object);
  return keys.length > 0 && keys.every((key, index) => key === String(index));
}

function shortestJsonString(text: string): number {
  let escapes = 0;
  for (const char of text) {
    if (char === '"' || char === '\\' || '\b\f\n\r\t'.includes(char)) escapes += 1;
    else if (char < ' ') escapes += 5;
  }
  return 2 + fewestBytes(text) + escapes;
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
