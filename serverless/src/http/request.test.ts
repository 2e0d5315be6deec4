import { ApiError } from './errors';
import { checkBody, MAX_BODY_BYTES, MAX_TOKEN_LENGTH, readIncomingRequest, readToken } from './request';

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
});

describe('checkBody', () => {
  const withHeaders = (headers: Record<string, string>, fields: Record<string, unknown> = {}) => ({ fields, headers });

  it('accepts form and JSON bodies, with or without a charset', () => {
    expect(() =>
      checkBody(withHeaders({ 'content-type': 'application/x-www-form-urlencoded', 'content-length': '10' })),
    ).not.toThrow();
    expect(() =>
      checkBody(withHeaders({ 'content-type': 'Application/JSON; charset=utf-8', 'content-length': '10' })),
    ).not.toThrow();
    expect(() => checkBody(withHeaders({}))).not.toThrow();
  });

  it.each(['text/plain', 'multipart/form-data; boundary=x', 'application/xml'])(
    'refuses a %s body with a 400 naming the accepted types',
    (contentType) => {
      const error = apiErrorOf(() => checkBody(withHeaders({ 'content-type': contentType, 'content-length': '20' })));
      expect(error.status).toBe(400);
      expect(error.message).toMatch(/application\/x-www-form-urlencoded or application\/json/);
    },
  );

  it('refuses bodies over the limit, by declared length or by content', () => {
    expect(apiErrorOf(() => checkBody(withHeaders({ 'content-length': String(MAX_BODY_BYTES + 1) }))).status).toBe(400);
    expect(apiErrorOf(() => checkBody(withHeaders({}, { Token: 'x'.repeat(MAX_BODY_BYTES + 1) }))).message).toMatch(
      /too large/,
    );
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
