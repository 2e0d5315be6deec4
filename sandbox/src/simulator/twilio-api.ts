import type { IncomingMessage, ServerResponse } from 'http';
import type { RequestKind, SimulatorCore } from './core';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './defaults';
import { BodyTooLargeError, delay, parseParams, readBody, sendJson, sendTwilioError } from './http';
import type { AssignmentStatus, CallStatus, SimCall, SimTask } from './model';
import { ASSIGNMENT_STATUSES, CALL_STATUSES } from './model';
import { renderCall, renderReservation, renderTask } from './render';

interface Route {
  kind: RequestKind;
  method: string;
  params: Record<string, string>;
}

const SID = '([A-Za-z0-9]+)';
const ROUTES: { kind: RequestKind; method: string; pattern: RegExp; names: string[] }[] = [
  { kind: 'tasks.list', method: 'GET', pattern: new RegExp(`^/v1/Workspaces/${SID}/Tasks/?$`), names: ['workspace'] },
  {
    kind: 'reservations.list',
    method: 'GET',
    pattern: new RegExp(`^/v1/Workspaces/${SID}/Tasks/${SID}/Reservations/?$`),
    names: ['workspace', 'task'],
  },
  {
    kind: 'tasks.fetch',
    method: 'GET',
    pattern: new RegExp(`^/v1/Workspaces/${SID}/Tasks/${SID}/?$`),
    names: ['workspace', 'task'],
  },
  {
    kind: 'tasks.update',
    method: 'POST',
    pattern: new RegExp(`^/v1/Workspaces/${SID}/Tasks/${SID}/?$`),
    names: ['workspace', 'task'],
  },
  {
    kind: 'calls.list',
    method: 'GET',
    pattern: new RegExp(`^/2010-04-01/Accounts/${SID}/Calls\\.json$`),
    names: ['account'],
  },
  {
    kind: 'calls.fetch',
    method: 'GET',
    pattern: new RegExp(`^/2010-04-01/Accounts/${SID}/Calls/${SID}\\.json$`),
    names: ['account', 'call'],
  },
  {
    kind: 'tokens.validate',
    method: 'POST',
    pattern: new RegExp(`^/v1/Accounts/${SID}/Tokens/validate/?$`),
    names: ['account'],
  },
];

function matchRoute(method: string, path: string): Route | 'method_not_allowed' | null {
  let pathMatched = false;
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => (params[name] = match[i + 1]));
    return { kind: route.kind, method, params };
  }
  return pathMatched ? 'method_not_allowed' : null;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const badRequest = (message: string): HttpError => new HttpError(400, 20001, message);
const notFound = (path: string): HttpError => new HttpError(404, 20404, `The requested resource ${path} was not found`);

/**
 * Serves the Twilio slice. Order per request: count it, throttle above the concurrency limit (429),
 * half the latency, authenticate (401), inject a random 5xx, handle, the other half of the latency.
 */
