import { HISTORY_DAYS_DEFAULT } from '@plugin-stuck-tasks/contract';
import type { HistoryEntry, HistoryOutcome, HistoryResponse } from '@plugin-stuck-tasks/contract';
import { DeadlineExceededError, UpstreamError } from '../gateway/errors';
import type { EventPage, RequestBudget, TwilioEvent } from '../gateway/types';
import { systemClock } from './clock';
import type { EngineDeps } from './deps';
import { nowOf } from './deps';
import { InvalidPageTokenError } from './errors';
import { CLOSURE_EVENT_TYPES, HISTORY_OUTCOMES, historyWindow, newerFirst, toHistoryEntry } from './historyRules';
import type { HistoryPosition, StreamPosition } from './historyToken';
import { decodeHistoryToken, encodeHistoryToken } from './historyToken';

/** A Function is killed at 10 s; leave room for token validation and the answer (as scan). */
export const DEFAULT_HISTORY_DEADLINE_MS = 7_000;
/** Twilio's largest page: fewest list requests. */
export const DEFAULT_HISTORY_PAGE_SIZE = 1000;
/** Entries per answer: a page a person reads, a few tens of kilobytes. */
export const DEFAULT_HISTORY_MAX_ENTRIES = 200;
/** Share of the deadline after which no further Twilio page is started. */
const SOFT_BUDGET_SHARE = 0.5;
/** Calls in a row that may reach their deadline before reading one event before the history gives up. */
export const MAX_HISTORY_STALLED_CALLS = 3;
const PAST_DEADLINE = Symbol('past the deadline');

export interface HistoryRequestInput {
  /** 1 to 30; null = the token's, or HISTORY_DAYS_DEFAULT for a first call. */
  days: number | null;
  pageToken: string | null;
}

export interface HistoryOptions {
  deadlineMs?: number;
  softBudgetMs?: number;
  /** Events per Twilio page (default 1000). */
  pageSize?: number;
  maxEntries?: number;
}

/** A Twilio page of one event type, from the position's offset on. */
interface Loaded {
  events: TwilioEvent[];
  next: EventPage['next'];
}

/**
 * One page of the history of closures: the closures this service made (toHistoryEntry) in the last
 * `days` days, newest first, read from TaskRouter's `task.canceled` and `task.completed` events.
 * Both lists come newest first from Twilio; this merges them, using up one event at a time from the
 * list whose next event is newer, so that an answer cut short anywhere (entries enough, the deadline,
 * a failing Twilio) resumes exactly after the last event used. Returns within the deadline.
 */
