import { createTranslator } from '../strings';
import { apiError, FAST_RETRY, FakeFunctions, ok, SERVICE_URL } from '../test/fakeFunctions';
import { makeHistoryEntry, makeOrphanConversation, taskSid } from '../test/fixtures';
import { createStuckTasksApi, StuckTasksApiError } from './client';
import { describeApiError } from './describeError';

const emptyPage = {
  suspects: [],
  needsReview: [],
  counts: { scanned: 0, stuck: 0, needsReview: 0, active: 0, skipped: 0 },
  nextPageToken: null,
};

function client(service: FakeFunctions, token = { current: 'token-a' }) {
  return createStuckTasksApi({
    serviceUrl: `${SERVICE_URL}/`,
    getToken: () => token.current,
    fetch: service.fetch,
    retry: FAST_RETRY,
  });
}

async function failureOf(promise: Promise<unknown>): Promise<StuckTasksApiError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof StuckTasksApiError)) throw new Error(`expected a StuckTasksApiError, got ${String(error)}`);
  return error;
}

it('POSTs form-urlencoded parameters with the token read at the time of each call', async () => {
  const service = new FakeFunctions()
    .on('/stuck-tasks/scan', () => ok(emptyPage))
    .on('/stuck-tasks/close', () => ok({ results: [] }));
  const token = { current: 'token-a' };
  const api = client(service, token);

  await api.scan(null);
  token.current = 'token-b';
  await api.scan('next page');
  await api.closeTasks([taskSid(1), taskSid(2)], { force: true });

  expect(service.requests.map((request) => [request.path, request.params])).toEqual([
    ['/stuck-tasks/scan', { Token: 'token-a' }],
    ['/stuck-tasks/scan', { Token: 'token-b', PageToken: 'next page' }],
    ['/stuck-tasks/close', { Token: 'token-b', TaskSids: JSON.stringify([taskSid(1), taskSid(2)]), Force: 'true' }],
  ]);
  expect(
    service.requests.every((request) => request.contentType?.startsWith('application/x-www-form-urlencoded')),
  ).toBe(true);
  const [url, init] = service.fetch.mock.calls[0];
  expect(String(url)).toBe(`${SERVICE_URL}/stuck-tasks/scan`);
  expect(init?.method).toBe('POST');
});

it('retries 429, 5xx and network failures, then answers', async () => {
  const service = new FakeFunctions()
    .on('/stuck-tasks/task', () => ok({ verdict: 'stuck' }))
    .queue(
      '/stuck-tasks/task',
      { status: 429, body: { error: { code: 'upstream', message: 'slow down' } } },
      { status: 500, body: 'oops' },
      { networkError: true },
      apiError('upstream', 'Twilio 503'),
    );
  await expect(client(service).inspectTask(taskSid(1))).resolves.toEqual({ verdict: 'stuck' });
  expect(service.requestsTo('/stuck-tasks/task')).toHaveLength(5);
});

it('gives up after the configured retries with the last failure', async () => {
  const service = new FakeFunctions().on('/stuck-tasks/scan', () => apiError('upstream', 'TaskRouter 503'));
  const error = await failureOf(client(service).scan(null));
  expect(error.kind).toBe('upstream');
  expect(error.message).toBe('TaskRouter 503');
  expect(service.requestsTo('/stuck-tasks/scan')).toHaveLength(1 + FAST_RETRY.retries);
});

it.each([
  ['bad_request', 400],
  ['unauthorized', 401],
  ['forbidden', 403],
  ['not_found', 404],
] as const)('does not retry %s (%i)', async (code, status) => {
  const service = new FakeFunctions().on('/stuck-tasks/task', () => apiError(code, `the ${code} message`));
  const error = await failureOf(client(service).inspectTask(taskSid(1)));
  expect([error.kind, error.status, error.message]).toEqual([code, status, `the ${code} message`]);
  expect(service.requestsTo('/stuck-tasks/task')).toHaveLength(1);
});

it('turns 401 and 403 into messages that say what to do', async () => {
  const t = createTranslator(() => ({}));
  const service = new FakeFunctions()
    .on('/stuck-tasks/scan', () => apiError('unauthorized', 'Token expired.'))
    .on('/stuck-tasks/task', () => apiError('forbidden', 'No allowed role.'));
  const api = client(service);

  expect(describeApiError(await failureOf(api.scan(null)), t)).toBe(
    'Your Flex session is no longer valid. Reload Flex and sign in again, then retry.',
  );
  expect(describeApiError(await failureOf(api.inspectTask(taskSid(1))), t)).toBe(
    'Your Flex role may not close stuck tasks. Ask an administrator to add one of your roles to ALLOWED_ROLES of the Functions service.',
  );
});

