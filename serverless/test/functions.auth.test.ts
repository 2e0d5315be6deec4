/**
 * Who may call the Functions: the Flex token and the role are checked by the server on every
 * endpoint, and nothing is read from or changed in Twilio's tasks for a caller who is turned away.
 * Token validation in both configurations — production (no TWILIO_API_BASE_URL: the unmodified
 * twilio-flex-token-validator calls iam.twilio.com, answered from the simulator by a test-only
 * preload inside the function processes) and the sandbox's base URL — including Twilio failing.
 * Also the CORS headers every answer carries, a misconfigured service, and what an unparseable body
 * gets from the local runtime.
 */
import net from 'net';
import os from 'os';
import type { Endpoint, Stack, TwilioRoute } from './support/stack';
import { startFunctionsFor, startStack } from './support/stack';
import type { ApiAnswer } from './support/http';
import { send } from './support/http';
import type { TwilioFront } from './support/twilioFront';
import { TOKEN_VALIDATION_BUDGET_MS } from '../src/auth/flexToken';

jest.setTimeout(120_000);

const ENDPOINTS: Endpoint[] = ['scan', 'task', 'close', 'history', 'orphan-conversations'];

// The production path: no TWILIO_API_BASE_URL.
let stack: Stack;
let someTaskSid: string;

beforeAll(async () => {
  stack = await startStack({ simulator: { seed: 'auth-suite', scenario: { openTasks: 30 } }, route: 'realHosts' });
  someTaskSid = stack.sim.listTasks({ verdict: 'stuck' })[0].sid;
});

afterAll(async () => {
  await stack?.stop();
});

function paramsFor(endpoint: Endpoint): Record<string, unknown> {
  if (endpoint === 'task') return { TaskSid: someTaskSid };
  if (endpoint === 'close') return { TaskSids: someTaskSid };
  if (endpoint === 'history') return { Days: 14 };
  return {};
}

