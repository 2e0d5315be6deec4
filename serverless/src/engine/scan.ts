import type { ReviewItem, ScanCounts, ScanResponse, Suspect } from '@plugin-stuck-tasks/contract';
import { DeadlineExceededError, UpstreamError } from '../gateway/errors';
import type { RequestBudget, TaskPage, TwilioTask } from '../gateway/types';
import type { EngineDeps } from './deps';
import { nowOf } from './deps';
import { InvalidPageTokenError } from './errors';
import type { LiveCallSnapshot } from './liveCalls';
import { listLiveCalls } from './liveCalls';
import { START_POSITION, decodePageToken, encodePageToken } from './pageToken';
import type { ScanPosition } from './pageToken';
import { toReviewItem, toSuspect } from './present';
import { classifyTask, precheckTask } from './rules';
import type { Classification, RuleContext } from './rules';

/** A Function is killed at 10 s; leave room for token validation and the answer. */
export const DEFAULT_SCAN_DEADLINE_MS = 7_000;
/** Twilio's largest page: fewest list requests, and the deadline bounds the work per call anyway. */
export const DEFAULT_SCAN_PAGE_SIZE = 1000;
/** Share of the deadline the live-call listing may use before the remaining calls are fetched singly. */
const LIVE_CALL_BUDGET_SHARE = 0.4;

/**
 * How the calls of voice tasks are checked:
 * - `live-calls` (default): list the account's live calls once, fetch only the calls not in that list;
 * - `fetch-each`: fetch every call (the baseline; more requests, no list).
 * Both give the same verdicts; every "stuck" rests on an individual fetch either way.
 */
export type CallPlan = 'live-calls' | 'fetch-each';

export interface ScanOptions {
  deadlineMs?: number;
  pageSize?: number;
  callPlan?: CallPlan;
}

/** A task and what the rules made of it; null = it vanished (404) while being looked at. */
interface Judged {
  task: TwilioTask;
  classification: Classification | null;
}

/**
 * One page of the scan: open voice tasks judged stuck or needing review. Returns within the deadline
 * whatever the workspace size; `nextPageToken` resumes exactly where this call stopped.
 */
export async function scanPage(
  deps: EngineDeps,
  pageToken: string | null,
  options: ScanOptions = {},
): Promise<ScanResponse> {
  const startedAt = Date.now();
  const deadlineMs = options.deadlineMs ?? DEFAULT_SCAN_DEADLINE_MS;
  const deadline = startedAt + deadlineMs;
  const { settings, gateway } = deps;
  const position = pageToken === null ? START_POSITION : decodePageToken(pageToken, settings.workspaceSid);
  const context: RuleContext = {
    nowMs: nowOf(deps),
    graceSeconds: settings.graceSeconds,
    excludedTaskQueues: settings.excludedTaskQueues,
  };

  // Work still queued when this call returns is abandoned, not left to run up Twilio's request count.
  const abandon = new AbortController();
  const budget: RequestBudget = { deadline, signal: abandon.signal };

  let liveCalls: Promise<LiveCallSnapshot> | null = null;
  if ((options.callPlan ?? 'live-calls') === 'live-calls') {
    const liveBudget = { deadline: startedAt + deadlineMs * LIVE_CALL_BUDGET_SHARE, signal: abandon.signal };
    liveCalls = deps.liveCallCache
      ? deps.liveCallCache.get(gateway, settings.graceSeconds * 1000, liveBudget)
      : listLiveCalls(gateway, liveBudget);
  }

  try {
    let page: TaskPage;
    try {
      page = await gateway.listOpenTasks(position.cursor, options.pageSize ?? DEFAULT_SCAN_PAGE_SIZE, budget);
    } catch (error) {
      if (position.cursor && error instanceof UpstreamError && error.status === 400) {
        throw new InvalidPageTokenError('PageToken no longer matches a page of this workspace; start a new scan');
      }
      if (error instanceof DeadlineExceededError) {
        throw new UpstreamError('Twilio did not list the tasks in time');
      }
      throw error;
    }

    const start = resumeIndex(page.tasks, position);
    const pending = page.tasks.slice(start);
    const judging = pending.map((task) => judgeTask(deps, task, liveCalls, context, budget));
    const settled = await settleUntil(judging, deadline);

    const suspects: Suspect[] = [];
    const needsReview: ReviewItem[] = [];
    const counts: ScanCounts = { scanned: 0, stuck: 0, needsReview: 0, active: 0, skipped: 0 };
    let failure: unknown = null;
    for (const outcome of settled) {
      if (outcome === undefined) break;
      if (outcome.status === 'rejected') {
        failure = outcome.reason;
        break;
      }
      counts.scanned += 1;
      const { task, classification } = outcome.value;
      switch (classification?.verdict) {
        case 'stuck':
          counts.stuck += 1;
          suspects.push(toSuspect(task, classification, context.nowMs));
          break;
        case 'needs_review':
          counts.needsReview += 1;
          needsReview.push(toReviewItem(task, classification, context.nowMs));
          break;
        case 'active':
          counts.active += 1;
          break;
        default:
          // Other channels, excluded queues, and tasks that closed or vanished while being looked at.
          counts.skipped += 1;
      }
    }

    // Twilio trouble only shortens the page (the client resumes from the token); a bug must surface.
    if (failure !== null && !(failure instanceof UpstreamError) && !(failure instanceof DeadlineExceededError)) {
      throw failure;
    }
    const done = counts.scanned;
    if (done === 0 && pending.length > 0) {
      if (failure instanceof UpstreamError) throw failure;
      throw new UpstreamError('Twilio answered too slowly to judge even one task in time');
    }

    let next: ScanPosition | null;
    if (done < pending.length) {
      next = { cursor: position.cursor, offset: start + done, afterSid: pending[done - 1].sid };
    } else {
      next = page.next ? { cursor: page.next, offset: 0, afterSid: null } : null;
    }
    return {
      suspects,
      needsReview,
      counts,
      nextPageToken: next === null ? null : encodePageToken(next, settings.workspaceSid),
    };
  } finally {
    abandon.abort();
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
    if (fetched === null) return { task, classification: null };
    task = fetched.task;
    precheck = precheckTask(task, context);
  }
  if (precheck.verdict !== 'needs_call') return { task, classification: precheck };

  const snapshot = liveCalls ? await liveCalls : null;
  const liveStatus = snapshot?.statuses.get(precheck.callSid);
  if (liveStatus !== undefined) {
    return { task, classification: classifyTask(task, { kind: 'live', status: liveStatus }, context) };
  }
  const call = await deps.gateway.fetchCall(precheck.callSid, budget);
  return {
    task,
    classification: classifyTask(task, call === null ? { kind: 'not_found' } : { kind: 'fetched', call }, context),
  };
}

/**
 * The outcome of each promise, in order, as of the deadline (undefined = not settled in time).
 * Resolves as soon as all settle.
 */
async function settleUntil<T>(
  promises: Promise<T>[],
  deadline: number,
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
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
  });
  try {
    await Promise.race([all, timeout]);
  } finally {
    clearTimeout(timer);
  }
  return [...results];
}