export async function handleTwilioRequest(
  core: SimulatorCore,
  baseUrl: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', baseUrl);
  const method = req.method ?? 'GET';
  const route = matchRoute(method, url.pathname);
  const kind: RequestKind = route && route !== 'method_not_allowed' ? route.kind : 'unknown';
  const stats = core.stats;
  stats.requests[kind] += 1;
  stats.totalRequests += 1;
  const respond = (status: number, body: unknown, headers?: Record<string, string>): void => {
    core.stats.responsesByStatus[status] = (core.stats.responsesByStatus[status] ?? 0) + 1;
    sendJson(res, status, body, headers);
  };
  const respondError = (status: number, code: number, message: string, headers?: Record<string, string>): void => {
    core.stats.responsesByStatus[status] = (core.stats.responsesByStatus[status] ?? 0) + 1;
    sendTwilioError(res, status, code, message, headers);
  };

  const limit = core.config.concurrencyLimit;
  const overLimit = limit !== null && stats.inFlight >= limit;
  if (overLimit || (core.config.throttleRate > 0 && core.faultRng.chance(core.config.throttleRate))) {
    stats.throttled += 1;
    stats.throttledByKind[kind] += 1;
    await delay(latency(core));
    respondError(429, 20429, 'Too Many Requests');
    return;
  }
  stats.inFlight += 1;
  stats.peakConcurrency = Math.max(stats.peakConcurrency, stats.inFlight);
  const total = latency(core);
  try {
    await delay(total / 2);
    if (!authenticated(core, req.headers.authorization)) {
      respondError(401, 20003, 'Authenticate', { 'WWW-Authenticate': 'Basic realm="Twilio API"' });
      return;
    }
    if (core.config.errorRate > 0 && core.faultRng.chance(core.config.errorRate)) {
      core.stats.serverErrors += 1;
      await delay(total / 2);
      const status = core.faultRng.chance(0.5) ? 500 : 503;
      respondError(
        status,
        status === 500 ? 20500 : 20503,
        status === 500 ? 'Internal Server Error' : 'Service Unavailable',
      );
      return;
    }
    let outcome: { status: number; body: unknown; headers?: Record<string, string> };
    try {
      if (route === 'method_not_allowed') throw new HttpError(405, 20004, 'Method not allowed');
      if (!route) throw notFound(url.pathname);
      outcome = await dispatch(core, baseUrl, route, url, req);
    } catch (error) {
      if (error instanceof HttpError) {
        outcome = { status: error.status, body: { code: error.code, message: error.message } };
      } else if (error instanceof BodyTooLargeError) {
        outcome = { status: 413, body: { code: 20001, message: error.message } };
      } else {
        throw error;
      }
    }
    await delay(total / 2);
    const body = outcome.body as { code?: unknown; message?: unknown };
    if (outcome.status >= 400 && typeof body.code === 'number') {
      respondError(outcome.status, body.code, String(body.message));
    } else {
      respond(outcome.status, outcome.body, outcome.headers);
    }
  } finally {
    core.stats.inFlight -= 1;
  }
}

function latency(core: SimulatorCore): number {
  const { latencyMs, latencyJitterMs, slowRate, slowMs } = core.config;
  const jitter = latencyJitterMs > 0 ? (core.faultRng.next() * 2 - 1) * latencyJitterMs : 0;
  const slow = slowRate > 0 && core.faultRng.chance(slowRate) ? slowMs : 0;
  return Math.max(0, latencyMs + jitter) + slow;
}

function authenticated(core: SimulatorCore, header: string | undefined): boolean {
  if (!header || !header.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const user = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  return (
    (user === core.accountSid && secret === core.authToken) ||
    core.apiKeys.some((key) => key.sid === user && key.secret === secret)
  );
}

async function dispatch(
  core: SimulatorCore,
  baseUrl: string,
  route: Route,
  url: URL,
  req: IncomingMessage,
): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
  core.expire();
  const { params } = route;
  if (params.workspace !== undefined && params.workspace !== core.workspaceSid) throw notFound(url.pathname);
  if (params.account !== undefined && params.account !== core.accountSid) throw notFound(url.pathname);
  switch (route.kind) {
    case 'tasks.list':
      return { status: 200, body: listTasks(core, baseUrl, url) };
    case 'tasks.fetch': {
      const task = requireTask(core, params.task, url);
      return {
        status: 200,
        body: renderTask(task, core.store, { base: baseUrl }, core.now(), { hideAttributes: false }),
        headers: { ETag: core.store.etag(task) },
      };
    }
    case 'tasks.update':
      return updateTask(core, baseUrl, params.task, url, req);
    case 'reservations.list':
      return { status: 200, body: listReservations(core, baseUrl, requireTask(core, params.task, url), url) };
    case 'calls.fetch': {
      const call = core.store.calls.get(params.call);
      core.store.recordCallFetch(params.call, call, core.now());
      if (!call) throw notFound(url.pathname);
      return { status: 200, body: renderCall(call, core.store) };
    }
    case 'calls.list':
      return { status: 200, body: listCalls(core, url) };
    case 'tokens.validate': {
      const raw = await readBody(req);
      let token: unknown;
      try {
        token = parseParams(raw, req.headers['content-type'] ?? 'application/json').token;
      } catch {
        throw badRequest('Request body must be JSON like {"token": "…"}');
      }
      return { status: 200, body: core.validateToken(token) };
    }
    default:
      throw notFound(url.pathname);
  }
}

