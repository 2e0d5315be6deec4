import type { OrphanConversation, OrphanConversationsResponse } from '@plugin-stuck-tasks/contract';
import { DeadlineExceededError, UpstreamError } from '../gateway/errors';
import { MAX_CONVERSATIONS_PER_TASK_QUERY } from '../gateway/twilioGateway';
import type {
  ConversationPage,
  ListCursor,
  RequestBudget,
  TaskPage,
  TwilioGateway,
  TwilioTask,
} from '../gateway/types';
import { systemClock } from './clock';
import type { EngineDeps } from './deps';
import { nowOf } from './deps';
import { InvalidPageTokenError } from './errors';
import { conversationsNamedBy, emptyOrphanCounts, isGoing, isRecent, judgeOrphans } from './orphanRules';
import type { GoingConversation, OrphanContext } from './orphanRules';
import type { OrphanPosition } from './orphanToken';
import { decodeOrphanToken, encodeOrphanToken, ORPHAN_START } from './orphanToken';

/** A Function is killed at 10 s; leave room for token validation and the answer (as scan and history). */
export const DEFAULT_ORPHANS_DEADLINE_MS = 7_000;
/** Twilio's largest conversations page. */
export const DEFAULT_ORPHANS_PAGE_SIZE = 100;
/** Conversations looked at per answer: a few Twilio pages, a list a person can read. */
export const DEFAULT_ORPHANS_MAX_SCANNED = 1_000;
/** Tasks per task query page: a conversation has few tasks, so one page nearly always answers. */
const TASK_QUERY_PAGE_SIZE = 1000;
/** Task query pages per batch before giving up on it as a runaway list. */
const MAX_TASK_QUERY_PAGES = 5;
/** Share of the deadline after which no further Twilio page is started. */
const SOFT_BUDGET_SHARE = 0.5;
/** Calls in a row that may reach their deadline before judging one page before the listing gives up. */
export const MAX_ORPHANS_STALLED_CALLS = 3;
const PAST_DEADLINE = Symbol('past the deadline');

export interface OrphansOptions {
  deadlineMs?: number;
  softBudgetMs?: number;
  /** Conversations per Twilio page (1-100, default 100). */
  pageSize?: number;
  /** Most conversations looked at per answer (whole Twilio pages; at least one page). */
  maxScanned?: number;
}

/**
 * One page of reverse orphans (orphanRules.ts): conversations still going, listed `active` first and
 * then `inactive`, each Twilio page judged whole: its not recent conversations are looked up in
 * batches of MAX_CONVERSATIONS_PER_TASK_QUERY, one TaskRouter query per batch, all at once. Returns
 * within the deadline; an answer cut short resumes at the first page not judged. With MESSAGING off
 * the answer is empty (a given PageToken is still checked).
 */
