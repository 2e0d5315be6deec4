import http from 'http';
import type { AddressInfo } from 'net';
import {
  TEST_ACCOUNT_SID,
  TEST_WORKSPACE_SID,
  makeCall,
  makeClosureEvent,
  makeTask,
  testSettings,
} from '../../test/support/fakeGateway';
import { onFakeTime } from '../../test/support/fakeTime';
import { DeadlineExceededError, UpstreamError } from './errors';
import { rebase } from './httpTransport';
import {
  buildGateway,
  conversationSidExpression,
  createTwilioGateway,
  cursorFrom,
  MAX_CONVERSATIONS_PER_TASK_QUERY,
  withDefaults,
} from './twilioGateway';

type Sent = { method: string; uri: string; params?: object; data?: object; headers?: Record<string, string> };
type Answer = { statusCode: number; body?: unknown; headers?: Record<string, unknown> } | Error;

const TASK_SID = `WT${'1'.repeat(32)}`;
const CALL_SID = `CA${'2'.repeat(32)}`;
const fast = withDefaults({ concurrency: 4, minBackoffMs: 1, maxBackoffMs: 4, retries: 5 });

/** A gateway over a scripted transport: answers are taken in order; the last one repeats. */
function scripted(answers: Answer[], config = fast) {
  const sent: Sent[] = [];
  let inFlight = 0;
  let peak = 0;
  const gateway = buildGateway(testSettings(), config, async (opts) => {
    sent.push(opts);
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 2));
    inFlight -= 1;
    const answer = answers.length > 1 ? answers.shift() : answers[0];
    if (answer instanceof Error) throw answer;
    return { statusCode: answer!.statusCode, body: answer!.body ?? {}, headers: answer!.headers ?? {} };
  });
  return { gateway, sent, peak: () => peak };
}

const twilioError = (status: number, code: number) => ({
  statusCode: status,
  body: { code, message: `error ${code}`, more_info: 'https://www.twilio.com/docs/errors', status },
});

describe('gateway retries', () => {
  it.each([429, 500, 502, 503, 504])('retries a %s and returns the answer that follows', async (status) => {
    const { gateway, sent } = scripted([
      twilioError(status, 20429),
      { statusCode: 200, body: makeCall({ sid: CALL_SID }) },
    ]);
    await expect(gateway.fetchCall(CALL_SID)).resolves.toMatchObject({ sid: CALL_SID });
    expect(sent).toHaveLength(2);
    expect(gateway.stats()).toMatchObject({
      retries: 1,
      throttled: status === 429 ? 1 : 0,
      serverErrors: status === 429 ? 0 : 1,
      requests: { fetchCall: 2 },
    });
  });

  it('retries network errors', async () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const { gateway } = scripted([reset, { statusCode: 200, body: makeCall({ sid: CALL_SID }) }]);
    await expect(gateway.fetchCall(CALL_SID)).resolves.toMatchObject({ sid: CALL_SID });
    expect(gateway.stats().networkErrors).toBe(1);
  });

  it('gives up with an UpstreamError carrying the last status after the retries', async () => {
    const { gateway, sent } = scripted([twilioError(503, 20503)]);
    const failure = gateway.fetchCall(CALL_SID);
    await expect(failure).rejects.toBeInstanceOf(UpstreamError);
    await expect(failure).rejects.toMatchObject({ status: 503, twilioCode: 20503 });
    await expect(failure).rejects.toThrow(/Fetching a call failed: Twilio answered 503.*even after retries/);
    expect(sent).toHaveLength(6);
  });

  it.each([400, 401, 403])('does not retry a %s', async (status) => {
    const { gateway, sent } = scripted([twilioError(status, 20003)]);
    await expect(gateway.fetchCall(CALL_SID)).rejects.toMatchObject({ status });
    expect(sent).toHaveLength(1);
  });

  it('explains a 401 as bad credentials and a 404 task list as an unknown workspace', async () => {
    await expect(scripted([twilioError(401, 20003)]).gateway.listOpenTasks(null, 50)).rejects.toThrow(
      /check the account SID and auth token/,
    );
    await expect(scripted([twilioError(404, 20404)]).gateway.listOpenTasks(null, 50)).rejects.toThrow(
      /check the TaskRouter workspace SID/,
    );
  });

  it('stops retrying when the next backoff would pass the deadline', async () => {
    const slow = withDefaults({ concurrency: 2, minBackoffMs: 200, maxBackoffMs: 200, retries: 10 });
    const { gateway, sent } = scripted([twilioError(429, 20429)], slow);
    // On fake time: the backoffs and the deadline are what decide, not how busy the machine is.
    const { outcome, elapsedMs } = await onFakeTime(() => gateway.fetchCall(CALL_SID, { deadline: Date.now() + 300 }));
    expect(outcome).toEqual({ error: expect.any(UpstreamError) });
    expect(elapsedMs).toBeLessThan(600);
    expect(sent.length).toBeLessThanOrEqual(2);
  });

  it('caps the total retry time of one request', async () => {
    const capped = withDefaults({
      concurrency: 2,
      minBackoffMs: 50,
      maxBackoffMs: 50,
      retries: 100,
      maxRetryTimeMs: 250,
    });
    const { gateway } = scripted([twilioError(500, 20500)], capped);
    const { outcome, elapsedMs } = await onFakeTime(() => gateway.fetchCall(CALL_SID));
    expect(outcome).toEqual({ error: expect.any(UpstreamError) });
    expect(elapsedMs).toBeLessThan(1000);
  });

  it('makes no request once the deadline has passed', async () => {
    const { gateway, sent } = scripted([{ statusCode: 200, body: makeCall() }]);
    await expect(gateway.fetchCall(CALL_SID, { deadline: Date.now() - 1 })).rejects.toBeInstanceOf(
      DeadlineExceededError,
    );
    expect(sent).toHaveLength(0);
  });

  it('makes no request for work abandoned by its caller', async () => {
    const { gateway, sent } = scripted([{ statusCode: 200, body: makeCall() }]);
    const abandoned = new AbortController();
    abandoned.abort();
    await expect(gateway.fetchCall(CALL_SID, { signal: abandoned.signal })).rejects.toBeInstanceOf(
      DeadlineExceededError,
    );
    expect(sent).toHaveLength(0);
  });
});