function requireTask(core: SimulatorCore, taskSid: string, url: URL): SimTask {
  const task = core.store.tasks.get(taskSid);
  if (!task) throw notFound(url.pathname);
  return task;
}

// ---- task update -----------------------------------------------------------------------------

async function updateTask(
  core: SimulatorCore,
  baseUrl: string,
  taskSid: string,
  url: URL,
  req: IncomingMessage,
): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
  const raw = await readBody(req);
  let form: Record<string, string>;
  try {
    form = parseParams(raw, req.headers['content-type']);
  } catch {
    throw badRequest('Request body must be form-urlencoded');
  }
  const task = requireTask(core, taskSid, url);
  const ifMatchHeader = req.headers['if-match'];
  const ifMatch = typeof ifMatchHeader === 'string' ? ifMatchHeader : null;
  if (ifMatch !== null && !etagMatches(ifMatch, core.store.etag(task))) {
    core.stats.updates.preconditionFailed += 1;
    throw new HttpError(
      412,
      20412,
      'Precondition Failed: the If-Match value does not match the current ETag of the Task',
    );
  }
  const now = core.now();
  const target = form.AssignmentStatus;
  if (target !== undefined) {
    const problem = transitionProblem(task.assignmentStatus, target);
    if (problem) {
      core.stats.updates.invalidTransition += 1;
      throw badRequest(problem);
    }
  }
  if (form.Attributes !== undefined) {
    try {
      JSON.parse(form.Attributes);
    } catch {
      throw badRequest('Attributes must be a valid JSON string');
    }
  }
  if (form.Priority !== undefined && !/^\d+$/.test(form.Priority))
    throw badRequest('Priority must be a non-negative integer');

  if (form.Attributes !== undefined) core.store.setTaskAttributes(task, form.Attributes, now);
  if (form.Priority !== undefined) {
    task.priority = Number(form.Priority);
    core.store.touchTask(task, now);
  }
  if (target !== undefined) {
    core.store.changeTaskStatus(task, {
      to: target as AssignmentStatus,
      reason: form.Reason ?? null,
      source: 'api',
      ifMatch,
      now,
    });
    core.stats.updates.applied += 1;
  } else if (form.Reason !== undefined) {
    task.reason = form.Reason;
    core.store.touchTask(task, now);
  }
  if (core.config.lostUpdateRate > 0 && core.faultRng.chance(core.config.lostUpdateRate)) {
    core.stats.updates.lostResponses += 1;
    core.stats.serverErrors += 1;
    throw new HttpError(500, 20500, 'Internal Server Error');
  }
  return {
    status: 200,
    body: renderTask(task, core.store, { base: baseUrl }, now, { hideAttributes: false }),
    headers: { ETag: core.store.etag(task) },
  };
}