export async function orphanConversationsPage(
  deps: EngineDeps,
  input: { pageToken: string | null },
  options: OrphansOptions = {},
): Promise<OrphanConversationsResponse> {
  const { gateway, settings } = deps;
  const requested = input.pageToken === null ? ORPHAN_START : decodeOrphanToken(input.pageToken, settings.workspaceSid);
  const counts = emptyOrphanCounts();
  if (settings.messaging === false) return { conversations: [], counts, nextPageToken: null };

  const clock = deps.clock ?? systemClock;
  const startedAt = clock.now();
  const deadlineMs = options.deadlineMs ?? DEFAULT_ORPHANS_DEADLINE_MS;
  const deadline = startedAt + deadlineMs;
  const softDeadline = startedAt + (options.softBudgetMs ?? deadlineMs * SOFT_BUDGET_SHARE);
  const pageSize = options.pageSize ?? DEFAULT_ORPHANS_PAGE_SIZE;
  const maxScanned = options.maxScanned ?? DEFAULT_ORPHANS_MAX_SCANNED;

  const abandon = new AbortController();
  const budget: RequestBudget = { deadline: clock.gatewayDeadline(deadline), signal: abandon.signal };
  const pastDeadline = clock.waitUntil(deadline, abandon.signal).then((): typeof PAST_DEADLINE => PAST_DEADLINE);
  /** Resolves with the work's result, or PAST_DEADLINE; the work's failure is thrown. */
  const beforeDeadline = <T>(work: Promise<T>): Promise<T | typeof PAST_DEADLINE> => {
    work.catch(() => undefined); // judged when awaited
    return Promise.race([work, pastDeadline]);
  };

  let position: OrphanPosition = { state: requested.state, cursor: requested.cursor };
  const conversations: OrphanConversation[] = [];
  let pagesJudged = 0;
  const answer = (finished: boolean): OrphanConversationsResponse => ({
    conversations,
    counts,
    // Progress was made: the stall count starts again.
    nextPageToken: finished ? null : encodeOrphanToken(position, settings.workspaceSid),
  });
  /** The deadline or Twilio's trouble before one page was judged: resume here, or give up. */
  const stalled = (cause: unknown): OrphanConversationsResponse => {
    const stalledCalls = (requested.stalledCalls ?? 0) + 1;
    if (stalledCalls >= MAX_ORPHANS_STALLED_CALLS) {
      if (cause instanceof UpstreamError) throw cause;
      throw new UpstreamError(
        `Twilio answered too slowly to list conversations in ${MAX_ORPHANS_STALLED_CALLS} calls in a row`,
      );
    }
    return {
      conversations: [],
      counts,
      nextPageToken: encodeOrphanToken({ ...requested, stalledCalls }, settings.workspaceSid),
    };
  };
  const cutShort = (error: unknown): OrphanConversationsResponse => {
    if (!(error instanceof UpstreamError) && !(error instanceof DeadlineExceededError)) throw error;
    if (pagesJudged > 0) return answer(false);
    if (isSlowness(error)) return stalled(error);
    throw error;
  };

  try {
    for (;;) {
      // A further page could take the answer past maxScanned (pages are judged whole).
      const full = counts.scanned + pageSize > maxScanned;
      if (pagesJudged > 0 && (clock.now() >= softDeadline || full)) return answer(false);
      let listed: ConversationPage | typeof PAST_DEADLINE;
      try {
        listed = await beforeDeadline(gateway.listConversations(position.state, position.cursor, pageSize, budget));
      } catch (error) {
        if (error instanceof UpstreamError && error.status === 400 && position.cursor !== null) {
          throw new InvalidPageTokenError('PageToken no longer matches a page of conversations; start again');
        }
        return cutShort(error);
      }
      if (listed === PAST_DEADLINE) return pagesJudged > 0 ? answer(false) : stalled(null);

      const context: OrphanContext = { nowMs: nowOf(deps), graceSeconds: settings.graceSeconds };
      // The list is filtered by state already; a conversation that changed state since is left out.
      const going = listed.conversations.filter(isGoing);
      const toLookUp = going.filter((conversation) => !isRecent(conversation, context));
      let named: Set<string> | typeof PAST_DEADLINE;
      try {
        named = await beforeDeadline(openTasksNaming(gateway, toLookUp, budget));
      } catch (error) {
        return cutShort(error);
      }
      if (named === PAST_DEADLINE) return pagesJudged > 0 ? answer(false) : stalled(null);

      conversations.push(...judgeOrphans(going, named, context, counts));
      pagesJudged += 1;
      const next = nextPosition(position, listed.next);
      if (next === null) return answer(true);
      position = next;
    }
  } finally {
    abandon.abort();
  }
}

/** After a page: the same list's next page, else the next state's first page, else the end. */
function nextPosition(position: OrphanPosition, next: ListCursor | null): OrphanPosition | null {
  if (next !== null) return { state: position.state, cursor: next };
  return position.state === 'active' ? { state: 'inactive', cursor: null } : null;
}

/**
 * Which of these conversations an open or wrapping task names: one TaskRouter query per batch, all
 * batches at once (the gateway's scheduler bounds them). Tasks listed without attributes are fetched.
 */
async function openTasksNaming(
  gateway: TwilioGateway,
  conversations: readonly GoingConversation[],
  budget: RequestBudget,
): Promise<Set<string>> {
  const batches: string[][] = [];
  for (let i = 0; i < conversations.length; i += MAX_CONVERSATIONS_PER_TASK_QUERY) {
    batches.push(conversations.slice(i, i + MAX_CONVERSATIONS_PER_TASK_QUERY).map((conversation) => conversation.sid));
  }
  const tasks = (await Promise.all(batches.map((batch) => tasksNaming(gateway, batch, budget)))).flat();
  return conversationsNamedBy(tasks);
}

async function tasksNaming(gateway: TwilioGateway, batch: string[], budget: RequestBudget): Promise<TwilioTask[]> {
  const tasks: TwilioTask[] = [];
  let cursor: ListCursor | null = null;
  for (let page = 0; page < MAX_TASK_QUERY_PAGES; page += 1) {
    const listed: TaskPage = await gateway.listOpenTasksNamingConversations(
      batch,
      cursor,
      TASK_QUERY_PAGE_SIZE,
      budget,
    );
    tasks.push(...listed.tasks);
    cursor = listed.next;
    if (cursor === null) break;
  }
  if (cursor !== null) throw new UpstreamError('Listing the tasks of conversations: more pages than a batch can have');
  // Lists may leave attributes out (null): only the task itself tells which conversation it names.
  return Promise.all(
    tasks.map(async (task) => {
      if (task.attributes !== null) return task;
      const fetched = await gateway.fetchTask(task.sid, budget);
      return fetched?.task ?? task;
    }),
  );
}

/** Twilio too slow or not answering (as opposed to refusing): what the deadline may cut short. */
function isSlowness(error: unknown): boolean {
  if (error instanceof DeadlineExceededError) return true;
  return error instanceof UpstreamError && (error.status === null || error.status === 429 || error.status >= 500);
}