it('reports an answer outside the contract instead of passing it on', async () => {
  const service = new FakeFunctions()
    .on('/stuck-tasks/scan', () => ok({ html: '<p>gateway</p>' }))
    .on('/stuck-tasks/close', () => ({ status: 418, body: 'teapot' }));
  const api = client(service);
  expect((await failureOf(api.scan(null))).kind).toBe('http');
  const closeError = await failureOf(api.closeTasks([taskSid(1)]));
  expect([closeError.kind, closeError.status]).toEqual(['http', 418]);
  expect(
    describeApiError(
      closeError,
      createTranslator(() => ({})),
    ),
  ).toBe('Unexpected answer from the stuck tasks service (HTTP 418).');
});

it('refuses to send more SIDs than one close call accepts', async () => {
  const service = new FakeFunctions();
  const api = client(service);
  const tooMany = Array.from({ length: 51 }, (_, i) => taskSid(i));
  await expect(api.closeTasks(tooMany)).rejects.toThrow(RangeError);
  await expect(api.closeTasks([])).rejects.toThrow(RangeError);
  expect(service.requests).toHaveLength(0);
});

it('stops when its signal is aborted', async () => {
  const controller = new AbortController();
  const service = new FakeFunctions().on('/stuck-tasks/scan', () => {
    controller.abort();
    return { networkError: true };
  });
  const error = await failureOf(client(service).scan(null, controller.signal));
  expect(error.kind).toBe('aborted');
  expect(service.requests).toHaveLength(1);
});

describe('history', () => {
  it('asks for a window of days and follows the page token', async () => {
    const entries = [makeHistoryEntry(1, 10), makeHistoryEntry(2, 5), makeHistoryEntry(3, 60 * 24 * 3)];
    const service = new FakeFunctions().serveHistory(entries, { pageSize: 2 });
    const api = client(service);

    const first = await api.history(7, null);
    expect(first.entries.map((entry) => entry.taskSid)).toEqual([taskSid(2), taskSid(1)]);
    const second = await api.history(7, first.nextPageToken);
    expect(second).toEqual({ entries: [entries[2]], nextPageToken: null });
    expect((await api.history(1, null)).entries).toHaveLength(2);
    expect(service.requestsTo('/stuck-tasks/history').map((request) => request.params)).toEqual([
      { Days: '7', Token: 'token-a' },
      { Days: '7', PageToken: '2', Token: 'token-a' },
      { Days: '1', Token: 'token-a' },
    ]);
  });

  it('refuses days outside 1–30 before any request', async () => {
    const service = new FakeFunctions().serveHistory([]);
    const api = client(service);
    for (const days of [0, 31, 2.5, NaN]) await expect(api.history(days, null)).rejects.toThrow(RangeError);
    expect(service.requests).toHaveLength(0);
  });

  it('rejects an answer outside the contract and reports the service errors like the others', async () => {
    const service = new FakeFunctions().on('/stuck-tasks/history', () => ok({ closures: [] }));
    expect((await failureOf(client(service).history(7, null))).kind).toBe('http');
    service.on('/stuck-tasks/history', () => apiError('forbidden', 'Role not allowed.'));
    expect((await failureOf(client(service).history(7, null))).kind).toBe('forbidden');
  });
});

describe('orphanConversations', () => {
  it('follows the page token and returns the contract’s answer', async () => {
    const orphans = [makeOrphanConversation(1, 600), makeOrphanConversation(2, 7200), makeOrphanConversation(3, 90)];
    const service = new FakeFunctions().serveOrphans(orphans, { pageSize: 2 });
    const api = client(service);

    const first = await api.orphanConversations(null);
    expect(first.conversations).toEqual(orphans.slice(0, 2));
    const second = await api.orphanConversations(first.nextPageToken);
    expect(second).toMatchObject({ conversations: [orphans[2]], nextPageToken: null });
    expect(service.requestsTo('/stuck-tasks/orphan-conversations').map((request) => request.params)).toEqual([
      { Token: 'token-a' },
      { PageToken: '2', Token: 'token-a' },
    ]);
  });

  it('rejects an answer outside the contract and reports the service errors like the others', async () => {
    const service = new FakeFunctions().on('/stuck-tasks/orphan-conversations', () => ok({ orphans: [] }));
    expect((await failureOf(client(service).orphanConversations(null))).kind).toBe('http');
    service.on('/stuck-tasks/orphan-conversations', () => apiError('forbidden', 'Role not allowed.'));
    expect((await failureOf(client(service).orphanConversations(null))).kind).toBe('forbidden');
  });
});