function etagMatches(ifMatch: string, etag: string): boolean {
  return ifMatch
    .split(',')
    .map((value) =>
      value
        .trim()
        .replace(/^W\//, '')
        .replace(/^"(.*)"$/, '$1'),
    )
    .some((value) => value === '*' || value === etag);
}

/** TaskRouter's rules: cancel only from pending/reserved, complete only from assigned/wrapping. */
function transitionProblem(from: AssignmentStatus, to: string): string | null {
  switch (to) {
    case 'canceled':
      return from === 'pending' || from === 'reserved'
        ? null
        : `Cannot cancel Task in ${from} status: only pending or reserved Tasks can be canceled`;
    case 'completed':
      return from === 'assigned' || from === 'wrapping'
        ? null
        : `Cannot complete Task in ${from} status: only assigned or wrapping Tasks can be completed`;
    case 'wrapping':
      return from === 'assigned'
        ? null
        : `Cannot move Task in ${from} status to wrapping: only assigned Tasks can wrap`;
    case 'pending':
    case 'reserved':
    case 'assigned':
      return `AssignmentStatus ${to} cannot be set through the API (Task is ${from})`;
    default:
      return `Invalid AssignmentStatus '${to}'. Allowed values: canceled, wrapping, completed`;
  }
}

// ---- paging ------------------------------------------------------------------------------------

interface Cursor {
  /** Ordinal boundary (exclusive) for ordinal-ordered lists. */
  o?: number;
  /** 'f': continue forward from o; 'b': the page that ends just before o. */
  d?: 'f' | 'b';
  /** Offset for lists sorted by something else. */
  off?: number;
}

function encodeCursor(prefix: string, cursor: Cursor): string {
  return `${prefix}${Buffer.from(JSON.stringify(cursor)).toString('base64url')}`;
}

function decodeCursor(prefix: string, token: string | null): Cursor | null {
  if (token === null) return null;
  if (!token.startsWith(prefix)) throw badRequest(`Invalid PageToken '${token}'`);
  try {
    const cursor = JSON.parse(Buffer.from(token.slice(prefix.length), 'base64url').toString('utf8')) as Cursor;
    const validOrdinal =
      typeof cursor.o === 'number' && Number.isInteger(cursor.o) && (cursor.d === 'f' || cursor.d === 'b');
    const validOffset = typeof cursor.off === 'number' && Number.isInteger(cursor.off) && cursor.off >= 0;
    if (!validOrdinal && !validOffset) throw new Error('bad cursor');
    return cursor;
  } catch {
    throw badRequest(`Invalid PageToken '${token}'`);
  }
}

function pageSizeOf(url: URL): number {
  const raw = url.searchParams.get('PageSize');
  if (raw === null) return DEFAULT_PAGE_SIZE;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PAGE_SIZE) {
    throw badRequest(`PageSize must be an integer between 1 and ${MAX_PAGE_SIZE}, got '${raw}'`);
  }
  return Number(raw);
}

function pageNumberOf(url: URL): number {
  const raw = url.searchParams.get('Page');
  if (raw === null) return 0;
  if (!/^\d+$/.test(raw)) throw badRequest(`Page must be a non-negative integer, got '${raw}'`);
  return Number(raw);
}

/** The request's filters, without the paging parameters, to carry into next/previous URLs. */
function filterParams(url: URL): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of url.searchParams) {
    if (key !== 'PageSize' && key !== 'Page' && key !== 'PageToken') params.append(key, value);
  }
  return params;
}

function pageUrl(
  base: string,
  path: string,
  filters: URLSearchParams,
  pageSize: number,
  page: number,
  token?: string,
): string {
  const params = new URLSearchParams(filters);
  params.set('PageSize', String(pageSize));
  params.set('Page', String(page));
  if (token) params.set('PageToken', token);
  return `${base}${path}?${params.toString()}`;
}

interface Page<T> {
  items: T[];
  next: Cursor | null;
  previous: Cursor | null;
}

/**
 * One page over items identified by ordinals, in the given order, from the cursor, keeping those
 * the predicate accepts. Costs O(page) when the predicate accepts most items.
 */
function ordinalPage<T extends { ordinal: number }>(
  iterate: (forward: boolean, from: number | undefined) => Iterable<number>,
  lookup: (ordinal: number) => T | undefined,
  accept: (item: T) => boolean,
  cursor: Cursor | null,
  pageSize: number,
  page: number,
): Page<T> {
  const backward = cursor?.d === 'b';
  const items: T[] = [];
  let more = false;
  for (const ordinal of iterate(!backward, cursor?.o)) {
    const item = lookup(ordinal);
    if (!item || !accept(item)) continue;
    if (items.length === pageSize) {
      more = true;
      break;
    }
    items.push(item);
  }
  if (backward) items.reverse();
  const first = items[0];
  const last = items[items.length - 1];
  if (backward) {
    return {
      items,
      next: last ? { o: last.ordinal, d: 'f' } : cursor,
      previous: more && first ? { o: first.ordinal, d: 'b' } : null,
    };
  }
  return {
    items,
    next: more && last ? { o: last.ordinal, d: 'f' } : null,
    previous: page > 0 && first ? { o: first.ordinal, d: 'b' } : null,
  };
}

