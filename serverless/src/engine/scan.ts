import type { ReviewItem, ScanCounts, ScanResponse, Suspect } from '@plugin-stuck-tasks/contract';
import { ZERO_SCAN_COUNTS } from '@plugin-stuck-tasks/contract';
import pLimit from 'p-limit';
import { DeadlineExceededError, UpstreamError } from '../gateway/errors';
import { DEFAULT_GATEWAY_OPTIONS } from '../gateway/twilioGateway';
import type { ListCursor, RequestBudget, TaskPage, TwilioTask } from '../gateway/types';
import { systemClock } from './clock';
import type { EngineDeps } from './deps';
import { ruleContextOf } from './deps';
import { InvalidPageTokenError } from './errors';
import { fetchLegCalls, observationsOf } from './legCalls';
import type { LiveCallSnapshot } from './liveCalls';
import { listLiveCalls } from './liveCalls';
import { START_POSITION, decodePageToken, encodePageToken } from './pageToken';
import type { ScanPosition } from './pageToken';
import { NO_AGENT, agentOf, toReviewItem, toSuspect } from './present';
import type { Agent } from './present';
import { judgeLegs, legsToFetch, precheckTask } from './rules';
import { observeMessaging } from './messagingObservations';
import type { CallObservation, Classification, RuleContext } from './rules';

/** A Function is killed at 10 s; leave room for token validation and the answer. */
export const DEFAULT_SCAN_DEADLINE_MS = 7_000;
/** Twilio's largest page: fewest list requests, and the deadline bounds the work per call anyway. */
export const DEFAULT_SCAN_PAGE_SIZE = 1000;
/**
 * Share of the deadline after which no further Twilio page is started. A page listed later still
 * has its tasks judged while time allows (each page is judged as soon as it is listed, behind the one
 * before), and the deadline cuts it to a prefix at worst; at half, a cold Function call that spent its
 * first seconds starting and growing its window stopped after one page.
 */
const DEFAULT_SOFT_BUDGET_SHARE = 0.7;
/** Keeps one answer to a few hundred kilobytes at most. */
export const DEFAULT_MAX_TASKS_PER_CALL = 5000;
/** Share of the deadline the live-call listing may use before the remaining calls are fetched singly. */
const LIVE_CALL_BUDGET_SHARE = 0.4;
/** Calls in a row that may reach their deadline before judging one task before the scan gives up. */
export const MAX_STALLED_CALLS = 3;
/** What a race against the deadline gives when the deadline came first. */
const PAST_DEADLINE = Symbol('past the deadline');

/**
 * How the calls of voice tasks are checked:
 * - `live-calls` (default): list the account's live calls once, fetch only the calls not in that list;
 * - `fetch-each`: fetch every call (the baseline; more requests, no list).
 * Both give the same verdicts; every "stuck" rests on an individual fetch either way.
 */
export type CallPlan = 'live-calls' | 'fetch-each';

export interface ScanOptions {
  /** The call returns by then, whatever is left (default 7 s). */
  deadlineMs?: number;
  /** No further Twilio page is started after this (default half the deadline). */
  softBudgetMs?: number;
  /** No further Twilio page is started when it could take the call past this many tasks. */
  maxTasks?: number;
  /** Tasks per Twilio page (default 1000, Twilio's largest). */
  pageSize?: number;
  callPlan?: CallPlan;
  /**
   * Called as each Twilio page of this call is judged, with the call's figures so far: operators' runs
   * make long calls and draw their progress from it.
   */
  onProgress?: (progress: ScanCallProgress) => void;
}

/** What one scan call has judged so far. */
export interface ScanCallProgress {
  counts: ScanCounts;
  suspects: number;
  needsReview: number;
}

/** A task and what the rules made of it; null = it vanished (404) while being looked at. */
interface Judged {
  task: TwilioTask;
  classification: Classification | null;
  /** For suspects and review items: the agent the task blocks. */
  agent: Agent;
}

/**
 * One page of the scan: open voice tasks judged stuck or needing review. Returns within the deadline
 * whatever the workspace size; `nextPageToken` resumes exactly where this call stopped.
 *
 * A call may cover several Twilio pages while time allows (`softBudgetMs`, `maxTasks`): the next
 * page is listed while the current one is judged, so listing is off the critical path, and a client
 * makes fewer round trips.
 *
 * A slow Twilio never turns the deadline into an error: a call that reaches it before judging even one
 * task answers an empty page whose token resumes at the same place, and counts the stall in the token.
 * The client follows it as any other page; only MAX_STALLED_CALLS such calls in a row at the same place
 * end the scan with an UpstreamError, so a client never loops on empty pages.
 */
