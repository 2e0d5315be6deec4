import http from 'http';
import type { AddressInfo } from 'net';
import { ApiError } from '../http/errors';
import type { Settings } from '../settings';
import { SettingsError } from '../settings';
import type { AttemptOutcome, ValidationClock } from './flexToken';
import { authorise, systemClock, validateFlexToken, withinBudget } from './flexToken';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { forwardTwilioHosts } = require('../../test/support/twilio-hosts.js') as {
  forwardTwilioHosts(url: string): { forwarded: { host: string; path: string }[]; undo(): void };
};

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
    wrapupOverdueMinutes: null,
    insightsOutcome: null,
  };
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  throw new Error('expected a rejection');
}

async function apiErrorOf(promise: Promise<unknown>): Promise<ApiError> {
  const error = await errorOf(promise);
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

const VALID = { valid: true, identity: 'alice', roles: ['admin', 'agent'], worker_sid: `WK${'d'.repeat(32)}` };
const INVALID = { valid: false, code: 20101, message: 'Invalid Access Token' };
const EXPIRED = { valid: false, code: 20104, message: 'Access Token expired or expiration date invalid' };

/**
 * Virtual time: a wait ends on the next turn of the event loop (after anything already settled) and
 * moves the time forward by its length; a cancelled wait never ends. Nothing depends on the machine.
 */
function virtualClock(): ValidationClock & { sleeps: number[]; elapsed(): number } {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    elapsed: () => now - 1_000_000,
    sleep(ms, signal) {
      return new Promise((resolve) =>
        setImmediate(() => {
          if (signal?.aborted) return;
          sleeps.push(ms);
          now += ms;
          resolve();
        }),
      );
    },
  };
}

/**
 * Real time, with every wait recorded: what the validation scheduled is then checked against its
 * budget, rather than how long a busy machine took to run it.
 */
function recordingClock(): ValidationClock & { sleeps: number[]; scheduledMs(): number } {
  const sleeps: number[] = [];
  return {
    sleeps,
    scheduledMs: () => sleeps.reduce((sum, ms) => sum + ms, 0),
    now: systemClock.now,
    sleep(ms, signal) {
      sleeps.push(ms);
      return systemClock.sleep(ms, signal);
    },
  };
}

