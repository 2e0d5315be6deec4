import { z } from 'zod';
import { validateFlexToken } from '../auth/flexToken';
import { InvalidPageTokenError, UpstreamError } from '../engine';
import { defineEndpoint } from './endpoint';
import type { Context, EndpointCall, EndpointEvent, ServerlessCallback, ServiceEnvironment } from './endpoint';
import { notFound } from './errors';

jest.mock('../auth/flexToken', () => ({
  ...jest.requireActual('../auth/flexToken'),
  validateFlexToken: jest.fn(),
}));
jest.mock('../engine', () => ({
  ...jest.requireActual('../engine'),
  createEngineDeps: jest.fn(() => ({ fake: 'engine' })),
}));
const mockedValidate = validateFlexToken as jest.MockedFunction<typeof validateFlexToken>;

/** Stand-in for the Runtime's Twilio.Response global. */
class FakeResponse {
  statusCode = 200;
  body: unknown = null;
  headers: Record<string, string> = {};
  setStatusCode(code: number): this {
    this.statusCode = code;
    return this;
  }
  setBody(body: unknown): this {
    this.body = body;
    return this;
  }
  appendHeader(key: string, value: string): this {
    this.headers[key] = value;
    return this;
  }
}

const CONTEXT = {
  ACCOUNT_SID: `AC${'1'.repeat(32)}`,
  AUTH_TOKEN: '2'.repeat(32),
  TASKROUTER_WORKSPACE_SID: `WS${'3'.repeat(32)}`,
  ALLOWED_ROLES: 'admin,supervisor',
  getTwilioClient: () => undefined,
};
const TOKEN = 'aaa.bbb.ccc';
// A JSON body (numbers allowed) whose declared length holds every test event's parameters.
const BODY_HEADERS = { 'content-type': 'application/json', 'content-length': '200' };

function invoke(
  run: (call: EndpointCall<unknown>) => Promise<object>,
  event: Record<string, unknown>,
  context: Record<string, unknown> = CONTEXT,
): Promise<{ response: FakeResponse; calls: number }> {
  const handler = defineEndpoint('test', z.object({ Name: z.string().optional() }).strict(), run);
  return new Promise((resolve) => {
    let calls = 0;
    const callback: ServerlessCallback = (error, response) => {
      calls += 1;
      expect(error).toBeNull();
      // Give a second callback (a bug) the chance to show up before resolving.
      setTimeout(() => resolve({ response: response as unknown as FakeResponse, calls }), 20);
    };
    const runtimeEvent = { request: { headers: BODY_HEADERS, cookies: {} }, ...event } as EndpointEvent;
    void handler(context as unknown as Context<ServiceEnvironment>, runtimeEvent, callback);
  });
}

let logged: string[];
beforeAll(() => {
  (globalThis as Record<string, unknown>).Twilio = { Response: FakeResponse };
});
afterAll(() => {
  delete (globalThis as Record<string, unknown>).Twilio;
});
beforeEach(() => {
  logged = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => logged.push(line));
  mockedValidate.mockReset();
  mockedValidate.mockResolvedValue({ identity: 'ada', roles: ['supervisor'], workerSid: null });
});
afterEach(() => jest.restoreAllMocks());

describe('defineEndpoint', () => {
  it('answers 200 with the JSON body, CORS headers, and calls back once, after the work settled', async () => {
    let settled = false;
    const run = jest.fn(async (_call: EndpointCall<unknown>) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      settled = true;
      return { ok: true };
    });
    const { response, calls } = await invoke(run, { Token: TOKEN, Name: 'x' });
    expect(settled).toBe(true);
    expect(calls).toBe(1);
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ ok: true });
    expect(response.headers).toMatchObject({
      'Access-Control-Allow-Origin': '*',
      'Content-Type': 'application/json',
    });
    expect(run.mock.calls[0][0]).toMatchObject({ params: { Name: 'x' }, caller: { identity: 'ada' } });
  });

  it('checks the role on every call, before the parameters', async () => {
    mockedValidate.mockResolvedValue({ identity: 'al', roles: ['agent'], workerSid: null });
    const run = jest.fn(async () => ({}));
    const { response } = await invoke(run, { Token: TOKEN, Unknown: 1 });
    expect(response.statusCode).toBe(403);
    expect(response.body).toEqual({
      error: { code: 'forbidden', message: expect.stringMatching(/admin, supervisor/) },
    });
    expect(run).not.toHaveBeenCalled();
  });

  it('answers 401 without asking Twilio when the Token is missing', async () => {
    const { response } = await invoke(async () => ({}), {});
    expect(response.statusCode).toBe(401);
    expect(mockedValidate).not.toHaveBeenCalled();
  });

  it.each([
    ['UpstreamError', 502, 'upstream', new UpstreamError('Twilio answered 503 three times')],
    ['InvalidPageTokenError', 400, 'bad_request', new InvalidPageTokenError()],
    ['an ApiError', 404, 'not_found', notFound('Task WT… does not exist')],
  ])('maps %s from the engine to %i %s', async (_label, status, code, error) => {
    const { response } = await invoke(() => Promise.reject(error), { Token: TOKEN });
    expect(response.statusCode).toBe(status);
    expect(response.body).toEqual({ error: { code, message: error.message } });
  });

  it('answers 500 without details for a defect, and logs the stack for the operator', async () => {
    const { response } = await invoke(() => Promise.reject(new TypeError('x is undefined')), { Token: TOKEN });
    expect(response.statusCode).toBe(500);
    expect(JSON.stringify(response.body)).not.toMatch(/x is undefined|at /);
    const entry = JSON.parse(logged[0]) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 'error', status: 500, message: 'x is undefined' });
    expect(entry.stack).toMatch(/TypeError/);
  });

  it('keeps one engine for a warm container (its live-call list survives between calls), a new one for new settings', async () => {
    const engines: unknown[] = [];
    const run = async (call: EndpointCall<unknown>): Promise<object> => {
      engines.push(call.engine);
      return {};
    };
    await invoke(run, { Token: TOKEN });
    await invoke(run, { Token: TOKEN });
    await invoke(run, { Token: TOKEN }, { ...CONTEXT, STUCK_GRACE_SECONDS: '120' });
    expect(engines[1]).toBe(engines[0]);
    expect(engines[2]).not.toBe(engines[0]);
    expect(engines[2]).toMatchObject({ fake: 'engine' });
  });

  it('answers 500 when the settings are invalid, naming them only in the log', async () => {
    const { response } = await invoke(async () => ({}), { Token: TOKEN }, { ...CONTEXT, ACCOUNT_SID: 'nope' });
    expect(response.statusCode).toBe(500);
    expect(response.body).toEqual({
      error: { code: 'internal', message: expect.stringMatching(/misconfigured/) },
    });
    expect(JSON.stringify(response.body)).not.toMatch(/ACCOUNT_SID/);
    expect(JSON.parse(logged[0])).toMatchObject({ level: 'error', message: expect.stringMatching(/ACCOUNT_SID/) });
  });
});
