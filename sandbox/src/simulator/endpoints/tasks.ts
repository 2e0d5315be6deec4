import type { SimulatorCore } from '../core';
import type { AssignmentStatus, SimTask } from '../model';
import { ASSIGNMENT_STATUSES } from '../model';
import { parseParams, readBody } from '../http';
import type { Page } from '../paging';
import {
  decodeCursor,
  filterParams,
  offsetPage,
  ordinalPage,
  pageNumberOf,
  pageSizeOf,
  taskRouterPageMeta,
} from '../paging';
import { renderTask } from '../render';
import { matchesTaskExpression, parseTaskExpression } from '../task-expressions';
import { etagMatches, transitionProblem } from '../taskrouter-rules';
import { HttpError, badRequest, notFound } from '../twilio-errors';
import type { ApiAnswer, ApiRequest } from './request';

/** TaskRouter's task endpoints: list, fetch (with ETag), update. */

/** GET …/Tasks/{WT}: the task and its ETag. */
export function fetchTask(request: ApiRequest, taskSid: string): ApiAnswer {
  const { core, baseUrl, url } = request;
  const task = requireTask(core, taskSid, url);
  return {
    status: 200,
    body: renderTask(task, core.store, { base: baseUrl }, core.now(), { hideAttributes: false }),
    headers: { ETag: core.store.etag(task) },
  };
}

export function requireTask(core: SimulatorCore, taskSid: string, url: URL): SimTask {
  const task = core.store.tasks.get(taskSid);
  if (!task) throw notFound(url.pathname);
  return task;
}

/** POST …/Tasks/{WT}: TaskRouter's rules (taskrouter-rules.ts), then the change, then maybe a lost answer. */
export async function updateTask(request: ApiRequest, taskSid: string): Promise<ApiAnswer> {
  const { core, baseUrl, url, req } = request;
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
  if (form.Attributes !== undefined && !isJsonObjectText(form.Attributes)) {
    throw badRequest('Attributes must be a valid JSON object');
  }
  if (form.Priority !== undefined && !/^\d+$/.test(form.Priority))
    throw badRequest('Priority must be a non-negative integer');

  // Everything is checked: the request applies as one change, with one new ETag and date_updated.
  const attributes = form.Attributes ?? null;
  if (attributes !== null) core.store.replaceAttributes(task, attributes);
  if (form.Priority !== undefined) task.priority = Number(form.Priority);
  if (target !== undefined) {
    core.store.changeTaskStatus(task, {
      to: target as AssignmentStatus,
      reason: form.Reason ?? null,
      source: 'api',
      ifMatch,
      now,
      attributes,
    });
    core.stats.updates.applied += 1;
  } else if (attributes !== null || form.Priority !== undefined || form.Reason !== undefined) {
    if (form.Reason !== undefined) task.reason = form.Reason;
    core.store.touchTask(task, now);
    core.store.recordTaskEvent(task, 'task.updated', null, 'api', now);
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

/** TaskRouter keeps attributes as a JSON object: text that parses to anything else is refused. */
function isJsonObjectText(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

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

/** Parsed attributes by task, kept while the text is the same: an expression reads every task listed. */
const attributesCache = new WeakMap<SimTask, { text: string; parsed: unknown }>();

function parsedAttributes(task: SimTask): unknown {
  const cached = attributesCache.get(task);
  if (cached && cached.text === task.attributes) return cached.parsed;
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(task.attributes);
  } catch {
    parsed = null;
  }
  attributesCache.set(task, { text: task.attributes, parsed });
  return parsed;
}

/** GET …/Tasks: statuses, filters, Ordering, paged by ordinal cursors (or offsets for other orders). */
export function listTasks(request: ApiRequest): Record<string, unknown> {
  const { core, baseUrl, url } = request;
  const statuses = requestedStatuses(url);
  const pageSize = pageSizeOf(url);
  const page = pageNumberOf(url);
  const ordering = parseOrdering(url.searchParams.get('Ordering'));
  const cursor = decodeCursor(TASKS_TOKEN_PREFIX, url.searchParams.get('PageToken'));
  const expressionText = url.searchParams.get('EvaluateTaskAttributes');
  const expression = expressionText === null ? null : parseTaskExpression(expressionText);
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
    hasAddons !== 'true' &&
    (expression === null || matchesTaskExpression(expression, parsedAttributes(task)));

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