interface PageMetaInput {
  base: string;
  path: string;
  filters: URLSearchParams;
  pageSize: number;
  page: number;
  /** The PageToken this page was asked with. */
  token: string | undefined;
  /** The list's key in the body (`tasks`, `reservations`). */
  key: string;
  /** Prefix of the cursors this list issues. */
  prefix: string;
}

/** TaskRouter v1's `meta` block of a list page, with next/previous links carrying our cursors. */
function taskRouterPageMeta(input: PageMetaInput, result: Page<unknown>): Record<string, unknown> {
  const { base, path, filters, pageSize, page, token, key, prefix } = input;
  return {
    first_page_url: pageUrl(base, path, filters, pageSize, 0),
    key,
    next_page_url: result.next
      ? pageUrl(base, path, filters, pageSize, page + 1, encodeCursor(prefix, result.next))
      : null,
    page,
    page_size: pageSize,
    previous_page_url: result.previous
      ? pageUrl(base, path, filters, pageSize, Math.max(0, page - 1), encodeCursor(prefix, result.previous))
      : null,
    url: pageUrl(base, path, filters, pageSize, page, token),
  };
}

function offsetPage<T>(all: T[], cursor: Cursor | null, pageSize: number, page: number): Page<T> {
  const offset = cursor?.off ?? page * pageSize;
  const items = all.slice(offset, offset + pageSize);
  return {
    items,
    next: offset + pageSize < all.length ? { off: offset + pageSize } : null,
    previous: offset > 0 ? { off: Math.max(0, offset - pageSize) } : null,
  };
}

// ---- tasks list --------------------------------------------------------------------------------

type OrderKey = 'DateCreated' | 'Priority' | 'VirtualStartTime';

function parseOrdering(raw: string | null): { key: OrderKey; desc: boolean }[] {
  if (raw === null || raw === '') return [{ key: 'DateCreated', desc: false }];
  const pairs = raw.split(',').map((part) => {
    const [key, order = 'asc'] = part.trim().split(':');
    if (key !== 'DateCreated' && key !== 'Priority' && key !== 'VirtualStartTime') {
      throw badRequest(`Invalid Ordering '${raw}': attribute must be DateCreated, Priority or VirtualStartTime`);
    }
    if (order !== 'asc' && order !== 'desc') throw badRequest(`Invalid Ordering '${raw}': order must be asc or desc`);
    return { key: key as OrderKey, desc: order === 'desc' };
  });
  const keys = pairs.map((pair) => pair.key);
  if (keys.includes('DateCreated') && keys.includes('VirtualStartTime')) {
    throw badRequest('Invalid Ordering: DateCreated and VirtualStartTime cannot be combined');
  }
  return pairs;
}

function requestedStatuses(url: URL): AssignmentStatus[] {
  const values = url.searchParams
    .getAll('AssignmentStatus')
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value.length > 0);
  for (const value of values) {
    if (!ASSIGNMENT_STATUSES.includes(value as AssignmentStatus)) {
      throw badRequest(`Invalid AssignmentStatus '${value}'. Allowed values: ${ASSIGNMENT_STATUSES.join(', ')}`);
    }
  }
  return values.length > 0 ? [...new Set(values as AssignmentStatus[])] : [...ASSIGNMENT_STATUSES];
}

const TASKS_TOKEN_PREFIX = 'PT';

