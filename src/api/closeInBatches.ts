import type { CloseResult } from '@plugin-stuck-tasks/contract';
import { MAX_CLOSE_BATCH } from '@plugin-stuck-tasks/contract';
import { splitIntoBatches } from '../model/suspects';
import type { StuckTasksApi } from './client';
import { isPermissionError } from './describeError';

export interface CloseInBatchesOptions {
  force?: boolean;
  /** Called after every batch with that batch's results, in order. */
  onBatch: (results: CloseResult[]) => void;
  /** Turns a failed request into the message each task of that batch is reported with. */
  describeError: (error: unknown) => string;
  /** Reported for a task the server left out of its answer, rather than dropping it silently. */
  missingResultMessage: string;
}

/**
 * Closes tasks MAX_CLOSE_BATCH at a time, one request after the other, so the Functions service (and
 * TaskRouter behind it) never sees more than one batch from this browser at once. A batch whose request
 * fails reports each of its tasks as `failed` and the next batch still runs, except when the token is
 * rejected: then every remaining task is reported failed with that reason without calling again.
 */
export async function closeInBatches(
  api: StuckTasksApi,
  taskSids: readonly string[],
  options: CloseInBatchesOptions,
): Promise<CloseResult[]> {
  const all: CloseResult[] = [];
  const batches = splitIntoBatches(taskSids, MAX_CLOSE_BATCH);
  for (let index = 0; index < batches.length; index += 1) {
    const batch = batches[index];
    let results: CloseResult[];
    try {
      const answer = await api.closeTasks(batch, { force: options.force });
      results = completeResults(batch, answer, options.missingResultMessage);
    } catch (error) {
      const message = options.describeError(error);
      if (isPermissionError(error)) {
        const remaining = batches.slice(index).flat();
        const failed = remaining.map((taskSid): CloseResult => ({ taskSid, outcome: 'failed', message }));
        all.push(...failed);
        options.onBatch(failed);
        break;
      }
      results = batch.map((taskSid) => ({ taskSid, outcome: 'failed', message }));
    }
    all.push(...results);
    options.onBatch(results);
  }
  return all;
}

function completeResults(batch: readonly string[], results: CloseResult[], missingMessage: string): CloseResult[] {
  const bySid = new Map(results.map((result) => [result.taskSid, result]));
  return batch.map((taskSid) => bySid.get(taskSid) ?? { taskSid, outcome: 'failed', message: missingMessage });
}
