import type { ConversationState, SimConversation } from '../model';
import { filterParams, pageNumberOf, pageUrl } from '../paging';
import { renderConversation } from '../render';
import { badRequest, notFound } from '../twilio-errors';
import type { ApiAnswer, ApiRequest } from './request';

/** GET /v1/Conversations/{CH} (conversations.twilio.com): a deleted conversation answers 404. */
export function fetchConversation(request: ApiRequest, conversationSid: string): ApiAnswer {
  const { core, baseUrl, url } = request;
  const conversation = core.store.conversations.get(conversationSid);
  core.store.recordMessagingFetch(
    'conversation',
    conversationSid,
    conversation?.state ?? null,
    conversation?.dateClosed ?? null,
    core.now(),
  );
  if (!conversation) throw notFound(url.pathname);
  return { status: 200, body: renderConversation(conversation, core.store, { base: baseUrl }) };
}

/** The states Conversations' list filters by (`State`), as its OpenAPI description names them. */
const LISTED_STATES: readonly ConversationState[] = ['active', 'inactive', 'closed'];
/** Conversations v1's page sizes: default 50, at most 100. */
const DEFAULT_CONVERSATIONS_PAGE_SIZE = 50;
const MAX_CONVERSATIONS_PAGE_SIZE = 100;
const CONVERSATIONS_TOKEN_PREFIX = 'PV';

/** Where a conversations list continues: after this conversation in (date_created, sid) order. */
interface ConversationCursor {
  c: number;
  s: string;
}

function encodeConversationCursor(cursor: ConversationCursor): string {
  return `${CONVERSATIONS_TOKEN_PREFIX}${Buffer.from(JSON.stringify(cursor)).toString('base64url')}`;
}

function decodeConversationCursor(token: string | null): ConversationCursor | null {
  if (token === null) return null;
  try {
    if (!token.startsWith(CONVERSATIONS_TOKEN_PREFIX)) throw new Error('prefix');
    const body = token.slice(CONVERSATIONS_TOKEN_PREFIX.length);
    const cursor = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as ConversationCursor;
    if (!Number.isInteger(cursor.c) || typeof cursor.s !== 'string') throw new Error('shape');
    return cursor;
  } catch {
    throw badRequest(`Invalid PageToken '${token}'`);
  }
}

function byCreation(a: SimConversation, b: SimConversation): number {
  return a.dateCreated - b.dateCreated || (a.sid < b.sid ? -1 : a.sid > b.sid ? 1 : 0);
}

function isAfter(conversation: SimConversation, cursor: ConversationCursor): boolean {
  return byCreation(conversation, { dateCreated: cursor.c, sid: cursor.s } as SimConversation) > 0;
}

/**
 * GET /v1/Conversations: oldest first (date_created, then SID), filtered by `State` (one of active,
 * inactive, closed); `PageSize` 1-100 (default 50); paged by `meta.next_page_url` with an opaque
 * `PageToken` that continues after the last conversation listed, so the list stays right while
 * conversations change state; `previous_page_url` is always null. `StartDate`/`EndDate` answer 400
 * (not simulated).
 */
export function listConversations(request: ApiRequest): Record<string, unknown> {
  const { core, baseUrl, url } = request;
  const state = url.searchParams.get('State');
  if (state !== null && !LISTED_STATES.includes(state as ConversationState)) {
    throw badRequest(`Invalid State '${state}'. Allowed values: ${LISTED_STATES.join(', ')}`);
  }
  if (url.searchParams.has('StartDate') || url.searchParams.has('EndDate')) {
    throw badRequest('StartDate and EndDate are not supported by the simulator');
  }
  const rawSize = url.searchParams.get('PageSize');
  if (
    rawSize !== null &&
    (!/^\d+$/.test(rawSize) || Number(rawSize) < 1 || Number(rawSize) > MAX_CONVERSATIONS_PAGE_SIZE)
  ) {
    throw badRequest(`PageSize must be an integer between 1 and ${MAX_CONVERSATIONS_PAGE_SIZE}, got '${rawSize}'`);
  }
  const pageSize = rawSize === null ? DEFAULT_CONVERSATIONS_PAGE_SIZE : Number(rawSize);
  const page = pageNumberOf(url);
  const token = url.searchParams.get('PageToken');
  const cursor = decodeConversationCursor(token);

  const matching = [...core.store.conversations.values()]
    .filter((conversation) => state === null || conversation.state === state)
    .filter((conversation) => cursor === null || isAfter(conversation, cursor))
    .sort(byCreation);
  const items = matching.slice(0, pageSize);
  const last = items[items.length - 1];
  const path = '/v1/Conversations';
  const filters = filterParams(url);
  return {
    conversations: items.map((conversation) => renderConversation(conversation, core.store, { base: baseUrl })),
    meta: {
      first_page_url: pageUrl(baseUrl, path, filters, pageSize, 0),
      key: 'conversations',
      next_page_url:
        matching.length > pageSize && last
          ? pageUrl(
              baseUrl,
              path,
              filters,
              pageSize,
              page + 1,
              encodeConversationCursor({ c: last.dateCreated, s: last.sid }),
            )
          : null,
      page,
      page_size: pageSize,
      previous_page_url: null,
      url: pageUrl(baseUrl, path, filters, pageSize, page, token ?? undefined),
    },
  };
}