export async function scanPage(
  deps: EngineDeps,
  pageToken: string | null,
  options: ScanOptions = {},
): Promise<ScanResponse> {
  const clock = deps.clock ?? systemClock;
  const startedAt = clock.now();
  const deadlineMs = options.deadlineMs ?? DEFAULT_SCAN_DEADLINE_MS;
  const deadline = startedAt + deadlineMs;
  const softDeadline = startedAt + (options.softBudgetMs ?? deadlineMs * DEFAULT_SOFT_BUDGET_SHARE);
  const maxTasks = options.maxTasks ?? DEFAULT_MAX_TASKS_PER_CALL;
  const pageSize = options.pageSize ?? DEFAULT_SCAN_PAGE_SIZE;
  const { settings, gateway } = deps;
  const requested = pageToken === null ? START_POSITION : decodePageToken(pageToken, settings.workspaceSid);
  let position: ScanPosition = { cursor: requested.cursor, offset: requested.offset, afterSid: requested.afterSid };
  const context = ruleContextOf(deps);

  // Work still queued when this call returns is abandoned, not left to run up Twilio's request count.
  const abandon = new AbortController();
  const budget: RequestBudget = { deadline: clock.gatewayDeadline(deadline), signal: abandon.signal };
  let deadlineReached = false;
  const pastDeadline = clock.waitUntil(deadline, abandon.signal).then((): typeof PAST_DEADLINE => {
    deadlineReached = true;
    return PAST_DEADLINE;
  });
  const outOfTime = () => deadlineReached || clock.now() >= deadline;

  let liveCalls: Promise<LiveCallSnapshot> | null = null;
  if ((options.callPlan ?? 'live-calls') === 'live-calls') {
    const liveDeadline = startedAt + deadlineMs * LIVE_CALL_BUDGET_SHARE;
    // Stops the listing's further requests at its share of the deadline, measured by the scan's clock.
    const liveStop = new AbortController();
    void clock.waitUntil(liveDeadline, abandon.signal).then(() => liveStop.abort());
    const liveBudget = { deadline: clock.gatewayDeadline(liveDeadline), signal: liveStop.signal };
    liveCalls = deps.liveCallCache
      ? deps.liveCallCache.get(gateway, settings.graceSeconds * 1000, liveBudget)
      : listLiveCalls(gateway, liveBudget);
  }

  /** The deadline came before one task was judged: an empty page that resumes here, or the end of patience. */
  const stalled = (cause: unknown): ScanResponse => {
    // Only calls that stalled at the same place count: empty Twilio pages passed on the way are progress.
    const samePlace =
      position.offset === requested.offset &&
      position.afterSid === requested.afterSid &&
      position.cursor?.page === requested.cursor?.page &&
      position.cursor?.pageToken === requested.cursor?.pageToken;
    const stalledCalls = (samePlace ? (requested.stalledCalls ?? 0) : 0) + 1;
    if (stalledCalls >= MAX_STALLED_CALLS) {
      if (cause instanceof UpstreamError) throw cause;
      throw new UpstreamError(
        `Twilio answered too slowly to judge even one task in ${MAX_STALLED_CALLS} scan calls in a row`,
      );
    }
    return new ScanReport(context.nowMs).response({ ...position, stalledCalls }, settings.workspaceSid);
  };

  const report = new ScanReport(context.nowMs);
  // Tasks are judged in order, a window at a time: a task's follow-up requests (its agent after its
  // legs) then wait behind that window only, not behind the whole page, so tasks finish in order and
  // a call cut short by its deadline still reports a prefix of the page.
  const judgeOne = pLimit(deps.scanConcurrency ?? DEFAULT_GATEWAY_OPTIONS.concurrency);
  // Overdue wrap-ups on: wrapping tasks are listed too (the rules judge how long they have been wrapping).
  const includeWrapping = settings.wrapupOverdueMinutes !== null;
  const listPage = (cursor: ListCursor | null) => gateway.listOpenTasks(cursor, pageSize, budget, { includeWrapping });
  /**
   * The judging of each listed page, started as soon as the page is listed: the next page's tasks
   * queue behind this page's in `judgeOne` (first come, first served), so they take the slots this
   * page's tail leaves free instead of waiting for its slowest task. Tasks of a page listed after the
   * current one always start at its beginning (offset 0).
   */
  const judgingOf = new Map<TaskPage, Promise<Judged>[]>();
  const judgePage = (page: TaskPage, start: number): Promise<Judged>[] => {
    let judging = judgingOf.get(page);
    if (!judging) {
      judging = page.tasks
        .slice(start)
        .map((task) => judgeOne(() => judgeTask(deps, task, liveCalls, context, budget)));
      // Settled when (and if) the loop reaches this page; a page the call never reports is abandoned.
      for (const promise of judging) promise.catch(() => undefined);
      judgingOf.set(page, judging);
    }
    return judging;
  };
  let listing: Promise<TaskPage> = listPage(position.cursor);
  try {
    for (;;) {
      let page: TaskPage;
      try {
        const listed = await Promise.race([listing, pastDeadline]);
        if (listed === PAST_DEADLINE) {
          if (report.counts.scanned === 0) return stalled(null);
          break;
        }
        page = listed;
      } catch (error) {
        // A later page that cannot be listed ends this call; the client resumes at it.
        if (report.counts.scanned > 0 && (error instanceof UpstreamError || error instanceof DeadlineExceededError)) {
          break;
        }
        // A listing cut off by the deadline (a timeout at the deadline reads as "no answer") is a stall.
        if (outOfTime() && isSlowness(error)) return stalled(listingError(error, position));
        throw listingError(error, position);
      }

      const start = resumeIndex(page.tasks, position);
      const pending = page.tasks.slice(start);
      const continuing =
        page.next !== null &&
        clock.now() < softDeadline &&
        report.counts.scanned + pending.length + pageSize <= maxTasks;
      const judging = judgePage(page, start);
      if (continuing && page.next !== null) {
        listing = listPage(page.next);
        // Its tasks start judging behind this page's as soon as it is listed.
        listing.then((next) => judgePage(next, 0)).catch(() => undefined); // a listing error is judged when awaited
      }

      const settled = await settleUntil(judging, pastDeadline);
      const { done, failure } = report.add(settled);
      options.onProgress?.({
        counts: { ...report.counts },
        suspects: report.suspects.length,
        needsReview: report.needsReview.length,
      });

      // Twilio trouble only shortens the call (the client resumes from the token); a bug must surface.
      if (failure !== null && !(failure instanceof UpstreamError) && !(failure instanceof DeadlineExceededError)) {
        throw failure;
      }
      if (done < pending.length) {
        if (report.counts.scanned === 0) {
          if (outOfTime() && (failure === null || isSlowness(failure))) return stalled(failure);
          if (failure instanceof UpstreamError) throw failure;
          throw new UpstreamError('Twilio did not answer in time to judge even one task');
        }
        if (done > 0) position = { cursor: position.cursor, offset: start + done, afterSid: pending[done - 1].sid };
        break;
      }
      if (page.next === null) return report.response(null, settings.workspaceSid);
      position = { cursor: page.next, offset: 0, afterSid: null };
      if (!continuing) break;
    }
    return report.response(position, settings.workspaceSid);
  } finally {
    abandon.abort();
  }
}