describe('withinBudget (retries and the time budget, on a virtual clock)', () => {
  const verdict: AttemptOutcome = { kind: 'verdict', result: VALID };
  const unreachable: AttemptOutcome = {
    kind: 'unreachable',
    reason: 'getaddrinfo ENOTFOUND iam.twilio.com (ENOTFOUND)',
  };

  function scripted(outcomes: Array<AttemptOutcome | 'hang'>) {
    const signals: AbortSignal[] = [];
    const attempt = (signal: AbortSignal): Promise<AttemptOutcome> => {
      signals.push(signal);
      const next = outcomes.shift() ?? 'hang';
      return next === 'hang' ? new Promise(() => undefined) : Promise.resolve(next);
    };
    return { attempt, signals };
  }

  it("returns Twilio's verdict from the first attempt without waiting", async () => {
    const clock = virtualClock();
    const { attempt, signals } = scripted([verdict]);
    await expect(withinBudget(attempt, { clock })).resolves.toEqual(VALID);
    expect(signals).toHaveLength(1);
    expect(clock.elapsed()).toBe(0);
  });

  it('retries an unreachable Twilio with growing waits, then returns the verdict', async () => {
    const clock = virtualClock();
    const { attempt, signals } = scripted([unreachable, unreachable, unreachable, verdict]);
    await expect(withinBudget(attempt, { clock, random: () => 1, budgetMs: 3000 })).resolves.toEqual(VALID);
    expect(signals).toHaveLength(4);
    expect(clock.sleeps).toEqual([100, 200, 400]);
  });

  it('answers 502 saying Twilio could not be reached when the budget runs out, without overrunning it', async () => {
    const clock = virtualClock();
    const { attempt, signals } = scripted(Array.from({ length: 100 }, () => unreachable));
    const error = await apiErrorOf(withinBudget(attempt, { clock, random: () => 1, budgetMs: 3000 }));
    expect(error.status).toBe(502);
    expect(error.code).toBe('upstream');
    expect(error.message).toMatch(/Twilio could not be reached within 3000 ms/);
    expect(error.message).toMatch(/ENOTFOUND/);
    // Waits of 100, 200, 400, 800, 800: the next one would end past the budget.
    expect(signals.length).toBe(6);
    expect(clock.elapsed()).toBeLessThanOrEqual(3000);
  });

  it('gives up an attempt Twilio does not answer, aborts it, retries, and answers 502 within the budget', async () => {
    const clock = virtualClock();
    const { attempt, signals } = scripted(['hang', 'hang', 'hang', 'hang']);
    const error = await apiErrorOf(withinBudget(attempt, { clock, random: () => 1, budgetMs: 3000, attemptMs: 1200 }));
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/did not answer within/);
    expect(signals.length).toBeGreaterThanOrEqual(2);
    expect(signals.every((signal) => signal.aborted)).toBe(true);
    expect(clock.elapsed()).toBeLessThanOrEqual(3000);
  });

  it('a slow first attempt, then a verdict', async () => {
    const clock = virtualClock();
    const { attempt } = scripted(['hang', verdict]);
    await expect(withinBudget(attempt, { clock, budgetMs: 3000, attemptMs: 1200 })).resolves.toEqual(VALID);
    expect(clock.elapsed()).toBeGreaterThanOrEqual(1200);
  });

  it('does not retry Twilio refusing the service credentials: a settings error (500 internal)', async () => {
    const { attempt, signals } = scripted([{ kind: 'refused', reason: 'HTTP 401 Authenticate' }, verdict]);
    const error = await errorOf(withinBudget(attempt, { clock: virtualClock() }));
    expect(error).toBeInstanceOf(SettingsError);
    expect(error.message).toMatch(/HTTP 401 Authenticate/);
    expect(signals).toHaveLength(1);
  });

  it('does not retry an answer that is neither a verdict nor a failure to reach Twilio: 502', async () => {
    const { attempt, signals } = scripted([{ kind: 'unexpected', reason: 'HTTP 404' }, verdict]);
    const error = await apiErrorOf(withinBudget(attempt, { clock: virtualClock() }));
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/unexpectedly \(HTTP 404\)/);
    expect(signals).toHaveLength(1);
  });
});

/**
 * A stand-in for Twilio's Tokens/validate: answers from a script (status and body, hang, or a reset
 * connection), then valid tokens. Records what it received.
 */
type Scripted = { status: number; body: string; contentType?: string } | 'hang' | 'reset';