describe('gateway requests', () => {
  it('never has more requests in flight than its concurrency', async () => {
    const { gateway, peak } = scripted([{ statusCode: 200, body: makeCall({ sid: CALL_SID }) }]);
    await Promise.all(Array.from({ length: 40 }, () => gateway.fetchCall(CALL_SID)));
    expect(peak()).toBe(4);
    expect(gateway.stats()).toMatchObject({ peakInFlight: 4, totalRequests: 40 });
  });

  it('keeps one request in flight per slot even when the work in a slot starts several at once', async () => {
    const { gateway, peak } = scripted([{ statusCode: 200, body: makeCall({ sid: CALL_SID }) }]);
    // Like a close re-checking the legs of conference tasks: each slot fetches three legs at once.
    await Promise.all(
      Array.from({ length: 10 }, () =>
        gateway.withSlot((slot) =>
          Promise.all([slot.fetchCall(CALL_SID), slot.fetchCall(CALL_SID), slot.fetchCall(CALL_SID)]),
        ),
      ),
    );
    expect(peak()).toBe(4);
    expect(gateway.stats()).toMatchObject({ peakInFlight: 4, totalRequests: 30 });
  });

  it('lists open tasks with every open status and follows Twilio page links by Page and PageToken only', async () => {
    const next = `https://evil.example/v1/Workspaces/${TEST_WORKSPACE_SID}/Tasks?PageSize=2&Page=1&PageToken=PTabc`;
    const { gateway, sent } = scripted([
      { statusCode: 200, body: { tasks: [makeTask()], meta: { next_page_url: next } } },
    ]);
    const page = await gateway.listOpenTasks(null, 2);
    expect(page.next).toEqual({ page: 1, pageToken: 'PTabc' });
    await gateway.listOpenTasks(page.next, 2);
    expect(sent[0]).toMatchObject({
      method: 'get',
      uri: `https://taskrouter.twilio.com/v1/Workspaces/${TEST_WORKSPACE_SID}/Tasks`,
      params: { AssignmentStatus: ['pending', 'reserved', 'assigned'], PageSize: 2 },
    });
    expect(sent[1].uri).toBe(`https://taskrouter.twilio.com/v1/Workspaces/${TEST_WORKSPACE_SID}/Tasks`);
    expect(sent[1].params).toMatchObject({ Page: 1, PageToken: 'PTabc' });
  });

  it('lists events of one type in a window on the TaskRouter host, paged by Page and PageToken, retried on 429', async () => {
    const next = `https://evil.example/v1/Workspaces/${TEST_WORKSPACE_SID}/Events?PageSize=2&Page=1&PageToken=PEabc`;
    const event = makeClosureEvent({ outcome: 'canceled', reason: 'r', atMs: Date.parse('2024-05-01T10:00:00Z') });
    const { gateway, sent } = scripted([
      twilioError(429, 20429),
      { statusCode: 200, body: { events: [event], meta: { next_page_url: next } } },
      { statusCode: 200, body: { events: [], meta: { next_page_url: null } } },
    ]);
    const query = {
      eventType: 'task.canceled',
      startDate: '2024-04-24T12:00:00.000Z',
      endDate: '2024-05-01T12:00:00.000Z',
    };
    const page = await gateway.listEvents(query, null, 2);
    expect(page).toEqual({ events: [event], next: { page: 1, pageToken: 'PEabc' } });
    await expect(gateway.listEvents(query, page.next, 2)).resolves.toEqual({ events: [], next: null });
    expect(sent[1]).toMatchObject({
      method: 'get',
      uri: `https://taskrouter.twilio.com/v1/Workspaces/${TEST_WORKSPACE_SID}/Events`,
      params: { EventType: 'task.canceled', StartDate: query.startDate, EndDate: query.endDate, PageSize: 2 },
    });
    expect(sent[2].uri).toBe(`https://taskrouter.twilio.com/v1/Workspaces/${TEST_WORKSPACE_SID}/Events`);
    expect(sent[2].params).toMatchObject({ EventType: 'task.canceled', Page: 1, PageToken: 'PEabc' });
    expect(gateway.stats()).toMatchObject({ requests: { listEvents: 3 }, throttled: 1 });
  });

  it('refuses an events answer of an unexpected shape, and says a 404 is an unknown workspace', async () => {
    const query = { eventType: 'task.completed', startDate: 'a', endDate: 'b' };
    await expect(
      scripted([{ statusCode: 200, body: { events: [{ sid: 1 }], meta: {} } }]).gateway.listEvents(query, null, 5),
    ).rejects.toThrow(/Listing TaskRouter events: Twilio's answer has an unexpected shape/);
    await expect(scripted([twilioError(404, 20404)]).gateway.listEvents(query, null, 5)).rejects.toThrow(
      /check the TaskRouter workspace SID/,
    );
  });

  it('lists wrapping tasks too only when asked (overdue wrap-ups on)', async () => {
    const { gateway, sent } = scripted([{ statusCode: 200, body: { tasks: [], meta: { next_page_url: null } } }]);
    await gateway.listOpenTasks(null, 5, {}, { includeWrapping: true });
    await gateway.listOpenTasks(null, 5, {}, { includeWrapping: false });
    expect(sent[0].params).toMatchObject({ AssignmentStatus: ['pending', 'reserved', 'assigned', 'wrapping'] });
    expect(sent[1].params).toMatchObject({ AssignmentStatus: ['pending', 'reserved', 'assigned'] });
  });

  it('sends new attributes in the same request as the status, reason and If-Match', async () => {
    const { gateway, sent } = scripted([
      { statusCode: 200, body: makeTask({ sid: TASK_SID, assignment_status: 'completed' }) },
    ]);
    const attributes = '{"id":12345678901234567890,"conversations":{"outcome":"Closed stuck task"}}';
    await gateway.updateTask(TASK_SID, { assignmentStatus: 'completed', reason: 'R', ifMatch: '"9"', attributes });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      method: 'post',
      data: { AssignmentStatus: 'completed', Reason: 'R', Attributes: attributes },
      headers: { 'If-Match': '"9"' },
    });
  });

  it('returns the ETag with a fetched task and null for a 404', async () => {
    const task = makeTask({ sid: TASK_SID });
    const { gateway } = scripted([{ statusCode: 200, body: task, headers: { etag: '"7"' } }, twilioError(404, 20404)]);
    await expect(gateway.fetchTask(TASK_SID)).resolves.toEqual({ task, etag: '"7"' });
    await expect(gateway.fetchTask(TASK_SID)).resolves.toBeNull();
  });

  it('sends If-Match, AssignmentStatus and Reason on update, and maps 412/404/400', async () => {
    const { gateway, sent } = scripted([
      { statusCode: 200, body: makeTask({ sid: TASK_SID, assignment_status: 'canceled' }) },
      twilioError(412, 20412),
      twilioError(404, 20404),
      twilioError(400, 20001),
    ]);
    const update = { assignmentStatus: 'canceled' as const, reason: 'Why. Closed by ann.', ifMatch: '"3"' };
    await expect(gateway.updateTask(TASK_SID, update)).resolves.toMatchObject({ kind: 'updated' });
    expect(sent[0]).toMatchObject({
      method: 'post',
      uri: `https://taskrouter.twilio.com/v1/Workspaces/${TEST_WORKSPACE_SID}/Tasks/${TASK_SID}`,
      data: { AssignmentStatus: 'canceled', Reason: 'Why. Closed by ann.' },
      headers: { 'If-Match': '"3"' },
    });
    expect(sent[0].data).not.toHaveProperty('Attributes'); // no attributes asked: they are left as they are
    await expect(gateway.updateTask(TASK_SID, update)).resolves.toEqual({ kind: 'precondition_failed' });
    await expect(gateway.updateTask(TASK_SID, update)).resolves.toEqual({
      kind: 'not_found',
      afterUnansweredAttempt: false,
    });
    await expect(gateway.updateTask(TASK_SID, update)).resolves.toEqual({
      kind: 'rejected',
      twilioCode: 20001,
      message: 'error 20001',
    });
  });

  it('updates the attributes alone with If-Match: no AssignmentStatus, no Reason; maps 412/404/400', async () => {
    const { gateway, sent } = scripted([
      { statusCode: 200, body: makeTask({ sid: TASK_SID, assignment_status: 'assigned' }) },
      twilioError(412, 20412),
      twilioError(404, 20404),
      twilioError(400, 20001),
    ]);
    const update = { attributes: '{"id":12345678901234567890,"stuckTasksClosure":{}}', ifMatch: '"4"' };
    await expect(gateway.updateTaskAttributes(TASK_SID, update)).resolves.toMatchObject({ kind: 'updated' });
    expect(sent[0]).toEqual(
      expect.objectContaining({
        method: 'post',
        uri: `https://taskrouter.twilio.com/v1/Workspaces/${TEST_WORKSPACE_SID}/Tasks/${TASK_SID}`,
        data: { Attributes: update.attributes },
        headers: { 'If-Match': '"4"' },
      }),
    );
    await expect(gateway.updateTaskAttributes(TASK_SID, update)).resolves.toEqual({ kind: 'precondition_failed' });
    await expect(gateway.updateTaskAttributes(TASK_SID, update)).resolves.toEqual({
      kind: 'not_found',
      afterUnansweredAttempt: false,
    });
    await expect(gateway.updateTaskAttributes(TASK_SID, update)).resolves.toMatchObject({ kind: 'rejected' });
    expect(gateway.stats().requests).toMatchObject({ updateTaskAttributes: 4, updateTask: 0 });
  });

  it('says when a 404 to an update follows an attempt that may have been applied', async () => {
    const update = { assignmentStatus: 'canceled' as const, reason: 'R', ifMatch: '"3"' };
    const afterThrottle = scripted([twilioError(429, 20429), twilioError(404, 20404)]).gateway;
    await expect(afterThrottle.updateTask(TASK_SID, update)).resolves.toMatchObject({ afterUnansweredAttempt: false });
    const afterServerError = scripted([twilioError(500, 20500), twilioError(404, 20404)]).gateway;
    await expect(afterServerError.updateTask(TASK_SID, update)).resolves.toMatchObject({
      afterUnansweredAttempt: true,
    });
  });

  it('fetches calls from API 2010 and lists them by status', async () => {
    const { gateway, sent } = scripted([
      { statusCode: 200, body: makeCall({ sid: CALL_SID }) },
      {
        statusCode: 200,
        body: {
          calls: [makeCall({ status: 'in-progress' })],
          next_page_uri: `/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Calls.json?Status=in-progress&Page=1&PageToken=PACA1`,
        },
      },
    ]);
    await gateway.fetchCall(CALL_SID);
    const page = await gateway.listCalls('in-progress', null, 1000);
    expect(sent[0].uri).toBe(`https://api.twilio.com/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Calls/${CALL_SID}.json`);
    expect(sent[1]).toMatchObject({
      uri: `https://api.twilio.com/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Calls.json`,
      params: { Status: 'in-progress', PageSize: 1000 },
    });
    expect(page.next).toEqual({ page: 1, pageToken: 'PACA1' });
  });

  it('pages through reservations', async () => {
    const reservation = (n: number) => ({
      sid: `WR${n}`,
      worker_sid: `WK${n}`,
      worker_name: `w${n}`,
      reservation_status: 'rejected',
    });
    const { gateway } = scripted([
      {
        statusCode: 200,
        body: { reservations: [reservation(1)], meta: { next_page_url: 'https://x/y?Page=1&PageToken=PT2' } },
      },
      { statusCode: 200, body: { reservations: [reservation(2)], meta: { next_page_url: null } } },
    ]);
    await expect(gateway.listReservations(TASK_SID)).resolves.toHaveLength(2);
  });

  it('refuses answers of an unexpected shape', async () => {
    const { gateway } = scripted([{ statusCode: 200, body: '<html>maintenance</html>' }]);
    await expect(gateway.listOpenTasks(null, 10)).rejects.toThrow(/unexpected shape/);
  });

  it('never puts a malformed SID into a URL', async () => {
    const { gateway, sent } = scripted([{ statusCode: 200, body: {} }]);
    await expect(gateway.fetchTask('WT../../Calls')).rejects.toThrow(/malformed SID/);
    await expect(gateway.fetchCall('CA1/../x')).rejects.toThrow(/malformed SID/);
    expect(sent).toHaveLength(0);
  });

  it('reads cursors from absolute and relative next-page links', () => {
    expect(cursorFrom(null)).toBeNull();
    expect(cursorFrom('/2010-04-01/Accounts/AC1/Calls.json?Page=2&PageToken=PA%2Fx')).toEqual({
      page: 2,
      pageToken: 'PA/x',
    });
    expect(() => cursorFrom('https://taskrouter.twilio.com/v1/x?PageToken=1')).toThrow(UpstreamError);
  });
});

