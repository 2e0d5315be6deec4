import type { SimEvent } from '../events';
import { filterParams, pageNumberOf, pageSizeOf, taskRouterPageMeta } from '../paging';
import { isoDate, workspaceUrl } from '../render';
import { badRequest } from '../twilio-errors';
import type { ApiRequest } from './request';

/** TaskRouter's Events list: `GET /v1/Workspaces/{WS}/Events`, newest first. */

/** Without StartDate or Minutes, Twilio lists the last 15 minutes. */
const DEFAULT_MINUTES = 15;

const EVENTS_TOKEN_PREFIX = 'PE';

/** Filters of the OpenAPI description that pertain to events of other resources: not simulated. */
const UNSIMULATED_FILTERS = ['WorkerSid', 'ReservationSid'];

/** ISO 8601 date-time (or a date), as Twilio's `format: date-time` query parameters take them. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

function dateParam(url: URL, name: string): number | null {
  const raw = url.searchParams.get(name);
  if (raw === null) return null;
  const ms = ISO_DATE_TIME.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(ms)) throw badRequest(`${name} must be an ISO 8601 date-time, got '${raw}'`);
  return ms;
}

function sidParam(url: URL, name: string, prefix: string): string | null {
  const raw = url.searchParams.get(name);
  if (raw === null) return null;
  if (!new RegExp(`^${prefix}[0-9a-fA-F]{32}$`).test(raw)) throw badRequest(`Invalid ${name} '${raw}'`);
  return raw;
}

/** Where the next page starts: just before this event in (date, seq) order. */
interface EventCursor {
  dateMs: number;
  seq: number;
}

function encodeEventCursor(event: SimEvent): string {
  return `${EVENTS_TOKEN_PREFIX}${Buffer.from(JSON.stringify({ t: event.dateMs, q: event.seq })).toString('base64url')}`;
}

function decodeEventCursor(token: string | null): EventCursor | null {
  if (token === null) return null;
  const invalid = () => badRequest(`Invalid PageToken '${token}'`);
  if (!token.startsWith(EVENTS_TOKEN_PREFIX)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token.slice(EVENTS_TOKEN_PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const { t, q } = (parsed ?? {}) as { t?: unknown; q?: unknown };
  if (!Number.isInteger(t) || !Number.isInteger(q)) throw invalid();
  return { dateMs: t as number, seq: q as number };
}

/**
 * GET …/Events: the filters this product and Twilio's reference use — StartDate, EndDate (both
 * inclusive), Minutes (default 15 without StartDate), EventType, TaskSid, TaskQueueSid, WorkflowSid,
 * TaskChannel (SID or unique name), Sid — newest first, paged by opaque PageToken cursors that stay
 * right while newer events arrive.
 */
export function listEvents(request: ApiRequest): Record<string, unknown> {
  const { core, baseUrl, url } = request;
  const store = core.store;
  const now = core.now();
  store.events.expire(now);
  for (const name of UNSIMULATED_FILTERS) {
    if (url.searchParams.has(name)) throw badRequest(`${name} is not supported by the simulator (task events only)`);
  }
  const pageSize = pageSizeOf(url);
  const page = pageNumberOf(url);
  const cursor = decodeEventCursor(url.searchParams.get('PageToken'));
  const minutesRaw = url.searchParams.get('Minutes');
  if (minutesRaw !== null && !/^\d+$/.test(minutesRaw)) {
    throw badRequest(`Minutes must be a non-negative integer, got '${minutesRaw}'`);
  }
  const startDate = dateParam(url, 'StartDate');
  const endDate = dateParam(url, 'EndDate') ?? now;
  const start = startDate ?? now - Number(minutesRaw ?? DEFAULT_MINUTES) * 60_000;
  if (start > endDate) throw badRequest('StartDate must not be after EndDate');
  const eventType = url.searchParams.get('EventType');
  const taskSid = sidParam(url, 'TaskSid', 'WT');
  const queueSid = sidParam(url, 'TaskQueueSid', 'WQ');
  const workflowSid = sidParam(url, 'WorkflowSid', 'WW');
  const eventSid = sidParam(url, 'Sid', 'EV');
  const channel = url.searchParams.get('TaskChannel');
  const accept = (event: SimEvent): boolean =>
    event.dateMs >= start &&
    event.dateMs <= endDate &&
    (eventType === null || event.eventType === eventType) &&
    (taskSid === null || event.taskSid === taskSid) &&
    (queueSid === null || event.taskQueueSid === queueSid) &&
    (workflowSid === null || event.workflowSid === workflowSid) &&
    (eventSid === null || event.sid === eventSid) &&
    (channel === null || event.taskChannel === channel || event.taskChannelSid === channel);

  const { items, more } = store.events.newestFirst(cursor, accept, pageSize);
  const last = items[items.length - 1];
  const path = `/v1/Workspaces/${store.workspaceSid}/Events`;
  const token = url.searchParams.get('PageToken') ?? undefined;
  const meta = taskRouterPageMeta(
    {
      base: baseUrl,
      path,
      filters: filterParams(url),
      pageSize,
      page,
      token,
      key: 'events',
      prefix: EVENTS_TOKEN_PREFIX,
    },
    // Previous pages are not simulated (this product only walks forward).
    { items, next: null, previous: null },
  );
  if (more && last) {
    const params = new URLSearchParams(filterParams(url));
    params.set('PageSize', String(pageSize));
    params.set('Page', String(page + 1));
    params.set('PageToken', encodeEventCursor(last));
    meta.next_page_url = `${baseUrl}${path}?${params.toString()}`;
  }
  return { events: items.map((event) => renderEvent(event, request)), meta };
}

/** `taskrouter.v1.workspace.event`, every field of the spec. */
function renderEvent(event: SimEvent, { core, baseUrl }: ApiRequest): Record<string, unknown> {
  const store = core.store;
  const workspace = workspaceUrl({ base: baseUrl }, store);
  const byAccount = event.actor === 'account';
  return {
    account_sid: store.accountSid,
    actor_sid: byAccount ? store.accountSid : store.workspaceSid,
    actor_type: byAccount ? 'account' : 'workspace',
    actor_url: byAccount ? `${baseUrl}/2010-04-01/Accounts/${store.accountSid}.json` : workspace,
    description: event.description,
    event_data: event.data,
    event_date: isoDate(event.dateMs),
    event_date_ms: event.dateMs,
    event_type: event.eventType,
    resource_sid: event.taskSid,
    resource_type: 'task',
    resource_url: `${workspace}/Tasks/${event.taskSid}`,
    sid: event.sid,
    source: byAccount ? 'API' : 'twilio',
    source_ip_address: byAccount ? '127.0.0.1' : null,
    url: `${workspace}/Events/${event.sid}`,
    workspace_sid: store.workspaceSid,
  };
}
