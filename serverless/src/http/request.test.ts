import { ApiError } from './errors';
import type { IncomingRequest } from './request';
import {
  BODY_PROBLEMS,
  checkBody,
  MAX_BODY_BYTES,
  MAX_NESTING_DEPTH,
  MAX_TOKEN_LENGTH,
  MAX_VALUES,
  readIncomingRequest,
  readToken,
  shortestFormBody,
  shortestJsonBody,
} from './request';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

function apiErrorOf(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected an ApiError');
}

describe('readIncomingRequest', () => {
  it("separates the Runtime's request headers from the caller's parameters", () => {
    const request = readIncomingRequest({
      Token: JWT,
      request: { headers: { 'content-type': 'application/json' }, cookies: {} },
    });
    expect(request.fields).toEqual({ Token: JWT });
    expect(request.headers).toEqual({ 'content-type': 'application/json' });
  });

  it("keeps a caller's own `request` parameter as a parameter (then reported as unknown)", () => {
    expect(readIncomingRequest({ request: 'x' }).fields).toEqual({ request: 'x' });
  });

  it("takes only header values of the Runtime's shape (strings, or arrays of strings) for headers", () => {
    const repeated = { headers: { 'content-length': '10', accept: ['a', 'b'] }, cookies: {} };
    expect(readIncomingRequest({ Token: JWT, request: repeated }).headers).toEqual(repeated.headers);
    // `request[headers][content-length][x]=1` in a URL: the query string's parser builds an object.
    const forged = { headers: { 'content-length': { x: '1' } } };
    expect(readIncomingRequest({ Token: JWT, request: forged })).toEqual({
      fields: { Token: JWT, request: forged },
      headers: {},
    });
  });
});

