/**
 * Who may call the Functions: the Flex token and the role are checked by the server on every
 * endpoint, and nothing is read from or changed in Twilio's tasks for a caller who is turned away.
 * Also the CORS headers every answer carries, and a misconfigured service.
 */
import type { Endpoint, Stack } from './support/stack';
import { startStack } from './support/stack';
import { send, startFunctionsServer } from './support/functionsServer';
import type { ApiAnswer } from './support/functionsServer';

jest.setTimeout(120_000);

const ENDPOINTS: Endpoint[] = ['scan', 'task', 'close'];

let stack: Stack;
let someTaskSid: string;

beforeAll(async () => {
  stack = await startStack({ simulator: { seed: 'auth-suite', scenario: { openTasks: 30 } } });
  someTaskSid = stack.sim.listTasks({ verdict: 'stuck' })[0].sid;
});

afterAll(async () => {
  await stack?.stop();
});

function paramsFor(endpoint: Endpoint): Record<string, unknown> {
  if (endpoint === 'task') return { TaskSid: someTaskSid };
  if (endpoint === 'close') return { TaskSids: someTaskSid };
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
    expectError(await stack.call(endpoint, paramsFor(endpoint)), 401, 'unauthorized');
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
    const functions = await startFunctionsServer({
      ACCOUNT_SID: stack.sim.accountSid,
      AUTH_TOKEN: stack.sim.authToken,
      TASKROUTER_WORKSPACE_SID: 'not-a-workspace',
      STUCK_GRACE_SECONDS: '-5',
      TWILIO_API_BASE_URL: stack.sim.url,
    });
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