function listTasks(core: SimulatorCore, baseUrl: string, url: URL): Record<string, unknown> {
  const statuses = requestedStatuses(url);
  const pageSize = pageSizeOf(url);
  const page = pageNumberOf(url);
  const ordering = parseOrdering(url.searchParams.get('Ordering'));
  const cursor = decodeCursor(TASKS_TOKEN_PREFIX, url.searchParams.get('PageToken'));
  if (url.searchParams.has('EvaluateTaskAttributes')) {
    throw badRequest('EvaluateTaskAttributes is not supported by the simulator');
  }
  const queueSid = url.searchParams.get('TaskQueueSid');
  const queueName = url.searchParams.get('TaskQueueName');
  const workflowSid = url.searchParams.get('WorkflowSid');
  const workflowName = url.searchParams.get('WorkflowName');
  const priorityRaw = url.searchParams.get('Priority');
  if (priorityRaw !== null && !/^-?\d+$/.test(priorityRaw))
    throw badRequest(`Priority must be an integer, got '${priorityRaw}'`);
  const routingTarget = url.searchParams.get('RoutingTarget');
  const hasAddons = url.searchParams.get('HasAddons');
  const accept = (task: SimTask): boolean =>
    (queueSid === null || task.taskQueueSid === queueSid) &&
    (queueName === null || task.taskQueueName === queueName) &&
    (workflowSid === null || task.workflowSid === workflowSid) &&
    (workflowName === null || task.workflowName === workflowName) &&
    (priorityRaw === null || task.priority === Number(priorityRaw)) &&
    routingTarget === null &&
    hasAddons !== 'true';

  const store = core.store;
  let result: Page<SimTask>;
  const byDateOnly = ordering.length === 1 && ordering[0].key === 'DateCreated';
  if (byDateOnly && (cursor === null || cursor.o !== undefined) && !(cursor === null && page > 0)) {
    const desc = ordering[0].desc;
    result = ordinalPage(
      (forward, from) =>
        forward !== desc
          ? store.taskIndex.ascending(statuses, from ?? -1)
          : store.taskIndex.descending(statuses, from ?? Number.MAX_SAFE_INTEGER),
      (ordinal) => store.taskAt(ordinal),
      accept,
      cursor,
      pageSize,
      page,
    );
  } else {
    const all: SimTask[] = [];
    for (const ordinal of store.taskIndex.ascending(statuses)) {
      const task = store.taskAt(ordinal);
      if (task && accept(task)) all.push(task);
    }
    all.sort((a, b) => {
      for (const { key, desc } of ordering) {
        const field = key === 'Priority' ? 'priority' : key === 'VirtualStartTime' ? 'virtualStartTime' : 'dateCreated';
        const diff = a[field] - b[field];
        if (diff !== 0) return desc ? -diff : diff;
      }
      return a.ordinal - b.ordinal;
    });
    result = offsetPage(all, cursor?.off !== undefined ? cursor : null, pageSize, page);
  }

  const now = core.now();
  const path = `/v1/Workspaces/${store.workspaceSid}/Tasks`;
  const filters = filterParams(url);
  const token = url.searchParams.get('PageToken') ?? undefined;
  return {
    tasks: result.items.map((task) =>
      renderTask(task, store, { base: baseUrl }, now, { hideAttributes: core.hidesAttributesInLists(task) }),
    ),
    meta: taskRouterPageMeta(
      { base: baseUrl, path, filters, pageSize, page, token, key: 'tasks', prefix: TASKS_TOKEN_PREFIX },
      result,
    ),
  };
}

// ---- reservations --------------------------------------------------------------------------------

const RESERVATIONS_TOKEN_PREFIX = 'PR';

function listReservations(core: SimulatorCore, baseUrl: string, task: SimTask, url: URL): Record<string, unknown> {
  const pageSize = pageSizeOf(url);
  const page = pageNumberOf(url);
  const cursor = decodeCursor(RESERVATIONS_TOKEN_PREFIX, url.searchParams.get('PageToken'));
  const status = url.searchParams.get('ReservationStatus');
  const workerSid = url.searchParams.get('WorkerSid');
  const matching = task.reservations.filter(
    (r) => (status === null || r.status === status) && (workerSid === null || r.workerSid === workerSid),
  );
  const result = offsetPage(matching, cursor, pageSize, page);
  const path = `/v1/Workspaces/${core.store.workspaceSid}/Tasks/${task.sid}/Reservations`;
  const filters = filterParams(url);
  return {
    reservations: result.items.map((r) => renderReservation(r, task, core.store, { base: baseUrl })),
    meta: taskRouterPageMeta(
      {
        base: baseUrl,
        path,
        filters,
        pageSize,
        page,
        token: url.searchParams.get('PageToken') ?? undefined,
        key: 'reservations',
        prefix: RESERVATIONS_TOKEN_PREFIX,
      },
      result,
    ),
  };
}

// ---- calls list --------------------------------------------------------------------------------

const CALLS_TOKEN_PREFIX = 'PA';