describe('checkBody', () => {
  const withHeaders = (headers: Record<string, string>, fields: Record<string, unknown> = {}) => ({ fields, headers });
  /** What the Runtime hands over for a form body: the parsed fields and the body's real length. */
  const formRequest = (body: string, extraFields: Record<string, unknown> = {}) => {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(body)) {
      const previous = fields[key];
      fields[key] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
    }
    return withHeaders(
      { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) },
      { ...extraFields, ...fields },
    );
  };
  const jsonRequest = (body: string, extraFields: Record<string, unknown> = {}) =>
    withHeaders(
      { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) },
      { ...extraFields, ...(JSON.parse(body) as Record<string, unknown>) },
    );
  const SID = `WT${'a'.repeat(32)}`;
  const problem = (request: IncomingRequest) => apiErrorOf(() => checkBody(request));

  it('accepts form and JSON bodies, however they are encoded', () => {
    const bodies = [
      formRequest(new URLSearchParams({ Token: JWT, TaskSids: `${SID},${SID}` }).toString()),
      formRequest(`Token=${JWT}&TaskSids=${SID}&TaskSids=${SID}&Force=true`),
      formRequest(`Token=${encodeURIComponent(JWT).replace(/./g, (c) => `%${c.charCodeAt(0).toString(16)}`)}`),
      formRequest(
        new URLSearchParams({ Token: JWT, TaskSids: JSON.stringify([SID]), Note: 'é ü 😀 & = +' }).toString(),
      ),
      jsonRequest(JSON.stringify({ Token: JWT, TaskSids: [SID, SID], Force: true, PageToken: null })),
      jsonRequest(JSON.stringify({ Token: JWT, TaskSids: [SID] }, null, 2)),
      jsonRequest('{"Token":"\\u0061\\"\\n\\u0001é😀","N":1e9,"M":-0.5e-3}'),
      jsonRequest(JSON.stringify([JWT, SID])),
    ];
    for (const request of bodies) expect(() => checkBody(request)).not.toThrow();
  });

  it('never takes a real body for one with parameters from the URL (random bodies)', () => {
    const alphabet = ['a', 'Z', '0', '.', '-', ' ', '&', '=', '+', '%', '"', '\\', '\n', '\u0001', 'é', '€', '😀'];
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const text = () => Array.from({ length: random(12) }, () => alphabet[random(alphabet.length)]).join('');
    for (let round = 0; round < 300; round += 1) {
      const params: [string, string][] = Array.from({ length: 1 + random(5) }, () => [`K${text()}`, text()]);
      expect(() => checkBody(formRequest(new URLSearchParams(params).toString()))).not.toThrow();
      const object = Object.fromEntries(params.map(([key, value]) => [key, random(2) ? value : [value, random(9)]]));
      expect(() => checkBody(jsonRequest(JSON.stringify(object)))).not.toThrow();
    }
  });

  it.each([
    ['a GET with everything in the URL (no Content-Length)', { 'content-type': 'application/json' }],
    [
      'a POST with an empty body and everything in the URL',
      { 'content-type': 'application/json', 'content-length': '0' },
    ],
    ['no headers at all', {}],
    ['a chunked body (the Runtime hides Transfer-Encoding)', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['a Content-Length that is not a number', { 'content-type': 'application/json', 'content-length': '1e3' }],
  ])('refuses %s with a 400, whatever the parameters say', (_label, headers) => {
    const error = problem(withHeaders(headers, { Token: JWT, TaskSids: SID }));
    expect(error.status).toBe(400);
    expect(error.message).toBe(BODY_PROBLEMS.noBody);
  });

  it("refuses a caller's own request parameter, which hides the Runtime's headers", () => {
    const request = readIncomingRequest({ Token: JWT, request: 'x' });
    expect(problem(request).message).toMatch(/Unknown parameter "request"/);
  });

  it('refuses parameters that came from the URL next to a body', () => {
    const form = `Token=${JWT}`;
    expect(problem(formRequest(form, { TaskSids: SID })).message).toBe(BODY_PROBLEMS.urlParameters);
    expect(problem(formRequest(form, { Force: 'true' })).message).toBe(BODY_PROBLEMS.urlParameters);
    // The query string's parser builds objects; a form body never does.
    expect(problem(formRequest(form, { a: { b: '' } })).message).toBe(BODY_PROBLEMS.urlParameters);
    const json = JSON.stringify({ Token: JWT, TaskSids: [SID] });
    expect(problem(jsonRequest(json, { Force: 'true' })).message).toBe(BODY_PROBLEMS.urlParameters);
    // A URL parameter the body overrides is not used: nothing to refuse.
    expect(() => checkBody(jsonRequest(json, { TaskSids: `${SID},${SID}` }))).not.toThrow();
  });

  it("refuses a `request` from the URL that is not of the Runtime's shape, by name", () => {
    const forged = readIncomingRequest({ Token: JWT, request: { headers: { 'content-length': { x: '1' } } } });
    expect(problem(forged).message).toMatch(/Unknown parameter "request"/);
    expect(problem(readIncomingRequest({ Token: JWT, request: ['x'] })).message).toMatch(/Unknown parameter/);
  });

  // The two evasions the README documents as out of reach of a handler: the Runtime hands over only
  // the merged parameters. If these start to throw, the README's "Limit:" paragraph is out of date.
  it('cannot see through a JSON body padded to make room for URL parameters (documented limit)', () => {
    const json = JSON.stringify({ Token: JWT, TaskSids: [SID] });
    expect(problem(jsonRequest(json, { Force: 'true' })).message).toBe(BODY_PROBLEMS.urlParameters);
    expect(() => checkBody(jsonRequest(`${json}${' '.repeat(20)}`, { Force: 'true' }))).not.toThrow();
  });

  it("cannot tell a `request` of the Runtime's shape forged in the URL from the Runtime's (documented limit)", () => {
    const get = readIncomingRequest({ Token: JWT, request: { headers: { host: 'x' }, cookies: {} } });
    expect(problem(get).message).toBe(BODY_PROBLEMS.noBody);
    const forgedHeaders = { 'content-type': 'application/json', 'content-length': '2000' };
    const forgedGet = readIncomingRequest({ Token: JWT, TaskSids: SID, request: { headers: forgedHeaders } });
    expect(() => checkBody(forgedGet)).not.toThrow();
  });

  it('refuses nesting deeper than the parameters need, without overflowing the stack', () => {
    let deep: unknown = SID;
    for (let level = 0; level < 100_000; level += 1) deep = [deep];
    const error = problem(withHeaders({ 'content-type': 'application/json', 'content-length': '60000' }, { X: deep }));
    expect(error.message).toBe(BODY_PROBLEMS.tooDeep);
    expect(problem(jsonRequest(JSON.stringify({ Token: JWT, TaskSids: [[[SID]]] }))).message).toBe(
      BODY_PROBLEMS.tooDeep,
    );
    expect(() => checkBody(jsonRequest(JSON.stringify({ Token: JWT, TaskSids: [[SID]] })))).not.toThrow();
    expect(MAX_NESTING_DEPTH).toBe(3);
  });

  it('refuses more values than any real request carries', () => {
    const body = JSON.stringify({ Token: JWT, TaskSids: Array.from({ length: MAX_VALUES }, () => SID) });
    expect(problem(jsonRequest(body)).message).toBe(BODY_PROBLEMS.tooManyValues);
  });

  it('refuses compressed bodies', () => {
    const request = formRequest(`Token=${JWT}`);
    request.headers['content-encoding'] = 'gzip';
    expect(problem(request).message).toBe(BODY_PROBLEMS.compressed);
  });

  it.each(['text/plain', 'multipart/form-data; boundary=x', 'application/xml'])(
    'refuses a %s body with a 400 naming the accepted types',
    (contentType) => {
      const error = problem(withHeaders({ 'content-type': contentType, 'content-length': '20' }));
      expect(error.status).toBe(400);
      expect(error.message).toMatch(/application\/x-www-form-urlencoded or application\/json/);
    },
  );

  it('refuses a body without a Content-Type', () => {
    expect(problem(withHeaders({ 'content-length': '20' }, { Token: JWT })).message).toBe(BODY_PROBLEMS.noContentType);
  });

  it('refuses bodies over the limit', () => {
    const error = problem(
      withHeaders({ 'content-type': 'application/json', 'content-length': String(MAX_BODY_BYTES + 1) }),
    );
    expect(error.message).toBe(BODY_PROBLEMS.tooLarge);
  });
});

describe('shortest body lengths', () => {
  it('are exact for the shortest encodings', () => {
    expect(shortestFormBody({ a: 'b', c: ['', 'd'] })).toBe('a=b&c&c=d'.length);
    expect(shortestJsonBody({ a: ['b', 1, true, null], c: '"\n' })).toBe('{"a":["b",1,true,null],"c":"\\"\\n"}'.length);
  });
});

describe('readToken', () => {
  it('returns a JWT-shaped token', () => {
    expect(readToken({ Token: JWT })).toBe(JWT);
  });

  it.each([
    ['missing', undefined, /Missing Token/],
    ['empty', '', /Missing Token/],
    ['a number', 123, /must be a string/],
    ['an array', [JWT], /must be a string/],
    ['huge', `${'a'.repeat(MAX_TOKEN_LENGTH)}.b.c`, /longer than/],
    ['not a JWT', "' OR 1=1 --", /JWT/],
    ['a JWT with spaces', `${JWT} `, /JWT/],
  ])('answers 401 when the Token is %s', (_label, token, expected) => {
    const error = apiErrorOf(() => readToken({ Token: token }));
    expect(error.code).toBe('unauthorized');
    expect(error.status).toBe(401);
    expect(error.message).toMatch(expected);
  });
});
