/**
 * The whole workspace at once, for operators' runs (the CLI) and the benchmark: every page of the scan
 * followed to the end, and closes handed to the engine in batches. The Functions use the per-call
 * `scanPage` and `closeTasks` instead, within their 10 s limit.
 */
import pLimit from 'p-limit';
import pRetry from 'p-retry';
import { addScanCounts, MAX_CLOSE_BATCH, ZERO_SCAN_COUNTS } from '@plugin-stuck-tasks/contract';
import type { CloseResult, ReviewItem, ScanCounts, ScanResponse, Suspect } from '@plugin-stuck-tasks/contract';
import { UpstreamError } from '../gateway/errors';
import { closeTasks } from './close';
import type { EngineDeps } from './deps';
import { scanPage } from './scan';
import type { CallPlan } from './scan';

/** Operators' runs have no 10 s Function limit: each engine scan call may cover more of the workspace. */
export const SCAN_PAGE_DEADLINE_MS = 60_000;
/**
 * Most tasks one scan call of an operators' run covers (the Functions' calls stop at 5,000). A call
 * ends by waiting for its slowest task and the next one starts by listing a page, which left Twilio's
 * window idle for a few hundred milliseconds at every call; progress is drawn per Twilio page instead.
 */
export const SCAN_PAGE_MAX_TASKS = 50_000;
/** Time budget of one batch of MAX_CLOSE_BATCH closes, retries included. */
export const CLOSE_BATCH_DEADLINE_MS = 60_000;

export interface WorkspaceScan {
  suspects: Suspect[];
  needsReview: ReviewItem[];
  counts: ScanCounts;
  /** Scan calls made (each returns within its deadline and hands back a page token). */
  pages: number;
}

export interface ScanWorkspaceOptions {
  /** Time budget of one `scanPage` call (default SCAN_PAGE_DEADLINE_MS). */
  pageDeadlineMs?: number;
  /** First wait before a failed scan call is tried again (default 1 s; tests shorten it). */
  pageRetryDelayMs?: number;
  /** How calls are checked (the engine's default unless set; the benchmark compares both). */
  callPlan?: CallPlan;
  /**
   * Progress: after each scan call (`pages` of them so far) and, within a call, after each Twilio page
   * judged. Figures are of the whole walk so far; a call tried again may count its first pages twice
   * until it ends.
   */
  onPage?: (progress: { pages: number; counts: ScanCounts; suspects: number; needsReview: number }) => void;
}

/** Extra tries of one scan call that Twilio failed (the gateway has already retried each request). */
const SCAN_PAGE_RETRIES = 2;

/** Twilio trouble that may pass (throttling, 5xx, no answer), unlike refused credentials or workspace. */
function isPassing(error: unknown): boolean {
  return error instanceof UpstreamError && (error.status === null || error.status === 429 || error.status >= 500);
}

/**
 * Walks the whole workspace with the engine's paged scan, following `nextPageToken` to the end. A task
 * reported twice (the list shifts while tasks close during the walk) is kept once. During an outage a
 * long walk should not be lost to one failing call: a call that Twilio failed is tried again from the
 * same page token, a few times, before the walk gives up.
 */