describe('gateway over HTTP (its Node HTTP transport)', () => {
  let server: http.Server;
  let baseUrl: string;
  const seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        seen.push({ method: request.method, url: request.url, headers: request.headers, body });
        response.setHeader('Content-Type', 'application/json');
        if (request.url?.includes('/Tasks?')) {
          response.end(JSON.stringify({ tasks: [makeTask({ sid: TASK_SID })], meta: { next_page_url: null } }));
        } else if (request.method === 'GET') {
          response.setHeader('ETag', '"42"');
          response.end(JSON.stringify(makeTask({ sid: TASK_SID })));
        } else {
          response.end(JSON.stringify(makeTask({ sid: TASK_SID, assignment_status: 'canceled' })));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends every request to the base URL with the real paths, Basic auth and repeated list parameters', async () => {
    const gateway = createTwilioGateway(testSettings({ apiBaseUrl: baseUrl }), { concurrency: 2 });
    await gateway.listOpenTasks(null, 100);
    const fetched = await gateway.fetchTask(TASK_SID);
    await gateway.updateTask(TASK_SID, {
      assignmentStatus: 'canceled',
      reason: 'R. Closed by ann.',
      ifMatch: '"42"',
      attributes: '{"n":1.50}',
    });

    expect(fetched?.etag).toBe('"42"');
    const auth = `Basic ${Buffer.from(`${TEST_ACCOUNT_SID}:${'x'.repeat(32)}`).toString('base64')}`;
    expect(seen.map((request) => request.headers.authorization)).toEqual([auth, auth, auth]);
    expect(seen[0].url).toBe(
      `/v1/Workspaces/${TEST_WORKSPACE_SID}/Tasks?AssignmentStatus=pending&AssignmentStatus=reserved&AssignmentStatus=assigned&PageSize=100`,
    );
    expect(seen[1]).toMatchObject({ method: 'GET', url: `/v1/Workspaces/${TEST_WORKSPACE_SID}/Tasks/${TASK_SID}` });
    expect(seen[2]).toMatchObject({
      method: 'POST',
      body: 'AssignmentStatus=canceled&Reason=R.%20Closed%20by%20ann.&Attributes=%7B%22n%22%3A1.50%7D',
    });
    expect(seen[2].headers['if-match']).toBe('"42"');
  });

  it('authenticates with the API key pair when one is set, still on the account', async () => {
    const apiKey = { sid: `SK${'5'.repeat(32)}`, secret: 's'.repeat(32) };
    const gateway = createTwilioGateway(testSettings({ apiBaseUrl: baseUrl, apiKey }), { concurrency: 1 });
    await gateway.fetchTask(TASK_SID);
    const last = seen[seen.length - 1];
    expect(last.headers.authorization).toBe(
      `Basic ${Buffer.from(`${apiKey.sid}:${apiKey.secret}`).toString('base64')}`,
    );
    expect(last.url).toBe(`/v1/Workspaces/${TEST_WORKSPACE_SID}/Tasks/${TASK_SID}`);
  });

  it('rebases URLs onto a base URL with a path prefix', () => {
    expect(rebase('https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json?Status=busy', 'http://h:1/sim/')).toBe(
      'http://h:1/sim/2010-04-01/Accounts/AC1/Calls.json?Status=busy',
    );
  });

  it('refuses a concurrency below 1', () => {
    expect(() => withDefaults({ concurrency: 0 })).toThrow(/at least 1/);
  });
});