/** Date filters of API 2010 accept `YYYY-MM-DD` (whole UTC day) or a full ISO 8601 timestamp. */
function parseDateFilter(name: string, raw: string): { from: number; to: number } {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(raw);
  const at = Date.parse(day ? `${raw}T00:00:00Z` : raw);
  if (Number.isNaN(at)) throw badRequest(`${name} must be a date (YYYY-MM-DD) or an ISO 8601 date-time, got '${raw}'`);
  return { from: at, to: day ? at + 86_400_000 : at };
}

function listCalls(core: SimulatorCore, url: URL): Record<string, unknown> {
  const pageSize = pageSizeOf(url);
  const page = pageNumberOf(url);
  const cursor = decodeCursor(CALLS_TOKEN_PREFIX, url.searchParams.get('PageToken'));
  const statusRaw = url.searchParams.getAll('Status');
  for (const value of statusRaw) {
    if (!CALL_STATUSES.includes(value as CallStatus)) {
      throw badRequest(`Invalid Status '${value}'. Allowed values: ${CALL_STATUSES.join(', ')}`);
    }
  }
  const statuses = statusRaw.length > 0 ? (statusRaw as CallStatus[]) : [...CALL_STATUSES];
  const to = url.searchParams.get('To');
  const from = url.searchParams.get('From');
  const parent = url.searchParams.get('ParentCallSid');
  const timeFilters: ((call: SimCall) => boolean)[] = [];
  for (const field of ['StartTime', 'EndTime'] as const) {
    const pick = (call: SimCall): number | null => (field === 'StartTime' ? call.startTime : call.endTime);
    for (const suffix of ['', '<', '>'] as const) {
      const raw = url.searchParams.get(`${field}${suffix}`);
      if (raw === null) continue;
      const range = parseDateFilter(`${field}${suffix}`, raw);
      timeFilters.push((call) => {
        const value = pick(call);
        if (value === null) return false;
        if (suffix === '<') return value <= range.to;
        if (suffix === '>') return value >= range.from;
        return value >= range.from && value < Math.max(range.to, range.from + 1000);
      });
    }
  }
  const accept = (call: SimCall): boolean =>
    (to === null || call.to === to) &&
    (from === null || call.from === from) &&
    parent === null &&
    timeFilters.every((filter) => filter(call));

  const store = core.store;
  let result: Page<SimCall>;
  if (cursor === null && page > 0) {
    const all: SimCall[] = [];
    for (const ordinal of store.callIndex.descending(statuses)) {
      const call = store.callAt(ordinal);
      if (call && accept(call)) all.push(call);
    }
    result = offsetPage(all, null, pageSize, page);
  } else if (cursor?.off !== undefined) {
    throw badRequest(`Invalid PageToken '${url.searchParams.get('PageToken')}'`);
  } else {
    // Newest calls first, as Twilio lists them.
    result = ordinalPage(
      (forward, fromOrdinal) =>
        forward
          ? store.callIndex.descending(statuses, fromOrdinal ?? Number.MAX_SAFE_INTEGER)
          : store.callIndex.ascending(statuses, fromOrdinal ?? -1),
      (ordinal) => store.callAt(ordinal),
      accept,
      cursor,
      pageSize,
      page,
    );
  }
  const path = `/2010-04-01/Accounts/${store.accountSid}/Calls.json`;
  const filters = filterParams(url);
  const start = page * pageSize;
  return {
    calls: result.items.map((call) => renderCall(call, store)),
    end: result.items.length > 0 ? start + result.items.length - 1 : start,
    first_page_uri: pageUrl('', path, filters, pageSize, 0),
    next_page_uri: result.next
      ? pageUrl('', path, filters, pageSize, page + 1, encodeCursor(CALLS_TOKEN_PREFIX, result.next))
      : null,
    page,
    page_size: pageSize,
    previous_page_uri: result.previous
      ? pageUrl('', path, filters, pageSize, Math.max(0, page - 1), encodeCursor(CALLS_TOKEN_PREFIX, result.previous))
      : null,
    start,
    uri: pageUrl('', path, filters, pageSize, page, url.searchParams.get('PageToken') ?? undefined),
  };
}