/** Twilio too slow or not answering (as opposed to refusing): what the deadline may cut short. */
function isSlowness(error: unknown): boolean {
  if (error instanceof DeadlineExceededError) return true;
  return error instanceof UpstreamError && (error.status === null || error.status === 429 || error.status >= 500);
}

function listingError(error: unknown, position: ScanPosition): unknown {
  if (position.cursor && error instanceof UpstreamError && error.status === 400) {
    return new InvalidPageTokenError('PageToken no longer matches a page of this workspace; start a new scan');
  }
  if (error instanceof DeadlineExceededError) return new UpstreamError('Twilio did not list the tasks in time');
  return error;
}

/** The suspects, review items and counts of one scan call. */
class ScanReport {
  readonly suspects: Suspect[] = [];
  readonly needsReview: ReviewItem[] = [];
  readonly counts: ScanCounts = { ...ZERO_SCAN_COUNTS };

  constructor(private readonly nowMs: number) {}

  /** Adds the judged tasks up to the first that was not judged in time; how many, and why it stopped. */
  add(settled: (PromiseSettledResult<Judged> | undefined)[]): { done: number; failure: unknown } {
    let done = 0;
    for (const outcome of settled) {
      if (outcome === undefined) return { done, failure: null };
      if (outcome.status === 'rejected') return { done, failure: outcome.reason };
      done += 1;
      this.counts.scanned += 1;
      const { task, classification, agent } = outcome.value;
      switch (classification?.verdict) {
        case 'stuck':
          this.counts.stuck += 1;
          if (classification.kind === 'wrapup_overdue') this.counts.wrapupOverdue += 1;
          if (classification.kind === 'conversation_closed') this.counts.conversationClosed += 1;
          this.suspects.push(toSuspect(task, classification, this.nowMs, agent));
          break;
        case 'needs_review':
          this.counts.needsReview += 1;
          this.needsReview.push(toReviewItem(task, classification, this.nowMs, agent));
          break;
        case 'active':
          this.counts.active += 1;
          break;
        default:
          // Other channels, excluded queues, and tasks that closed or vanished while being looked at.
          this.counts.skipped += 1;
      }
    }
    return { done, failure: null };
  }