/**
 * A fake account in process: this test's requests and `other` requests of other traffic share a limit
 * of 100; every answer carries the account's total in `Twilio-Concurrent-Requests`, as Twilio's do.
 */
function fakeAccount(other: number) {
  const account = { ours: 0, other, peakTotal: 0, refused: 0 };
  const send = async () => {
    const header = () => ({ 'twilio-concurrent-requests': String(account.ours + account.other) });
    if (account.ours + account.other >= 100) {
      account.refused += 1;
      return { ...twilioError(429, 20429), headers: header() };
    }
    account.ours += 1;
    account.peakTotal = Math.max(account.peakTotal, account.ours + account.other);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const headers = header();
    account.ours -= 1;
    return { statusCode: 200, body: makeCall({ sid: CALL_SID }), headers };
  };
  const gatewayOf = (concurrency: number, retries = 8) =>
    buildGateway(
      testSettings(),
      withDefaults({ concurrency, accountLimit: 100, headroom: 15, retries, minBackoffMs: 1, maxBackoffMs: 4 }),
      send,
    );
  return { account, gatewayOf };
}

describe('adaptive concurrency (a fake account sending Twilio-Concurrent-Requests)', () => {
  it('alone on the account, grows from its initial window to the cap', async () => {
    const { gatewayOf } = fakeAccount(0);
    const gateway = gatewayOf(30);
    await Promise.all(Array.from({ length: 300 }, () => gateway.fetchCall(CALL_SID)));
    expect(gateway.stats().window).toEqual({ current: 30, min: 8, max: 30, shrinks: 0 });
    expect(gateway.stats().peakInFlight).toBe(30);
  });

  it('with 60 requests of other traffic, keeps the account near limit − headroom and nobody gets a 429', async () => {
    const { account, gatewayOf } = fakeAccount(60);
    const gateway = gatewayOf(60);
    await Promise.all(Array.from({ length: 400 }, () => gateway.fetchCall(CALL_SID)));
    const { window, throttled, peakInFlight } = gateway.stats();
    expect(account.refused).toBe(0);
    expect(throttled).toBe(0);
    // It grows to the room the other traffic leaves (85 − 60) and holds there.
    expect(window.max).toBeLessThanOrEqual(30);
    expect(peakInFlight).toBeGreaterThan(15);
    expect(account.peakTotal).toBeLessThanOrEqual(90);
  });

  it('two gateways on one busy account share it through the same signal, nobody refused', async () => {
    const { account, gatewayOf } = fakeAccount(50);
    const first = gatewayOf(60);
    const second = gatewayOf(60);
    await Promise.all(
      Array.from({ length: 300 }, () => [first.fetchCall(CALL_SID), second.fetchCall(CALL_SID)]).flat(),
    );
    expect(account.refused).toBe(0);
    expect(account.peakTotal).toBeLessThanOrEqual(90);
    expect(first.stats().window.max + second.stats().window.max).toBeLessThanOrEqual(50);
  });

  it('keeps a slot held by withSlot: a smaller window only delays new work', async () => {
    const { account, gatewayOf } = fakeAccount(90);
    const gateway = gatewayOf(20);
    const held = await gateway.withSlot(async (slot) => {
      await slot.fetchCall(CALL_SID); // answers 91, above the target: the window shrinks
      return slot.fetchCall(CALL_SID);
    });
    expect(held).toMatchObject({ sid: CALL_SID });
    expect(gateway.stats().window.shrinks).toBeGreaterThan(0);
    expect(account.refused).toBe(0);
  });

  it('shrinks at once on a 429 from a full account', async () => {
    const { gatewayOf } = fakeAccount(100);
    const gateway = gatewayOf(20, 3);
    await expect(gateway.fetchCall(CALL_SID)).rejects.toMatchObject({ status: 429 });
    expect(gateway.stats().window.shrinks).toBeGreaterThan(0);
    expect(gateway.stats().window.current).toBe(1);
  });
});