export async function scanWorkspace(deps: EngineDeps, options: ScanWorkspaceOptions = {}): Promise<WorkspaceScan> {
  const suspects = new Map<string, Suspect>();
  const needsReview = new Map<string, ReviewItem>();
  let counts: ScanCounts = { ...ZERO_SCAN_COUNTS };
  let pages = 0;
  let pageToken: string | null = null;
  do {
    const token = pageToken;
    const page: ScanResponse = await pRetry(
      async () => {
        try {
          return await scanPage(deps, token, {
            deadlineMs: options.pageDeadlineMs ?? SCAN_PAGE_DEADLINE_MS,
            maxTasks: SCAN_PAGE_MAX_TASKS,
            callPlan: options.callPlan,
            onProgress: (call) =>
              options.onPage?.({
                pages,
                counts: addScanCounts(counts, call.counts),
                suspects: suspects.size + call.suspects,
                needsReview: needsReview.size + call.needsReview,
              }),
          });
        } catch (error) {
          throw isPassing(error) ? error : new pRetry.AbortError(error as Error);
        }
      },
      { retries: SCAN_PAGE_RETRIES, minTimeout: options.pageRetryDelayMs ?? 1_000, randomize: true },
    );
    pages += 1;
    for (const suspect of page.suspects) suspects.set(suspect.taskSid, suspect);
    for (const item of page.needsReview) needsReview.set(item.taskSid, item);
    counts = addScanCounts(counts, page.counts);
    pageToken = page.nextPageToken;
    options.onPage?.({ pages, counts: { ...counts }, suspects: suspects.size, needsReview: needsReview.size });
  } while (pageToken !== null);
  return { suspects: [...suspects.values()], needsReview: [...needsReview.values()], counts, pages };
}

export interface CloseAllOptions {
  taskSids: readonly string[];
  force: boolean;
  identity: string;
  /** The gateway's concurrency: how many batches are handed to the engine at once follows from it. */
  concurrency: number;
  /** Time budget of one batch (default CLOSE_BATCH_DEADLINE_MS). */
  batchDeadlineMs?: number;
  onProgress?: (done: number, failed: number) => void;
  /** Once aborted, no further task is started; those in flight finish (see `closeTasks`). */
  signal?: AbortSignal;
}

/**
 * Closes tasks through the engine's `closeTasks` (fetch, re-verify, If-Match update, reason with the
 * identity) in batches of MAX_CLOSE_BATCH. Resolves only when every batch has finished, with exactly
 * one result per task, in the order given.
 */
export async function closeAll(deps: EngineDeps, options: CloseAllOptions): Promise<CloseResult[]> {
  const taskSids = [...new Set(options.taskSids)];
  const batches: string[][] = [];
  for (let start = 0; start < taskSids.length; start += MAX_CLOSE_BATCH) {
    batches.push(taskSids.slice(start, start + MAX_CLOSE_BATCH));
  }
  // One batch keeps up to MAX_CLOSE_BATCH tasks wanting requests at once; two more hide the batches'
  // tails (a batch ends with its slowest task, and the gateway's window may grow meanwhile). The
  // gateway's window, not this, bounds the requests in flight.
  const limit = pLimit(Math.max(2, Math.ceil(options.concurrency / MAX_CLOSE_BATCH) + 2));
  let done = 0;
  let failed = 0;
  const batchResults = await Promise.all(
    batches.map((batch) =>
      limit(async () => {
        const results = await closeBatch(deps, batch, options);
        done += results.length;
        failed += results.filter((result) => result.outcome === 'failed').length;
        options.onProgress?.(done, failed);
        return results;
      }),
    ),
  );
  return batchResults.flat();
}

async function closeBatch(deps: EngineDeps, batch: string[], options: CloseAllOptions): Promise<CloseResult[]> {
  let results: CloseResult[];
  try {
    results = await closeTasks(
      deps,
      { taskSids: batch, force: options.force, identity: options.identity },
      { deadlineMs: options.batchDeadlineMs ?? CLOSE_BATCH_DEADLINE_MS, signal: options.signal },
    );
  } catch (error) {
    // The engine reports per-task failures itself; an error here stopped the whole batch part-way,
    // so the operator is told to look again rather than told the task is still open.
    const message = `The batch stopped (${(error as Error).message}); scan again to see whether this task was closed.`;
    return batch.map((taskSid) => ({ taskSid, outcome: 'failed', message }));
  }
  const bySid = new Map(results.map((result) => [result.taskSid, result]));
  if (results.length !== batch.length || batch.some((sid) => !bySid.has(sid))) {
    throw new Error(`The engine answered ${results.length} outcomes for a batch of ${batch.length} tasks`);
  }
  return batch.map((sid) => bySid.get(sid) as CloseResult);
}
