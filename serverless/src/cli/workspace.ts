import pLimit from 'p-limit';
import { MAX_CLOSE_BATCH } from '@plugin-stuck-tasks/contract';
import type { CloseResult, ReviewItem, ScanCounts, ScanResponse, Suspect } from '@plugin-stuck-tasks/contract';
import { closeTasks, scanPage } from '../engine';
import type { EngineDeps } from '../engine';

export interface WorkspaceScan {
  suspects: Suspect[];
  needsReview: ReviewItem[];
  counts: ScanCounts;
  /** Scan calls made (each returns within its deadline and hands back a page token). */
  pages: number;
}

export interface ScanWorkspaceOptions {
  /** Time budget of one `scanPage` call; the CLI has no 10 s limit, so pages may run longer. */
  pageDeadlineMs?: number;
  onPage?: (progress: { pages: number; counts: ScanCounts; suspects: number; needsReview: number }) => void;
}

const EMPTY_COUNTS: ScanCounts = { scanned: 0, stuck: 0, needsReview: 0, active: 0, skipped: 0 };

/**
 * Walks the whole workspace with the engine's paged scan, following `nextPageToken` to the end. A task
 * reported twice (the list shifts while tasks close during the walk) is kept once.
 */
export async function scanWorkspace(deps: EngineDeps, options: ScanWorkspaceOptions = {}): Promise<WorkspaceScan> {
  const suspects = new Map<string, Suspect>();
  const needsReview = new Map<string, ReviewItem>();
  const counts: ScanCounts = { ...EMPTY_COUNTS };
  let pages = 0;
  let pageToken: string | null = null;
  do {
    const page: ScanResponse = await scanPage(deps, pageToken, { deadlineMs: options.pageDeadlineMs });
    pages += 1;
    for (const suspect of page.suspects) suspects.set(suspect.taskSid, suspect);
    for (const item of page.needsReview) needsReview.set(item.taskSid, item);
    for (const key of Object.keys(counts) as (keyof ScanCounts)[]) counts[key] += page.counts[key];
    pageToken = page.nextPageToken;
    options.onPage?.({ pages, counts: { ...counts }, suspects: suspects.size, needsReview: needsReview.size });
  } while (pageToken !== null);
  return { suspects: [...suspects.values()], needsReview: [...needsReview.values()], counts, pages };
}

export interface CloseAllOptions {
  taskSids: readonly string[];
  force: boolean;
  identity: string;
  /** Batches handed to the engine at once; the gateway's own limit bounds the requests. */
  parallelBatches?: number;
  /** Time budget of one batch, retries included (the engine's default fits a 10 s Function). */
  batchDeadlineMs?: number;
  onProgress?: (done: number, failed: number) => void;
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
  const limit = pLimit(Math.max(1, options.parallelBatches ?? 2));
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
      { deadlineMs: options.batchDeadlineMs },
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