describe('adaptive concurrency over HTTP (its Node HTTP transport)', () => {
  let server: http.Server;
  let baseUrl: string;

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.setHeader('Content-Type', 'application/json');
        response.setHeader('Twilio-Concurrent-Requests', '97');
        response.end(JSON.stringify(makeCall({ sid: CALL_SID })));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads the header from a real answer and backs off a busy account (settings give limit and headroom)', async () => {
    const gateway = createTwilioGateway(
      testSettings({ apiBaseUrl: baseUrl, accountConcurrencyLimit: 100, concurrencyHeadroom: 15 }),
      { concurrency: 20 },
    );
    for (let i = 0; i < 3; i += 1) await gateway.fetchCall(CALL_SID);
    // 97 of a target of 85: each answer shrinks it by 85/97 (8 → 7.0 → 6.1 → 5.4).
    expect(gateway.stats().window).toEqual({ current: 5, min: 5, max: 8, shrinks: 3 });
  });
});

describe('messaging: Conversations and Interactions', () => {
  const CH = `CH${'3'.repeat(32)}`;
  const KD = `KD${'4'.repeat(32)}`;
  const UO = `UO${'5'.repeat(32)}`;
  const channel = {
    sid: UO,
    interaction_sid: KD,
    type: 'sms',
    status: 'active',
    error_code: null,
    error_message: null,
  };

  it('fetches a conversation from conversations.twilio.com; 404 = deleted', async () => {
    const { gateway, sent } = scripted([
      { statusCode: 200, body: { sid: CH, state: 'closed', date_updated: '2024-05-01T11:00:00Z', timers: {} } },
      twilioError(404, 20404),
    ]);
    await expect(gateway.fetchConversation(CH)).resolves.toEqual({
      sid: CH,
      state: 'closed',
      friendly_name: null,
      date_created: null,
      date_updated: '2024-05-01T11:00:00Z',
      timers: { date_closed: null, date_inactive: null },
    });
    await expect(gateway.fetchConversation(CH)).resolves.toBeNull();
    expect(sent[0]).toMatchObject({ method: 'get', uri: `https://conversations.twilio.com/v1/Conversations/${CH}` });
  });

  it('fetches and closes an interaction channel on flex-api.twilio.com with Status and Routing closed', async () => {
    const { gateway, sent } = scripted([
      { statusCode: 200, body: channel },
      { statusCode: 200, body: { ...channel, status: 'closed' } },
      twilioError(400, 20001),
    ]);
    await expect(gateway.fetchInteractionChannel(KD, UO)).resolves.toMatchObject({ status: 'active', type: 'sms' });
    await expect(gateway.closeInteractionChannel(KD, UO)).resolves.toMatchObject({
      kind: 'updated',
      channel: { status: 'closed' },
    });
    await expect(gateway.closeInteractionChannel(KD, UO)).resolves.toEqual({
      kind: 'rejected',
      status: 400,
      twilioCode: 20001,
      message: 'error 20001',
    });
    expect(sent[0]).toMatchObject({
      method: 'get',
      uri: `https://flex-api.twilio.com/v1/Interactions/${KD}/Channels/${UO}`,
    });
    expect(sent[1]).toMatchObject({
      method: 'post',
      uri: `https://flex-api.twilio.com/v1/Interactions/${KD}/Channels/${UO}`,
      data: { Status: 'closed', Routing: '{"status":"closed"}' },
    });
  });

  it('refuses malformed SIDs before any request', async () => {
    const { gateway, sent } = scripted([{ statusCode: 200, body: channel }]);
    await expect(gateway.fetchConversation('CH../x')).rejects.toThrow(/malformed SID/);
    await expect(gateway.fetchInteractionChannel(KD, '../UO')).rejects.toThrow(/malformed SID/);
    await expect(gateway.closeInteractionChannel('KD1', UO)).rejects.toThrow(/malformed SID/);
    expect(sent).toEqual([]);
  });

  it('keeps each Interactions endpoint to its rate: 10 a second means 10 fetches take 0.9 s or more', async () => {
    const { gateway, sent } = scripted(
      [{ statusCode: 200, body: channel }],
      withDefaults({ ...fast, interactionsPerSecond: 10 }),
    );
    const started = Date.now();
    await Promise.all(Array.from({ length: 10 }, () => gateway.fetchInteractionChannel(KD, UO)));
    // Evenly spaced starts (100 ms apart): never more than the limit inside any second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(890);
    expect(sent).toHaveLength(10);
    // The Conversations API has no such limit here.
    const conversations = scripted(
      [{ statusCode: 200, body: { sid: CH, state: 'active' } }],
      withDefaults({ ...fast, interactionsPerSecond: 1 }),
    );
    await Promise.all(Array.from({ length: 5 }, () => conversations.gateway.fetchConversation(CH)));
    expect(conversations.sent).toHaveLength(5);
    expect(() => withDefaults({ interactionsPerSecond: 0 })).toThrow(/Interactions rate/);
  });
});