function fakeTwilio() {
  const answers: Scripted[] = [];
  const received: Array<{ method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      const answer = answers.shift() ?? { status: 200, body: JSON.stringify(VALID) };
      if (answer === 'hang') return;
      if (answer === 'reset') {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, { 'Content-Type': answer.contentType ?? 'application/json' }).end(answer.body);
    });
  });
  return {
    answers,
    received,
    url: '',
    async start() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const json = (status: number, body: object): Scripted => ({ status, body: JSON.stringify(body) });
const twilioError = (status: number, code: number, message: string): Scripted =>
  json(status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

/** A loopback port nothing listens on. */
async function closedPortUrl(): Promise<string> {
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise((resolve) => closed.close(resolve));
  return url;
}

describe('validateFlexToken in production (the unmodified twilio-flex-token-validator, iam.twilio.com answered locally)', () => {
  const twilio = fakeTwilio();
  let forwarding: ReturnType<typeof forwardTwilioHosts>;

  // A fresh stand-in per test: an attempt an earlier test abandoned may still be on its way on a busy
  // machine, and it must reach a closed port rather than take this test's scripted answer.
  beforeEach(async () => {
    twilio.answers.length = 0;
    twilio.received.length = 0;
    await twilio.start();
    forwarding = forwardTwilioHosts(twilio.url);
  });

  afterEach(async () => {
    forwarding.undo();
    await twilio.stop();
  });

  it("sends the validator's own request to iam.twilio.com and returns the caller", async () => {
    await expect(validateFlexToken(TOKEN, settings(null))).resolves.toEqual({
      identity: 'alice',
      roles: ['admin', 'agent'],
      workerSid: VALID.worker_sid,
    });
    expect(forwarding.forwarded).toEqual([
      { host: 'iam.twilio.com', method: 'POST', path: `/v1/Accounts/${ACCOUNT_SID}/Tokens/validate` },
    ]);
    const [request] = twilio.received;
    expect(request.headers.host).toBe('iam.twilio.com');
    expect(request.headers.authorization).toBe(
      `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`,
    );
    expect(JSON.parse(request.body)).toEqual({ token: TOKEN });
  });

  it.each([
    ['invalid', INVALID, /Invalid Access Token/],
    ['expired', EXPIRED, /expired/],
  ])("answers 401 with Twilio's reason for an %s token, without retrying", async (_name, verdict, reason) => {
    twilio.answers.push(json(200, verdict));
    const error = await apiErrorOf(validateFlexToken(TOKEN, settings(null)));
    expect({ status: error.status, code: error.code }).toEqual({ status: 401, code: 'unauthorized' });
    expect(error.message).toMatch(reason);
    expect(twilio.received).toHaveLength(1);
  });

  it('answers 401 for a valid answer without an identity', async () => {
    twilio.answers.push(json(200, { valid: true, roles: ['admin'] }));
    expect((await apiErrorOf(validateFlexToken(TOKEN, settings(null)))).status).toBe(401);
  });

  it("answers 401 without asking Twilio when there is no token (the validator's own check)", async () => {
    const error = await apiErrorOf(validateFlexToken('', settings(null)));
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/Token was not provided/);
    expect(twilio.received).toHaveLength(0);
  });

  it("retries 429 and 5xx (whose JSON 'message' the validator would report as a verdict), then validates", async () => {
    twilio.answers.push(twilioError(429, 20429, 'Too Many Requests'), twilioError(503, 20503, 'Service Unavailable'), {
      status: 502,
      body: '<html>Bad Gateway</html>',
      contentType: 'text/html',
    });
    await expect(validateFlexToken(TOKEN, settings(null))).resolves.toMatchObject({ identity: 'alice' });
    expect(twilio.received).toHaveLength(4);
  });

  it('retries a connection Twilio drops, then validates', async () => {
    twilio.answers.push('reset');
    await expect(validateFlexToken(TOKEN, settings(null))).resolves.toMatchObject({ identity: 'alice' });
    expect(twilio.received).toHaveLength(2);
  });

  it('answers 502 (not 401) when Twilio keeps answering 500', async () => {
    twilio.answers.push(...Array.from({ length: 30 }, () => twilioError(500, 20500, 'Internal Server Error')));
    const error = await apiErrorOf(validateFlexToken(TOKEN, settings(null), { budgetMs: 1500 }));
    expect({ status: error.status, code: error.code }).toEqual({ status: 502, code: 'upstream' });
    expect(error.message).toMatch(/Twilio could not be reached/);
    expect(error.message).toMatch(/HTTP 500/);
    expect(twilio.received.length).toBeGreaterThan(1);
  });

  it('answers 502 (not 401) when iam.twilio.com cannot be reached at all', async () => {
    forwarding.undo();
    forwarding = forwardTwilioHosts(await closedPortUrl());
    const error = await apiErrorOf(validateFlexToken(TOKEN, settings(null), { budgetMs: 1500 }));
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/Twilio could not be reached/);
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(forwarding.forwarded.length).toBeGreaterThan(1);
  });

  it('answers 502 within the budget when Twilio does not answer', async () => {
    twilio.answers.push('hang', 'hang', 'hang', 'hang', 'hang', 'hang');
    const clock = recordingClock();
    const error = await apiErrorOf(validateFlexToken(TOKEN, settings(null), { budgetMs: 600, attemptMs: 250, clock }));
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/did not answer within/);
    // That a hanging attempt is retried is shown on the virtual clock above; in real time a busy machine
    // may spend the whole budget on the first attempt.
    expect(twilio.received.length).toBeGreaterThanOrEqual(1);
    // Every hanging attempt was given up by its timer, and the timers and waits fit the budget
    // (how long they took on a busy machine is not the product's doing).
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(250);
    expect(clock.scheduledMs()).toBeLessThanOrEqual(600);
  });

  it('treats Twilio refusing the account credentials as a misconfigured service, not a bad token', async () => {
    twilio.answers.push(twilioError(401, 20003, 'Authenticate'));
    const error = await errorOf(validateFlexToken(TOKEN, settings(null)));
    expect(error).toBeInstanceOf(SettingsError);
    expect(twilio.received).toHaveLength(1);
  });

  it('answers 502 for a 200 that is not a validation answer', async () => {
    twilio.answers.push({ status: 200, body: '<html>captive portal</html>', contentType: 'text/html' });
    const error = await apiErrorOf(validateFlexToken(TOKEN, settings(null)));
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/unexpectedly/);
  });

  it('keeps concurrent validations apart (each reads its own exchange)', async () => {
    twilio.answers.push(json(200, INVALID));
    const [first, second] = await Promise.allSettled([
      validateFlexToken(TOKEN, settings(null)),
      validateFlexToken(TOKEN, settings(null)),
    ]);
    const statuses = [first, second].map((result) =>
      result.status === 'fulfilled' ? 200 : (result.reason as ApiError).status,
    );
    expect(statuses.sort()).toEqual([200, 401]);
  });
});