export async function historyPage(
  deps: EngineDeps,
  input: HistoryRequestInput,
  options: HistoryOptions = {},
): Promise<HistoryResponse> {
  const { gateway, settings } = deps;
  const requested = startingPosition(deps, input);
  const clock = deps.clock ?? systemClock;
  const startedAt = clock.now();
  const deadlineMs = options.deadlineMs ?? DEFAULT_HISTORY_DEADLINE_MS;
  const deadline = startedAt + deadlineMs;
  const softDeadline = startedAt + (options.softBudgetMs ?? deadlineMs * SOFT_BUDGET_SHARE);
  const pageSize = options.pageSize ?? DEFAULT_HISTORY_PAGE_SIZE;
  const maxEntries = options.maxEntries ?? DEFAULT_HISTORY_MAX_ENTRIES;

  const abandon = new AbortController();
  const budget: RequestBudget = { deadline: clock.gatewayDeadline(deadline), signal: abandon.signal };
  const pastDeadline = clock.waitUntil(deadline, abandon.signal).then((): typeof PAST_DEADLINE => PAST_DEADLINE);
  const query = (outcome: HistoryOutcome) => ({
    eventType: CLOSURE_EVENT_TYPES[outcome],
    startDate: new Date(requested.startMs).toISOString(),
    endDate: new Date(requested.endMs).toISOString(),
  });

  const streams: Record<HistoryOutcome, StreamPosition | null> = { ...requested.streams };
  const loaded = new Map<HistoryOutcome, Loaded>();
  const entries: HistoryEntry[] = [];
  let eventsUsed = 0;
  const answer = (finished: boolean): HistoryResponse => ({
    entries,
    // Progress was made: the stall count starts again.
    nextPageToken: finished
      ? null
      : encodeHistoryToken(
          { days: requested.days, startMs: requested.startMs, endMs: requested.endMs, streams },
          settings.workspaceSid,
        ),
  });
  /** The deadline or Twilio's trouble before one event was read: resume here, or give up. */
  const stalled = (cause: unknown): HistoryResponse => {
    const stalledCalls = (requested.stalledCalls ?? 0) + 1;
    if (stalledCalls >= MAX_HISTORY_STALLED_CALLS) {
      if (cause instanceof UpstreamError) throw cause;
      throw new UpstreamError(
        `Twilio answered too slowly to read the history in ${MAX_HISTORY_STALLED_CALLS} calls in a row`,
      );
    }
    return {
      entries: [],
      nextPageToken: encodeHistoryToken({ ...requested, stalledCalls }, settings.workspaceSid),
    };
  };

  try {
    for (;;) {
      const toLoad = HISTORY_OUTCOMES.filter((outcome) => streams[outcome] !== null && !loaded.has(outcome));
      if (toLoad.length > 0) {
        if (eventsUsed > 0 && clock.now() >= softDeadline) return answer(false);
        const pages = Promise.all(
          toLoad.map((outcome) => gateway.listEvents(query(outcome), streams[outcome]!.cursor, pageSize, budget)),
        );
        pages.catch(() => undefined); // judged when awaited
        let listed: EventPage[] | typeof PAST_DEADLINE;
        try {
          listed = await Promise.race([pages, pastDeadline]);
        } catch (error) {
          if (error instanceof UpstreamError && error.status === 400 && isResumed(requested)) {
            throw new InvalidPageTokenError('PageToken no longer matches a page of TaskRouter events; start again');
          }
          if (!(error instanceof UpstreamError) && !(error instanceof DeadlineExceededError)) throw error;
          if (eventsUsed > 0) return answer(false);
          if (isSlowness(error)) return stalled(error);
          throw error;
        }
        if (listed === PAST_DEADLINE) return eventsUsed > 0 ? answer(false) : stalled(null);
        listed.forEach((page, index) => {
          const outcome = toLoad[index];
          loaded.set(outcome, { events: page.events.slice(streams[outcome]!.offset), next: page.next });
        });
      }

      // A list whose page is used up moves on to its next page, or is finished.
      let moved = false;
      for (const outcome of HISTORY_OUTCOMES) {
        const page = loaded.get(outcome);
        if (!page || page.events.length > 0) continue;
        loaded.delete(outcome);
        streams[outcome] = page.next === null ? null : { cursor: page.next, offset: 0 };
        moved = true;
      }
      if (HISTORY_OUTCOMES.every((outcome) => streams[outcome] === null)) return answer(true);
      if (moved) continue;

      // Every unfinished list has its next event at hand: the newer of them comes next.
      const [outcome] = HISTORY_OUTCOMES.filter((candidate) => streams[candidate] !== null).sort((a, b) =>
        newerFirst(loaded.get(a)!.events[0], loaded.get(b)!.events[0]),
      );
      const event = loaded.get(outcome)!.events.shift()!;
      streams[outcome] = { ...streams[outcome]!, offset: streams[outcome]!.offset + 1 };
      eventsUsed += 1;
      const entry = toHistoryEntry(event, settings.closeReason);
      if (entry !== null) entries.push(entry);
      if (entries.length >= maxEntries) return answer(false);
    }
  } finally {
    abandon.abort();
  }
}

/** The position a call starts from: the token's, or a new window of `days` days ending now. */
function startingPosition(deps: EngineDeps, input: HistoryRequestInput): HistoryPosition {
  if (input.pageToken !== null) {
    const position = decodeHistoryToken(input.pageToken, deps.settings.workspaceSid);
    if (input.days !== null && input.days !== position.days) {
      throw new InvalidPageTokenError(
        `PageToken continues a history of ${position.days} days, not ${input.days}: send the same Days, or none`,
      );
    }
    return position;
  }
  const days = input.days ?? HISTORY_DAYS_DEFAULT;
  const { startMs, endMs } = historyWindow(nowOf(deps), days);
  return {
    days,
    startMs,
    endMs,
    streams: { canceled: { cursor: null, offset: 0 }, completed: { cursor: null, offset: 0 } },
  };
}

function isResumed(position: HistoryPosition): boolean {
  return HISTORY_OUTCOMES.some((outcome) => position.streams[outcome]?.cursor != null);
}

/** Twilio too slow or not answering (as opposed to refusing): what the deadline may cut short. */
function isSlowness(error: unknown): boolean {
  if (error instanceof DeadlineExceededError) return true;
  return error instanceof UpstreamError && (error.status === null || error.status === 429 || error.status >= 500);
}
