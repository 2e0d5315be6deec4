import type { CloseResult } from '@plugin-stuck-tasks/contract';
import { MAX_CLOSE_BATCH, PARALLEL_CLOSE_CALLS } from '@plugin-stuck-tasks/contract';
import { splitIntoBatches } from '../model/suspects';
import type { StuckTasksApi } from './client';
import { isPermissionError } from './describeError';

/**
 * Close requests this browser has in flight at once. Each is one Function invocation closing up to
 * MAX_CLOSE_BATCH tasks, whose gateway already keeps many Twilio requests in flight and shares the
 * account with every other gateway through Twilio's own load signal. One batch after another leaves
 * the account idle while each call starts and while its slowest task finishes; a few at once hide
 * that. More only adds Function invocations competing for the same Twilio capacity and, where CPU
 * is short, pushes calls past their 7.5 s budget: measured in the sandbox (`npm run bench -- --only
 * load`, 2,600 suspects, 100 ms, a loaded 2-core machine), closing took 136.8 s one at a time, 85.3 s
 * two at a time, and 111 to 124 s four at a time with 12 to 22 tasks failed at the deadline. Stop 20,
 * idle machine, the adaptive window keeping the account at its target: with a process forked per
 * call 39.8 s two at a time, 31.8 and 34.4 s three, 33.2 s four; on warm instances 18.2 s two, 15.4 s
 * three; none failed. So three. The Functions pace the Interactions API for this many calls (contract).
 */
export const PARALLEL_CLOSE_BATCHES = PARALLEL_CLOSE_CALLS;

export interface CloseInBatchesOptions {
  force?: boolean;
  /** Called after every batch with that batch's results, in that batch's order, as each batch ends. */
  onBatch: (results: CloseResult[]) => void;
  /** Turns a failed request into the message each task of that batch is reported with. */
  describeError: (error: unknown) => string;
  /** Reported for a task the server left out of its answer, rather than dropping it silently. */
  missingResultMessage: string;
  /** Close requests in flight at once (default PARALLEL_CLOSE_BATCHES). */
  parallelBatches?: number;
}

/**
 * Closes tasks MAX_CLOSE_BATCH at a time, up to `parallelBatches` batch requests at once. A batch whose
 * request fails reports each of its tasks as `failed` and the other batches go on, except when the
 * token is rejected: then no further batch is started and every task of a batch not yet started is
 * reported failed with that reason (batches already in flight report their own outcome). The results
 * come back in the order of `taskSids`.
 */
export async function closeInBatches(
  api: StuckTasksApi,
  taskSids: readonly string[],
  options: CloseInBatchesOptions,
): Promise<CloseResult[]> {
  const parallel = options.parallelBatches ?? PARALLEL_CLOSE_BATCHES;
  if (!Number.isInteger(parallel) || parallel < 1) {
    throw new RangeError(`parallelBatches must be a whole number of at least 1, got ${parallel}`);
  }
  const batches = splitIntoBatches(taskSids, MAX_CLOSE_BATCH);
  const resultsByBatch: CloseResult[][] = new Array(batches.length);
  let next = 0;
  let refusal: string | null = null;

  const closeBatch = async (index: number): Promise<void> => {
    const batch = batches[index];
    let results: CloseResult[];
    try {
      const answer = await api.closeTasks(batch, { force: options.force });
      results = completeResults(batch, answer, options.missingResultMessage);
    } catch (error) {
      const message = options.describeError(error);
      if (isPermissionError(error) && refusal === null) refusal = message;
      results = batch.map((taskSid): CloseResult => ({ taskSid, outcome: 'failed', message }));
    }
    resultsByBatch[index] = results;
    options.onBatch(results);
  };

  const worker = async (): Promise<void> => {
    while (next < batches.length && refusal === null) {
      const index = next;
      next += 1;
      await closeBatch(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, batches.length) }, worker));

  if (refusal !== null && next < batches.length) {
    // The token was rejected: the batches not started fail with that reason, without calling again.
    const message = refusal;
    const notStarted = batches
      .slice(next)
      .map((batch) => batch.map((taskSid): CloseResult => ({ taskSid, outcome: 'failed', message })));
    notStarted.forEach((results, offset) => {
      resultsByBatch[next + offset] = results;
    });
    options.onBatch(notStarted.flat());
  }
  return resultsByBatch.flat();
}

function completeResults(batch: readonly string[], results: CloseResult[], missingMessage: string): CloseResult[] {
  const bySid = new Map(results.map((result) => [result.taskSid, result]));
  return batch.map((taskSid) => bySid.get(taskSid) ?? { taskSid, outcome: 'failed', message: missingMessage });
}