describe('validateFlexToken against TWILIO_API_BASE_URL (sandbox and tests)', () => {
  const twilio = fakeTwilio();

  beforeAll(async () => {
    await twilio.start();
  });

  beforeEach(() => {
    twilio.answers.length = 0;
    twilio.received.length = 0;
  });

  afterAll(async () => {
    await twilio.stop();
  });

  it('sends the request twilio-flex-token-validator sends, to the base URL, and returns the caller', async () => {
    await expect(validateFlexToken(TOKEN, settings(twilio.url))).resolves.toEqual({
      identity: 'alice',
      roles: ['admin', 'agent'],
      workerSid: VALID.worker_sid,
    });
    expect(twilio.received).toHaveLength(1);
    const [request] = twilio.received;
    expect(request.method).toBe('POST');
    expect(request.url).toBe(`/v1/Accounts/${ACCOUNT_SID}/Tokens/validate`);
    expect(request.headers.authorization).toBe(
      `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`,
    );
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({ token: TOKEN });
  });

  it("answers 401 with Twilio's reason when the token is not valid", async () => {
    twilio.answers.push(json(200, EXPIRED));
    const error = await apiErrorOf(validateFlexToken(TOKEN, settings(twilio.url)));
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/Access Token expired/);
  });

  it('answers 401 for a valid token without an identity', async () => {
    twilio.answers.push(json(200, { valid: true, roles: ['admin'] }));
    expect((await apiErrorOf(validateFlexToken(TOKEN, settings(twilio.url)))).status).toBe(401);
  });

  it('retries rate limits, server errors and dropped connections, then validates', async () => {
    twilio.answers.push(twilioError(429, 20429, 'Too Many Requests'), { status: 503, body: 'down' }, 'reset');
    await expect(validateFlexToken(TOKEN, settings(twilio.url))).resolves.toMatchObject({ identity: 'alice' });
    expect(twilio.received).toHaveLength(4);
  });

  it('answers 502 when Twilio keeps failing', async () => {
    twilio.answers.push(...Array.from({ length: 30 }, () => twilioError(500, 20500, 'Internal Server Error')));
    const error = await apiErrorOf(validateFlexToken(TOKEN, settings(twilio.url), { budgetMs: 1500 }));
    expect(error.status).toBe(502);
    expect(twilio.received.length).toBeGreaterThan(1);
  });

  it('answers 502 within the budget when Twilio does not answer', async () => {
    twilio.answers.push('hang', 'hang', 'hang', 'hang', 'hang', 'hang');
    const clock = recordingClock();
    const error = await apiErrorOf(
      validateFlexToken(TOKEN, settings(twilio.url), { budgetMs: 600, attemptMs: 250, clock }),
    );
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/did not answer within/);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(250);
    expect(clock.scheduledMs()).toBeLessThanOrEqual(600);
  });

  it('answers 502 when nothing listens at the base URL', async () => {
    const error = await apiErrorOf(validateFlexToken(TOKEN, settings(await closedPortUrl()), { budgetMs: 1500 }));
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/Twilio could not be reached/);
  });

  it('treats Twilio refusing the account credentials as a misconfigured service', async () => {
    twilio.answers.push(twilioError(401, 20003, 'Authenticate'));
    expect(await errorOf(validateFlexToken(TOKEN, settings(twilio.url)))).toBeInstanceOf(SettingsError);
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