  response(next: ScanPosition | null, workspaceSid: string): ScanResponse {
    return {
      suspects: this.suspects,
      needsReview: this.needsReview,
      counts: this.counts,
      nextPageToken: next === null ? null : encodePageToken(next, workspaceSid),
    };
  }
}

/** Where to resume in a page listed again: after the last task reported, else at the same offset. */
function resumeIndex(tasks: TwilioTask[], position: ScanPosition): number {
  if (position.afterSid !== null) {
    const index = tasks.findIndex((task) => task.sid === position.afterSid);
    if (index >= 0) return index + 1;
  }
  return Math.min(position.offset, tasks.length);
}

async function judgeTask(
  deps: EngineDeps,
  listed: TwilioTask,
  liveCalls: Promise<LiveCallSnapshot> | null,
  context: RuleContext,
  budget: RequestBudget,
): Promise<Judged> {
  let task = listed;
  let precheck = precheckTask(task, context);
  // Lists may leave attributes out (null): only the task itself tells whether they are really bad.
  if (precheck.verdict === 'needs_review' && precheck.problem === 'bad_attributes' && task.attributes === null) {
    const fetched = await deps.gateway.fetchTask(task.sid, budget);
    if (fetched === null) return { task, classification: null, agent: NO_AGENT };
    task = fetched.task;
    precheck = precheckTask(task, context);
  }
  let classification: Classification;
  if (precheck.verdict === 'needs_legs') {
    // A leg in the live-call snapshot makes the task active without looking up the others; otherwise
    // every other leg is fetched, all at once.
    const snapshot = liveCalls ? await liveCalls : null;
    const known = new Map<string, CallObservation>();
    for (const callSid of precheck.callSids) {
      const liveStatus = snapshot?.statuses.get(callSid);
      if (liveStatus !== undefined) known.set(callSid, { kind: 'live', status: liveStatus });
    }
    const fetched = observationsOf(await fetchLegCalls(deps.gateway, legsToFetch(precheck, known), budget));
    classification = judgeLegs(task, precheck, new Map([...known, ...fetched]), context);
  } else if (precheck.verdict === 'needs_conversation') {
    classification = await observeMessaging(deps.gateway, task, precheck, context, budget);
  } else {
    classification = precheck;
  }
  const listedForReview = classification.verdict === 'stuck' || classification.verdict === 'needs_review';
  const agent = listedForReview ? await agentHolding(deps, task, budget) : NO_AGENT;
  return { task, classification, agent };
}

/**
 * The agent a suspect or review item blocks, from its reservations. Only those cost this request,
 * never active tasks; a pending task is held by no agent, so it costs none.
 */
async function agentHolding(deps: EngineDeps, task: TwilioTask, budget: RequestBudget): Promise<Agent> {
  if (task.assignment_status === 'pending') return NO_AGENT;
  const reservations = await deps.gateway.listReservations(task.sid, budget);
  return agentOf(task.assignment_status, reservations);
}

/**
 * The outcome of each promise, in order, as of the deadline (undefined = not settled in time).
 * Resolves as soon as all settle.
 */
async function settleUntil<T>(
  promises: Promise<T>[],
  pastDeadline: Promise<typeof PAST_DEADLINE>,
): Promise<(PromiseSettledResult<T> | undefined)[]> {
  const results: (PromiseSettledResult<T> | undefined)[] = new Array(promises.length).fill(undefined);
  const all = Promise.all(
    promises.map((promise, index) =>
      promise.then(
        (value) => {
          results[index] = { status: 'fulfilled', value };
        },
        (reason: unknown) => {
          results[index] = { status: 'rejected', reason };
        },
      ),
    ),
  );
  await Promise.race([all, pastDeadline]);
  return [...results];
}
