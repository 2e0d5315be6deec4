/**
 * Bad-input suite: malformed requests to the real built Functions (twilio-run) against the
 * simulator. Each gets the documented 4xx with a clear message and no stack trace, and nothing in
 * the simulator changes. SIDs in the requests are those of real stuck tasks, so a request that was
 * wrongly accepted would close something and show up in the update log.
 */
import { gzipSync } from 'zlib';
import pLimit from 'p-limit';
import { issueFlexToken, SANDBOX_USERS } from '@plugin-stuck-tasks/sandbox';
import type { ApiAnswer } from './support/http';
import { send } from './support/http';
import type { Endpoint, Stack } from './support/stack';
import { startStack } from './support/stack';

// Some 70 requests, each a forked process of the local runtime: minutes on 2 busy cores.
jest.setTimeout(600_000);

interface Inputs {
  admin: string;
  agent: string;
  supervisor: string;
  expired: string;
  tampered: string;
  foreign: string;
  /** SIDs of stuck tasks: closing them would be visible. */
  sids: string[];
  workspaceSid: string;
}

interface RequestParts {
  contentType?: string;
  /** Omitted: no body at all. */
  body?: string | Buffer | ReadableStream<Uint8Array>;
  /** Default POST. */
  method?: string;
  /** Parameters sent in the URL's query string. */
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

interface BadRequest {
  name: string;
  endpoint: Endpoint;
  request: (inputs: Inputs) => RequestParts;
  status: number;
  /** null: answered by the Runtime before the function runs (documented in the README). */
  code: string | null;
  message?: RegExp;
}

const form = (params: Record<string, string | string[]>) => ({
  contentType: 'application/x-www-form-urlencoded',
  body: new URLSearchParams(
    Object.entries(params).flatMap(([key, value]): [string, string][] =>
      Array.isArray(value) ? value.map((item) => [key, item]) : [[key, value]],
    ),
  ).toString(),
});
const json = (value: unknown) => ({ contentType: 'application/json', body: JSON.stringify(value) });
const hex32 = (n: number) => n.toString(16).padStart(32, '0');

const CASES: BadRequest[] = [
  // --- the Flex token: 401 before anything else is looked at -------------------------------
  {
    name: 'no Token at all',
    endpoint: 'scan',
    request: () => json({}),
    status: 401,
    code: 'unauthorized',
    message: /Missing Token/,
  },
  {
    name: 'empty Token',
    endpoint: 'close',
    request: (i) => form({ Token: '', TaskSids: i.sids[0] }),
    status: 401,
    code: 'unauthorized',
    message: /Missing Token/,
  },
  {
    name: 'whitespace Token',
    endpoint: 'close',
    request: (i) => form({ Token: '   ', TaskSids: i.sids[0] }),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'huge Token (20 KB)',
    endpoint: 'scan',
    request: () => form({ Token: `${'a'.repeat(20_000)}.b.c` }),
    status: 401,
    code: 'unauthorized',
    message: /longer than/,
  },
  {
    name: 'Token as a JSON number',
    endpoint: 'close',
    request: (i) => json({ Token: 12345, TaskSids: [i.sids[0]] }),
    status: 401,
    code: 'unauthorized',
    message: /must be a string/,
  },
  {
    name: 'Token as a JSON array',
    endpoint: 'close',
    request: (i) => json({ Token: [i.admin], TaskSids: [i.sids[0]] }),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'Token as a NoSQL operator object',
    endpoint: 'close',
    request: (i) => json({ Token: { $ne: null }, TaskSids: [i.sids[0]] }),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'Token with SQL injection',
    endpoint: 'scan',
    request: () => form({ Token: "' OR '1'='1' --" }),
    status: 401,
    code: 'unauthorized',
    message: /JWT/,
  },
  {
    name: 'Token with a "Bearer " prefix',
    endpoint: 'scan',
    request: (i) => form({ Token: `Bearer ${i.admin}` }),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'expired admin token',
    endpoint: 'close',
    request: (i) => form({ Token: i.expired, TaskSids: i.sids[0] }),
    status: 401,
    code: 'unauthorized',
    message: /expired/i,
  },
  {
    name: 'agent token with its roles edited to admin',
    endpoint: 'close',
    request: (i) => form({ Token: i.tampered, TaskSids: i.sids[0] }),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'admin token signed with another auth token',
    endpoint: 'close',
    request: (i) => form({ Token: i.foreign, TaskSids: i.sids[0] }),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'JSON body that is an array',
    endpoint: 'close',
    request: (i) => json([i.admin, i.sids[0]]),
    status: 401,
    code: 'unauthorized',
  },

  // --- the role: 403 -------------------------------------------------------------------------
  {
    name: 'agent closing tasks',
    endpoint: 'close',
    request: (i) => form({ Token: i.agent, TaskSids: i.sids.slice(0, 2).join(',') }),
    status: 403,
    code: 'forbidden',
  },
  {
    name: 'supervisor closing tasks with Force',
    endpoint: 'close',
    request: (i) => json({ Token: i.supervisor, TaskSids: [i.sids[0]], Force: true }),
    status: 403,
    code: 'forbidden',
  },

  // --- TaskSid (task) ------------------------------------------------------------------------
  {
    name: 'task without TaskSid',
    endpoint: 'task',
    request: (i) => form({ Token: i.admin }),
    status: 400,
    code: 'bad_request',
    message: /TaskSid is missing/,
  },
  {
    name: 'TaskSid with SQL injection',
    endpoint: 'task',
    request: (i) => form({ Token: i.admin, TaskSid: `${i.sids[0]}' OR '1'='1` }),
    status: 400,
    code: 'bad_request',
    message: /not valid/,
  },
  {
    name: 'TaskSid with a lower-case prefix',
    endpoint: 'task',
    request: (i) => form({ Token: i.admin, TaskSid: `wt${hex32(1)}` }),
    status: 400,
    code: 'bad_request',
  },
  {
    name: 'TaskSid with 33 hex digits',
    endpoint: 'task',
    request: (i) => form({ Token: i.admin, TaskSid: `${i.sids[0]}0` }),
    status: 400,
    code: 'bad_request',
  },
  {
    name: 'TaskSid as a JSON number',
    endpoint: 'task',
    request: (i) => json({ Token: i.admin, TaskSid: 1234 }),
    status: 400,
    code: 'bad_request',
    message: /must be a string/,
  },
  {
    name: 'TaskSid as a JSON array',
    endpoint: 'task',
    request: (i) => json({ Token: i.admin, TaskSid: [i.sids[0]] }),
    status: 400,
    code: 'bad_request',
    message: /must be a string/,
  },
  {
    name: 'TaskSid with path traversal',
    endpoint: 'task',
    request: (i) => form({ Token: i.admin, TaskSid: `../../Workspaces/${i.workspaceSid}/Tasks` }),
    status: 400,
    code: 'bad_request',
  },
  {
    name: 'TaskSid with a Cyrillic look-alike letter',
    endpoint: 'task',
    request: (i) => form({ Token: i.admin, TaskSid: `W\u0422${i.sids[0].slice(2)}` }),
    status: 400,
    code: 'bad_request',
  },

  // --- TaskSids and Force (close) ------------------------------------------------------------
  {
    name: 'close without TaskSids',
    endpoint: 'close',
    request: (i) => form({ Token: i.admin }),
    status: 400,
    code: 'bad_request',
    message: /TaskSids is missing/,
  },
  {
    name: 'empty TaskSids',
    endpoint: 'close',
    request: (i) => form({ Token: i.admin, TaskSids: '' }),
    status: 400,
    code: 'bad_request',
    message: /TaskSids is missing/,
  },
  {
    name: 'TaskSids as an empty JSON array',
    endpoint: 'close',
    request: (i) => form({ Token: i.admin, TaskSids: '[]' }),
    status: 400,
    code: 'bad_request',
    message: /TaskSids is empty/,
  },
  {
    name: '51 SIDs',
    endpoint: 'close',
    request: (i) =>
      json({
        Token: i.admin,
        TaskSids: [...i.sids.slice(0, 10), ...Array.from({ length: 41 }, (_, n) => `WT${hex32(n + 1)}`)],
      }),
    status: 400,
    code: 'bad_request',
    message: /51 entries: at most 50/,
  },
  {
    name: 'duplicate SIDs',
    endpoint: 'close',
    request: (i) => json({ Token: i.admin, TaskSids: [i.sids[0], i.sids[1], i.sids[0]] }),
    status: 400,
    code: 'bad_request',
    message: /more than once/,
  },
  {
    name: 'duplicate SIDs differing in case',
    endpoint: 'close',
    request: (i) => form({ Token: i.admin, TaskSids: `${i.sids[0]},WT${i.sids[0].slice(2).toUpperCase()}` }),
    status: 400,
    code: 'bad_request',
    message: /more than once/,
  },
  {
    name: 'JSON injection among the SIDs',
    endpoint: 'close',
    request: (i) => json({ Token: i.admin, TaskSids: [i.sids[0], '{"$gt":""}'] }),
    status: 400,
    code: 'bad_request',
    message: /entry 2/,
  },
  {
    name: 'SQL injection among the SIDs',
    endpoint: 'close',
    request: (i) => form({ Token: i.admin, TaskSids: `${i.sids[0]},'; DROP TABLE tasks; --` }),
    status: 400,
    code: 'bad_request',
    message: /entry 2/,
  },
  {
    name: 'TaskSids as a JSON object',
    endpoint: 'close',
    request: (i) => json({ Token: i.admin, TaskSids: { 0: i.sids[0] } }),
    status: 400,
    code: 'bad_request',
    message: /must be an array/,
  },
  {
    name: 'TaskSids as broken JSON',
    endpoint: 'close',
    request: (i) => form({ Token: i.admin, TaskSids: `["${i.sids[0]}"` }),
    status: 400,
    code: 'bad_request',
    message: /not a valid JSON array/,
  },
  {
    name: 'a SID with a NUL byte',
    endpoint: 'close',
    request: (i) => form({ Token: i.admin, TaskSids: `${i.sids[0]}\u0000` }),
    status: 400,
    code: 'bad_request',
  },
  {
    name: 'a trailing comma in TaskSids',
    endpoint: 'close',
    request: (i) => form({ Token: i.admin, TaskSids: `${i.sids[0]},${i.sids[1]},` }),
    status: 400,
    code: 'bad_request',
    message: /entry 3 is empty/,
  },
  {
    name: 'Force=yes',
    endpoint: 'close',
    request: (i) => form({ Token: i.admin, TaskSids: i.sids[0], Force: 'yes' }),
    status: 400,
    code: 'bad_request',
    message: /Force must be true or false/,
  },
  {
    name: 'Force as a JSON number',
    endpoint: 'close',
    request: (i) => json({ Token: i.admin, TaskSids: [i.sids[0]], Force: 1 }),
    status: 400,
    code: 'bad_request',
    message: /Force must be true or false/,
  },
  {
    name: 'parameter names in the wrong case',
    endpoint: 'close',
    request: (i) => json({ Token: i.admin, taskSids: [i.sids[0]] }),
    status: 400,
    code: 'bad_request',
    message: /Unknown parameter "taskSids"/,
  },
  {
    name: 'a caller-supplied request field',
    endpoint: 'close',
    request: (i) => json({ Token: i.admin, TaskSids: [i.sids[0]], request: 'x' }),
    status: 400,
    code: 'bad_request',
    message: /Unknown parameter "request"/,
  },

  // --- PageToken and unknown fields (scan) ---------------------------------------------------
  {
    name: 'an unknown field',
    endpoint: 'scan',
    request: (i) => form({ Token: i.admin, Foo: 'bar' }),
    status: 400,
    code: 'bad_request',
    message: /Unknown parameter "Foo"/,
  },
  {
    name: 'empty PageToken',
    endpoint: 'scan',
    request: (i) => form({ Token: i.admin, PageToken: '' }),
    status: 400,
    code: 'bad_request',
    message: /PageToken is empty/,
  },
  {
    name: 'PageToken that scan never issued',
    endpoint: 'scan',
    request: (i) => form({ Token: i.admin, PageToken: 'eyJwYWdlIjo5OTl9' }),
    status: 400,
    code: 'bad_request',
    message: /PageToken/,
  },
  {
    name: 'PageToken of another workspace',
    endpoint: 'scan',
    request: (i) =>
      form({
        Token: i.admin,
        PageToken: `st1.${Buffer.from(JSON.stringify({ w: '00000000', p: null, t: null, o: 0, s: null })).toString('base64url')}`,
      }),
    status: 400,
    code: 'bad_request',
    message: /another workspace/,
  },
  {
    name: 'PageToken as a JSON number',
    endpoint: 'scan',
    request: (i) => json({ Token: i.admin, PageToken: 2 }),
    status: 400,
    code: 'bad_request',
    message: /must be a string/,
  },

  // --- the body itself -----------------------------------------------------------------------
  {
    name: 'form fields sent as text/plain',
    endpoint: 'close',
    request: (i) => ({ contentType: 'text/plain', body: form({ Token: i.admin, TaskSids: i.sids[0] }).body }),
    status: 400,
    code: 'bad_request',
    message: /Unsupported Content-Type "text\/plain"/,
  },
  {
    name: 'multipart/form-data',
    endpoint: 'close',
    request: (i) => ({
      contentType: 'multipart/form-data; boundary=XyZ',
      body: `--XyZ\r\nContent-Disposition: form-data; name="Token"\r\n\r\n${i.admin}\r\n--XyZ\r\nContent-Disposition: form-data; name="TaskSids"\r\n\r\n${i.sids[0]}\r\n--XyZ--\r\n`,
    }),
    status: 400,
    code: 'bad_request',
    message: /Unsupported Content-Type/,
  },
  {
    name: 'XML',
    endpoint: 'close',
    request: (i) => ({
      contentType: 'application/xml',
      body: `<close><Token>${i.admin}</Token><TaskSids>${i.sids[0]}</TaskSids></close>`,
    }),
    status: 400,
    code: 'bad_request',
  },
  {
    name: 'a 100 KB JSON body',
    endpoint: 'close',
    request: (i) => json({ Token: i.admin, TaskSids: [i.sids[0]], Padding: 'x'.repeat(100_000) }),
    status: 400,
    code: 'bad_request',
    message: /too large/,
  },
  {
    name: 'a 7 MB body (over the Runtime limit)',
    endpoint: 'close',
    request: (i) => json({ Token: i.admin, TaskSids: [i.sids[0]], Padding: 'x'.repeat(7_000_000) }),
    status: 413,
    code: null,
  },
  {
    name: 'malformed JSON',
    endpoint: 'close',
    request: (i) => ({ contentType: 'application/json', body: `{"Token":"${i.admin}","TaskSids":["${i.sids[0]}"]` }),
    status: 400,
    code: null,
  },
  // --- no body: parameters in the URL are never used (400 before the token is looked at) ------
  {
    name: 'GET with the token and SIDs in the URL',
    endpoint: 'close',
    request: (i) => ({ method: 'GET', query: { Token: i.admin, TaskSids: i.sids[0] } }),
    status: 400,
    code: 'bad_request',
    message: /has no body.*Parameters in the URL are never used/,
  },
  {
    name: 'GET with a forged token in the URL (400, not 401: the token is not looked at)',
    endpoint: 'scan',
    request: () => ({ method: 'GET', query: { Token: 'not.a.token' } }),
    status: 400,
    code: 'bad_request',
    message: /has no body/,
  },
  {
    name: 'POST with an empty form body and everything in the URL',
    endpoint: 'close',
    request: (i) => ({
      contentType: 'application/x-www-form-urlencoded',
      body: '',
      query: { Token: i.admin, TaskSids: i.sids[1], Force: 'true' },
    }),
    status: 400,
    code: 'bad_request',
    message: /has no body/,
  },
  {
    name: 'POST without any body or Content-Type, everything in the URL',
    endpoint: 'close',
    request: (i) => ({ query: { Token: i.admin, TaskSids: i.sids[1] } }),
    status: 400,
    code: 'bad_request',
    message: /has no body/,
  },
  {
    name: 'a chunked body (no Content-Length)',
    endpoint: 'close',
    request: (i) => ({
      contentType: 'application/x-www-form-urlencoded',
      body: new Blob([form({ Token: i.admin, TaskSids: i.sids[2] }).body]).stream(),
    }),
    status: 400,
    code: 'bad_request',
    message: /has no body/,
  },
  {
    name: 'the token in the body and the SIDs in the URL',
    endpoint: 'close',
    request: (i) => ({ ...form({ Token: i.admin }), query: { TaskSids: i.sids[3] } }),
    status: 400,
    code: 'bad_request',
    message: /Parameters in the URL are not accepted/,
  },
  {
    name: 'a JSON body with Force added in the URL',
    endpoint: 'close',
    request: (i) => ({ ...json({ Token: i.admin, TaskSids: [i.sids[4]] }), query: { Force: 'true' } }),
    status: 400,
    code: 'bad_request',
    message: /Parameters in the URL are not accepted/,
  },
  {
    name: 'a form body with a nested object in the URL',
    endpoint: 'scan',
    request: (i) => ({ ...form({ Token: i.admin }), query: { 'PageToken[x]': 'y' } }),
    status: 400,
    code: 'bad_request',
    message: /Parameters in the URL are not accepted/,
  },

  {
    name: "a GET forging the Runtime's request headers in the URL, not of their shape",
    endpoint: 'close',
    request: (i) => ({
      method: 'GET',
      query: { Token: i.admin, TaskSids: i.sids[8], 'request[headers][content-length][x]': '2000' },
    }),
    status: 400,
    code: 'bad_request',
    message: /Unknown parameter "request"/,
  },

  // --- shape of the body -----------------------------------------------------------------------
  {
    name: 'SIDs nested 200 levels deep',
    endpoint: 'close',
    request: (i) => ({
      contentType: 'application/json',
      body: `{"Token":"${i.admin}","TaskSids":${'['.repeat(200)}"${i.sids[5]}"${']'.repeat(200)}}`,
    }),
    status: 400,
    code: 'bad_request',
    message: /nested too deeply/,
  },
  {
    // Deep enough to overflow the local runtime's hand-over to the Function process (~4,500 levels):
    // refused by the launcher's preload right after the JSON parser, with the service's message.
    name: 'SIDs nested 20,000 levels deep (about 40 KB)',
    endpoint: 'close',
    request: (i) => ({
      contentType: 'application/json',
      body: `{"Token":"${i.admin}","TaskSids":${'['.repeat(20_000)}"${i.sids[5]}"${']'.repeat(20_000)}}`,
    }),
    status: 400,
    code: 'bad_request',
    message: /nested too deeply/,
  },
  {
    name: '300 SIDs',
    endpoint: 'close',
    request: (i) => json({ Token: i.admin, TaskSids: Array.from({ length: 300 }, () => i.sids[6]) }),
    status: 400,
    code: 'bad_request',
    message: /too many values/,
  },
  {
    name: 'a gzip-compressed JSON body',
    endpoint: 'close',
    request: (i) => ({
      contentType: 'application/json',
      headers: { 'Content-Encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ Token: i.admin, TaskSids: [i.sids[7]] })),
    }),
    status: 400,
    code: 'bad_request',
    message: /Compressed request bodies are not accepted/,
  },
];

let stack: Stack;
let inputs: Inputs;
let before: string;
const answers = new Map<string, ApiAnswer>();

function stateOf(current: Stack): string {
  return JSON.stringify(
    current.sim.listTasks().map((task) => [task.sid, task.assignmentStatus, task.etag, task.reason]),
  );
}

beforeAll(async () => {
  stack = await startStack({
    simulator: { seed: 'bad-input-suite', scenario: { openTasks: 80, recentlyEndedShare: 0, closedTasks: 0 } },
  });
  const { sim } = stack;
  const [header, payload, signature] = sim.issueSandboxToken('agent').split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  claims.grants.flex.roles = ['admin'];
  const admin = SANDBOX_USERS.admin;
  inputs = {
    admin: sim.issueSandboxToken('admin'),
    agent: sim.issueSandboxToken('agent'),
    supervisor: sim.issueSandboxToken('supervisor'),
    expired: sim.issueSandboxToken('admin', -60),
    tampered: [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.'),
    foreign: issueFlexToken('0'.repeat(32), sim.accountSid, { identity: admin.identity, roles: ['admin'] }, Date.now()),
    sids: sim.listTasks({ verdict: 'stuck' }).map((task) => task.sid),
    workspaceSid: sim.workspaceSid,
  };
  expect(inputs.sids.length).toBeGreaterThanOrEqual(10);
  before = stateOf(stack);
  sim.resetStats();

  const limit = pLimit(4);
  await Promise.all(
    CASES.map((badRequest) =>
      limit(async () => {
        const { contentType, body, method = 'POST', query, headers = {} } = badRequest.request(inputs);
        const url = new URL(stack.url(badRequest.endpoint));
        for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, value);
        const answer = await send(url.toString(), {
          method,
          headers: { ...headers, ...(contentType ? { 'Content-Type': contentType } : {}) },
          body,
          ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
        } as RequestInit);
        answers.set(badRequest.name, answer);
      }),
    ),
  );
});

afterAll(async () => {
  await stack?.stop();
});

describe('bad input', () => {
  it('has at least 30 distinct malformed requests', () => {
    expect(new Set(CASES.map((badRequest) => badRequest.name)).size).toBe(CASES.length);
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES.map((badRequest) => [badRequest.name, badRequest] as const))(
    '%s → documented 4xx',
    (_name, badRequest) => {
      const answer = answers.get(badRequest.name) as ApiAnswer;
      expect(answer.status).toBe(badRequest.status);
      // No stack trace, no file path, whoever answered.
      expect(answer.text).not.toMatch(/\n\s+at |node_modules|\.[jt]s:\d+/);
      if (badRequest.code === null) return;
      const body = answer.body as { error: { code: string; message: string } };
      expect(Object.keys(body)).toEqual(['error']);
      expect(body.error.code).toBe(badRequest.code);
      expect(body.error.message.length).toBeGreaterThan(10);
      expect(body.error.message.length).toBeLessThan(400);
      if (badRequest.message) expect(body.error.message).toMatch(badRequest.message);
      expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    },
  );

  it('changed nothing in the simulator', () => {
    expect(stack.sim.updateLog()).toEqual([]);
    expect(stack.sim.stats().requests['tasks.update']).toBe(0);
    expect(stateOf(stack)).toBe(before);
  });
});

describe('an identity with control characters in a valid admin token', () => {
  it('is written sanitised into the close reason and the log line: no forged second "Closed by" line', async () => {
    const [forgedSid, longSid] = inputs.sids.slice(-2);
    const closeAs = async (identity: string, taskSid: string) => {
      const token = stack.sim.issueToken({ identity, roles: ['admin'] });
      const answer = await stack.call<{ results: { outcome: string }[] }>('close', { Token: token, TaskSids: taskSid });
      expect(answer.status).toBe(200);
      expect(answer.body.results[0].outcome).toMatch(/^(canceled|completed)$/);
      return stack.sim.getTask(taskSid)?.reason;
    };

    const forged = await closeAs('eve\nClosed by ada_admin.\r\u202e', forgedSid);
    expect(forged).toBe('Orchestration issue: closed stuck voice Task. Closed by eve Closed by ada_admin..');
    const long = await closeAs(`mallory${'\u0007x'.repeat(200)}`, longSid);
    expect(long).toMatch(/Closed by mallory( x)+…\.$/);
    expect([...(long?.split(' Closed by ')[1] ?? '')]).toHaveLength(101);

    const logged = await stack.functions.waitForLogEntries(
      (entries) => entries.filter((entry) => entry.event === 'task_closed').length >= 2,
    );
    const identities = logged.filter((entry) => entry.event === 'task_closed').map((entry) => entry.identity);
    expect(identities).toContain('eve Closed by ada_admin.');
    for (const identity of identities) expect(identity).not.toMatch(/[\p{Cc}\p{Cf}]/u);
  });
});
