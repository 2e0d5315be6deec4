import http from 'http';
import type { AddressInfo } from 'net';
import { validator } from 'twilio-flex-token-validator';
import { ApiError } from '../http/errors';
import type { Settings } from '../settings';
import { authorise, validateFlexToken } from './flexToken';

jest.mock('twilio-flex-token-validator', () => ({ validator: jest.fn() }));
const mockedValidator = validator as jest.MockedFunction<typeof validator>;

const ACCOUNT_SID = `AC${'a'.repeat(32)}`;
const AUTH_TOKEN = 'b'.repeat(32);
const TOKEN = 'header.payload.signature';

function settings(apiBaseUrl: string | null): Settings {
  return {
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    workspaceSid: `WS${'c'.repeat(32)}`,
    allowedRoles: ['admin'],
    graceSeconds: 60,
    closeReason: 'reason',
    excludedTaskQueues: [],
    apiBaseUrl,
  };
}

async function apiErrorOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected an ApiError');
}

const VALID = { valid: true, identity: 'alice', roles: ['admin', 'agent'], worker_sid: `WK${'d'.repeat(32)}` };

describe('validateFlexToken against TWILIO_API_BASE_URL', () => {
  let server: http.Server;
  let baseUrl: string;
  let answers: Array<{ status: number; body: string } | 'hang'>;
  let received: Array<{ method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }>;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, headers: req.headers, body });
        const answer = answers.shift() ?? { status: 200, body: JSON.stringify(VALID) };
        if (answer === 'hang') return;
        res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    answers = [];
    received = [];
  });

  it('sends the request twilio-flex-token-validator sends, to the base URL, and returns the caller', async () => {
    await expect(validateFlexToken(TOKEN, settings(baseUrl))).resolves.toEqual({
      identity: 'alice',
      roles: ['admin', 'agent'],
      workerSid: VALID.worker_sid,
    });
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request.method).toBe('POST');
    expect(request.url).toBe(`/v1/Accounts/${ACCOUNT_SID}/Tokens/validate`);
    expect(request.headers.authorization).toBe(
      `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`,
    );
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({ token: TOKEN });
    expect(mockedValidator).not.toHaveBeenCalled();
  });

  it("answers 401 with Twilio's reason when the token is not valid", async () => {
    answers.push({ status: 200, body: JSON.stringify({ valid: false, code: 20104, message: 'Access Token expired' }) });
    const error = await apiErrorOf(validateFlexToken(TOKEN, settings(baseUrl)));
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/Access Token expired/);
  });

  it('answers 401 for a valid token without an identity', async () => {
    answers.push({ status: 200, body: JSON.stringify({ valid: true, roles: ['admin'] }) });
    expect((await apiErrorOf(validateFlexToken(TOKEN, settings(baseUrl)))).status).toBe(401);
  });

  it('retries rate limits and server errors, then validates', async () => {
    answers.push({ status: 429, body: '{}' }, { status: 503, body: 'down' });
    await expect(validateFlexToken(TOKEN, settings(baseUrl))).resolves.toMatchObject({ identity: 'alice' });
    expect(received).toHaveLength(3);
  });

  it('answers 502 when Twilio keeps failing', async () => {
    answers.push(...Array.from({ length: 10 }, () => ({ status: 500, body: '{}' })));
    const error = await apiErrorOf(validateFlexToken(TOKEN, settings(baseUrl)));
    expect(error.status).toBe(502);
    expect(received.length).toBeGreaterThan(1);
  });

  it('answers 502 within the time limit when Twilio does not answer', async () => {
    answers.push('hang', 'hang', 'hang', 'hang', 'hang');
    const started = Date.now();
    const error = await apiErrorOf(validateFlexToken(TOKEN, settings(baseUrl), 300));
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers 502 when nothing listens at the base URL', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    expect((await apiErrorOf(validateFlexToken(TOKEN, settings(url)))).status).toBe(502);
  });
});

describe('validateFlexToken against real Twilio (no base URL)', () => {
  beforeEach(() => mockedValidator.mockReset());

  it('uses the unmodified twilio-flex-token-validator with the account credentials', async () => {
    mockedValidator.mockResolvedValue(VALID);
    await expect(validateFlexToken(TOKEN, settings(null))).resolves.toMatchObject({ identity: 'alice' });
    expect(mockedValidator).toHaveBeenCalledWith(TOKEN, ACCOUNT_SID, AUTH_TOKEN);
  });

  it("turns the validator's rejection into 401 with its message", async () => {
    mockedValidator.mockRejectedValue('Invalid Access Token');
    const error = await apiErrorOf(validateFlexToken(TOKEN, settings(null)));
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/Invalid Access Token/);
  });

  it('answers 502 when the validator does not settle in time', async () => {
    mockedValidator.mockReturnValue(new Promise(() => undefined));
    expect((await apiErrorOf(validateFlexToken(TOKEN, settings(null), 200))).status).toBe(502);
  });
});

describe('authorise', () => {
  const caller = { identity: 'bob', roles: ['agent', 'supervisor'], workerSid: null };

  it('lets a caller with one of the allowed roles through', () => {
    expect(() => authorise(caller, ['admin', 'supervisor'])).not.toThrow();
  });

  it('answers 403 naming the needed and the held roles otherwise', () => {
    let error: unknown;
    try {
      authorise(caller, ['admin']);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(403);
    expect((error as ApiError).message).toBe('This needs one of the roles admin; the token has: agent, supervisor.');
  });
});