describe('the Interactions pace (fake time)', () => {
  const KD = `KD${'4'.repeat(32)}`;
  const UO = `UO${'5'.repeat(32)}`;
  const channel = { sid: UO, interaction_sid: KD, type: 'sms', status: 'active', routing: null };
  // One slot and two channel reads a second (500 ms apart).
  const oneSlot = withDefaults({ ...fast, concurrency: 1, interactionsPerSecond: 2 });

  beforeEach(() => jest.useFakeTimers({ now: Date.parse('2024-05-01T12:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('lets other requests through while channel reads wait for their turn (a wait holds no slot)', async () => {
    const sent: string[] = [];
    const gateway = buildGateway(testSettings(), oneSlot, async (opts) => {
      const kind = opts.uri.includes('/Calls/') ? 'call' : 'channel';
      sent.push(kind);
      await new Promise((resolve) => setTimeout(resolve, 2));
      return { statusCode: 200, body: kind === 'call' ? makeCall({ sid: CALL_SID }) : channel, headers: {} };
    });
    const reads = Array.from({ length: 3 }, () => gateway.fetchInteractionChannel(KD, UO));
    const call = gateway.fetchCall(CALL_SID);
    await jest.advanceTimersByTimeAsync(100);
    // One read went at once and the call got the slot while the other two reads wait for their turns.
    expect([...sent].sort()).toEqual(['call', 'channel']);
    await jest.advanceTimersByTimeAsync(1000);
    await Promise.all([...reads, call]);
    expect(sent).toHaveLength(4);
  });

  it('drops the reads of a call that was abandoned: the next call waits one turn, not behind them', async () => {
    const { gateway, sent } = scripted([{ statusCode: 200, body: channel }], oneSlot);
    const earlierCall = new AbortController();
    const abandoned = Array.from({ length: 20 }, () =>
      gateway.fetchInteractionChannel(KD, UO, { signal: earlierCall.signal }).catch((error: Error) => error),
    );
    await jest.advanceTimersByTimeAsync(100);
    earlierCall.abort();
    const refusals = await Promise.all(abandoned);
    expect(refusals.filter((outcome) => outcome instanceof DeadlineExceededError)).toHaveLength(19);
    const next = gateway.fetchInteractionChannel(KD, UO, { signal: new AbortController().signal });
    await jest.advanceTimersByTimeAsync(500);
    await expect(next).resolves.toMatchObject({ sid: UO });
    expect(sent).toHaveLength(2);
  });
});

describe('reverse orphans: conversations by state, tasks naming conversations', () => {
  const sidOf = (digit: number) => `CH${String(digit).repeat(32).slice(0, 32)}`;

  it('lists conversations in one state, keeping only Page and PageToken of the next page link', async () => {
    const { gateway, sent } = scripted([
      {
        statusCode: 200,
        body: {
          conversations: [{ sid: sidOf(1), state: 'active', date_updated: '2024-05-01T11:00:00Z' }],
          meta: { next_page_url: 'https://elsewhere.example/v1/Conversations?State=active&Page=1&PageToken=PTabc' },
        },
      },
    ]);
    const page = await gateway.listConversations('active', null, 100);
    expect(page.conversations.map((conversation) => conversation.sid)).toEqual([sidOf(1)]);
    expect(page.next).toEqual({ page: 1, pageToken: 'PTabc' });
    await gateway.listConversations('inactive', page.next, 100);
    expect(sent[0]).toMatchObject({
      method: 'get',
      uri: 'https://conversations.twilio.com/v1/Conversations',
      params: { State: 'active', PageSize: 100 },
    });
    expect(sent[1].params).toEqual({ State: 'inactive', PageSize: 100, Page: 1, PageToken: 'PTabc' });
    expect(gateway.stats().requests.listConversations).toBe(2);
  });

  it("asks TaskRouter for the open and wrapping tasks naming a batch, in TaskRouter's expression syntax", async () => {
    const { gateway, sent } = scripted([
      { statusCode: 200, body: { tasks: [makeTask()], meta: { next_page_url: null } } },
    ]);
    const page = await gateway.listOpenTasksNamingConversations([sidOf(1), sidOf(2)], null, 1000);
    expect(page.tasks).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      method: 'get',
      uri: `https://taskrouter.twilio.com/v1/Workspaces/${TEST_WORKSPACE_SID}/Tasks`,
      params: {
        AssignmentStatus: ['pending', 'reserved', 'assigned', 'wrapping'],
        EvaluateTaskAttributes: `conversationSid IN ['${sidOf(1)}', '${sidOf(2)}']`,
        PageSize: 1000,
      },
    });
    expect(gateway.stats().requests.listTasksByConversation).toBe(1);
  });

  it('puts nothing but CH SIDs into an expression, and at most a batch of them', async () => {
    const { gateway, sent } = scripted([{ statusCode: 200, body: { tasks: [], meta: {} } }]);
    await expect(
      gateway.listOpenTasksNamingConversations(["CH' OR 1==1 OR conversationSid == '"], null, 10),
    ).rejects.toThrow(/malformed SID/);
    await expect(gateway.listOpenTasksNamingConversations([], null, 10)).rejects.toThrow(/1 to 20/);
    const tooMany = Array.from({ length: MAX_CONVERSATIONS_PER_TASK_QUERY + 1 }, (_, i) => sidOf(i % 10));
    await expect(gateway.listOpenTasksNamingConversations(tooMany, null, 10)).rejects.toThrow(/1 to 20/);
    expect(sent).toEqual([]);
    expect(conversationSidExpression([sidOf(7)])).toBe(`conversationSid IN ['${sidOf(7)}']`);
  });
});