function expectError(answer: ApiAnswer, status: number, code: string): void {
  expect({ status: answer.status, code: (answer.body as { error?: { code?: string } }).error?.code }).toEqual({
    status,
    code,
  });
  expect(typeof (answer.body as { error: { message: unknown } }).error.message).toBe('string');
  expect(answer.headers.get('access-control-allow-origin')).toBe('*');
  expect(answer.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
}

/** A token the simulator signed, with its payload edited afterwards (roles raised to admin). */
function tamperedToken(): string {
  const [header, payload, signature] = stack.sim.issueSandboxToken('agent').split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  claims.grants.flex.roles = ['admin'];
  return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
}

describe.each(ENDPOINTS)('POST /stuck-tasks/%s', (endpoint) => {
  it('answers 401 without a Token', async () => {
    // JSON: an empty form body (scan without a token) would be refused as bodiless first.
    expectError(await stack.call(endpoint, paramsFor(endpoint), 'json'), 401, 'unauthorized');
  });

  it('answers 401 for a token that is not valid', async () => {
    expectError(await stack.call(endpoint, { Token: tamperedToken(), ...paramsFor(endpoint) }), 401, 'unauthorized');
  });

  it('answers 401 for an expired token, saying so', async () => {
    const expired = stack.sim.issueToken({ identity: 'ada', roles: ['admin'], ttlSeconds: -60 });
    const answer = await stack.call(endpoint, { Token: expired, ...paramsFor(endpoint) });
    expectError(answer, 401, 'unauthorized');
    expect(answer.text).toMatch(/expired/i);
  });

  it.each(['agent', 'supervisor'] as const)('answers 403 to a valid %s token (ALLOWED_ROLES=admin)', async (user) => {
    const answer = await stack.call(endpoint, { Token: stack.sim.issueSandboxToken(user), ...paramsFor(endpoint) });
    expectError(answer, 403, 'forbidden');
    expect(answer.text).toMatch(/admin/);
  });

  it('answers an admin, with CORS headers on the success too', async () => {
    const answer = await stack.call(endpoint, { Token: stack.adminToken(), ...paramsFor(endpoint) });
    expect(answer.status).toBe(200);
    if (endpoint === 'history') {
      // Read from taskrouter.twilio.com's Events on the production path: the seeded history and the
      // admin's close just before (close runs first).
      const entries = (answer.body as { entries: { taskSid: string; closedBy: string | null }[] }).entries;
      expect(entries[0]).toMatchObject({ taskSid: someTaskSid, closedBy: 'ada_40sandbox_2Eexample' });
      expect(entries.length).toBeGreaterThan(1);
    }
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('answers the CORS preflight', async () => {
    const answer = await send(stack.url(endpoint), {
      method: 'OPTIONS',
      headers: { Origin: 'https://flex.twilio.com', 'Access-Control-Request-Method': 'POST' },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(answer.headers.get('access-control-allow-headers')).toMatch(/Content-Type/);
  });
});

describe('turned-away callers', () => {
  it('changed nothing: the only task update is the admin closing one stuck task', () => {
    const updates = stack.sim.updateLog();
    expect(updates.map((entry) => entry.taskSid)).toEqual([someTaskSid]);
    expect(updates[0].reason).toMatch(/Closed by ada_40sandbox_2Eexample\.$/);
  });
});

describe('the local runtime', () => {
  /** Connects to `host:port`; resolves whether something accepted. */
  function accepts(host: string, port: number): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = net.connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  }

  it('listens on 127.0.0.1 only (not on the other loopback or network addresses)', async () => {
    const { port } = new URL(stack.functions.url);
    expect(await accepts('127.0.0.1', Number(port))).toBe(true);
    // All of 127/8 reaches this machine on Linux: only a server bound to every interface answers here.
    expect(await accepts('127.0.0.2', Number(port))).toBe(false);
    const external = Object.values(os.networkInterfaces())
      .flat()
      .filter((address) => address && address.family === 'IPv4' && !address.internal);
    for (const address of external) expect(await accepts(address!.address, Number(port))).toBe(false);
  });
});

describe('a body the local runtime cannot read', () => {
  // A desktop browser's User-Agent: the runtime's error pages were HTML for those.
  const browser = { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36' };

  it.each([
    ['malformed JSON', 'application/json', () => `{"Token":"${stack.adminToken()}","TaskSids":["${someTaskSid}"]`, 400],
    ['too many form parameters', 'application/x-www-form-urlencoded', () => 'a=1&'.repeat(1500), 413],
  ])('%s gets the JSON error shape: no Express page, no stack trace, no path', async (_name, type, body, status) => {
    const answer = await send(stack.url('close'), {
      method: 'POST',
      headers: { ...browser, 'Content-Type': type },
      body: body(),
    });
    expectError(answer, status, 'bad_request');
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.text).not.toMatch(/<html|<pre|<!DOCTYPE|SyntaxError|\/work\/|\.js:\d+/i);
  });
});

describe.each<TwilioRoute>(['realHosts', 'baseUrl'])('token validation with Twilio failing (%s)', (route) => {
  let failing: Stack;
  let front: TwilioFront;

  beforeAll(async () => {
    failing = await startStack({
      simulator: { seed: `auth-failing-${route}`, scenario: { openTasks: 10 } },
      route,
      front: true,
    });
    front = failing.front as TwilioFront;
  });

  afterAll(async () => {
    await failing?.stop();
  });

  afterEach(() => front.clear());

  const scan = (token: string): Promise<ApiAnswer> => failing.call('scan', { Token: token });
  const unavailable = { status: 503, code: 20503, message: 'Service Unavailable' };

  it('answers an admin (the scan reads TaskRouter and the calls through the same route)', async () => {
    const answer = await scan(failing.adminToken());
    expect(answer.status).toBe(200);
    expect((answer.body as { counts: { scanned: number } }).counts.scanned).toBeGreaterThan(0);
    expect(front.validations()).toHaveLength(1);
  });

  it("answers 401 on Twilio's verdict: an expired token, saying so", async () => {
    const answer = await scan(failing.sim.issueSandboxToken('admin', -60));
    expectError(answer, 401, 'unauthorized');
    expect(answer.text).toMatch(/expired/i);
    expect(front.validations()).toHaveLength(1);
  });

  it("answers 401 on Twilio's verdict: a token that is not valid", async () => {
    expectError(await scan(`${failing.adminToken()}x`), 401, 'unauthorized');
  });

  it('retries 429 and 5xx (JSON bodies with a message) and answers 200', async () => {
    front.script({ status: 429, code: 20429, message: 'Too Many Requests' }, unavailable);
    expect((await scan(failing.adminToken())).status).toBe(200);
    expect(front.validations()).toHaveLength(3);
  });

  it('answers 502 saying Twilio could not be reached when it drops every connection (not 401)', async () => {
    front.script(...Array.from({ length: 40 }, () => 'reset' as const));
    const answer = await scan(failing.adminToken());
    expectError(answer, 502, 'upstream');
    expect(answer.text).toMatch(/Twilio could not be reached/);
    expect(front.validations().length).toBeGreaterThan(1);
  });

  it('answers 502 when Twilio does not answer, having retried within the budget', async () => {
    front.script(...Array.from({ length: 10 }, () => 'hang' as const));
    const answer = await scan(failing.adminToken());
    expectError(answer, 502, 'upstream');
    expect(answer.text).toMatch(/did not answer within/);
    const arrivals = front.validations();
    expect(arrivals.length).toBeGreaterThan(1);
    // No attempt starts once the budget is spent (arrival lag on a busy machine gets a wide margin).
    expect(arrivals[arrivals.length - 1] - arrivals[0]).toBeLessThan(TOKEN_VALIDATION_BUDGET_MS + 1500);
  });
});

describe('ALLOWED_ROLES', () => {
  let custom: Stack;

  beforeAll(async () => {
    custom = await startStack({
      simulator: { seed: 'auth-roles', scenario: { openTasks: 10 } },
      settings: () => ({ ALLOWED_ROLES: 'supervisor, wfo.full_access' }),
    });
  });

  afterAll(async () => {
    await custom?.stop();
  });

  it('lets any listed role in and turns the others away, admin included', async () => {
    const asUser = (roles: string[]) =>
      custom.call('scan', { Token: custom.sim.issueToken({ identity: `u-${roles.join('-')}`, roles }) });
    expect((await asUser(['supervisor'])).status).toBe(200);
    expect((await asUser(['agent', 'wfo.full_access'])).status).toBe(200);
    expectError(await asUser(['admin']), 403, 'forbidden');
    expectError(await asUser([]), 403, 'forbidden');
  });
});

describe('a misconfigured service', () => {
  it('answers 500 internal without details and names the bad settings in its log', async () => {
    const functions = await startFunctionsFor(
      {
        ACCOUNT_SID: stack.sim.accountSid,
        AUTH_TOKEN: stack.sim.authToken,
        TASKROUTER_WORKSPACE_SID: 'not-a-workspace',
        STUCK_GRACE_SECONDS: '-5',
      },
      stack.sim.url,
    );
    try {
      const answer = await send(`${functions.url}/stuck-tasks/scan`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ Token: stack.adminToken() }),
      });
      expectError(answer, 500, 'internal');
      expect(answer.text).not.toMatch(/TASKROUTER_WORKSPACE_SID|STUCK_GRACE_SECONDS/);
      const entries = await functions.waitForLogEntries((all) => all.some((entry) => entry.level === 'error'));
      const error = entries.find((entry) => entry.level === 'error');
      expect(error?.message).toMatch(/TASKROUTER_WORKSPACE_SID must be WS/);
      expect(error?.message).toMatch(/STUCK_GRACE_SECONDS/);
    } finally {
      await functions.stop();
    }
  });
});
