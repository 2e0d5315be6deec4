import type { CallStatus, SimCall } from '../model';
import { CALL_STATUSES } from '../model';
import type { Page } from '../paging';
import {
  decodeCursor,
  encodeCursor,
  filterParams,
  offsetPage,
  ordinalPage,
  pageNumberOf,
  pageSizeOf,
  pageUrl,
} from '../paging';
import { renderCall } from '../render';
import { badRequest, notFound } from '../twilio-errors';
import type { ApiAnswer, ApiRequest } from './request';

const CALLS_TOKEN_PREFIX = 'PA';

/** GET …/Calls/{CA}.json; every fetch is logged (found or not) for the race suites' oracle. */
export function fetchCall(request: ApiRequest, callSid: string): ApiAnswer {
  const { core, url } = request;
  const call = core.store.calls.get(callSid);
  core.store.recordCallFetch(callSid, call, core.now());
  if (!call) throw notFound(url.pathname);
  return { status: 200, body: renderCall(call, core.store) };
}

/** Date filters of API 2010 accept `YYYY-MM-DD` (whole UTC day) or a full ISO 8601 timestamp. */
function parseDateFilter(name: string, raw: string): { from: number; to: number } {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(raw);
  const at = Date.parse(day ? `${raw}T00:00:00Z` : raw);
  if (Number.isNaN(at)) throw badRequest(`${name} must be a date (YYYY-MM-DD) or an ISO 8601 date-time, got '${raw}'`);
  return { from: at, to: day ? at + 86_400_000 : at };
}

/** GET …/Calls.json: Status, To, From and time filters, newest first, API 2010's paging fields. */
export function listCalls(request: ApiRequest): Record<string, unknown> {
  const { core, url } = request;
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
