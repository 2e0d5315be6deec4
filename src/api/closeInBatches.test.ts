import type { CloseResult } from '@plugin-stuck-tasks/contract';
import { taskSid } from '../test/fixtures';
import type { StuckTasksApi } from './client';
import { StuckTasksApiError } from './client';
import { closeInBatches, PARALLEL_CLOSE_BATCHES } from './closeInBatches';

/** One close request the stub received, answered when the test says so. */
interface PendingClose {
  taskSids: readonly string[];
  answer: (results?: CloseResult[]) => void;
  fail: (error: unknown) => void;
}

/** A Functions client whose close requests wait until the test answers each one. */
function gatedApi() {
  const pending: PendingClose[] = [];
  const api: StuckTasksApi = {
    scan: () => Promise.reject(new Error('not used')),
    inspectTask: () => Promise.reject(new Error('not used')),
    history: () => Promise.reject(new Error('not used')),
    orphanConversations: () => Promise.reject(new Error('not used')),
    closeTasks: (taskSids) =>
      new Promise<CloseResult[]>((resolve, reject) => {
        pending.push({
          taskSids,
          answer: (results) =>
            resolve(
              results ??
                taskSids.map((sid): CloseResult => ({ taskSid: sid, outcome: 'canceled', message: 'Closed.' })),
            ),
          fail: reject,
        });
      }),
  };
  return { api, pending };
}

const sids = (count: number) => Array.from({ length: count }, (_, index) => taskSid(index + 1));
const options = (onBatch: (results: CloseResult[]) => void = () => undefined) => ({
  onBatch,
  describeError: (error: unknown) => `failed: ${(error as Error).message}`,
  missingResultMessage: 'No answer for this task.',
});

/** Lets the promise callbacks queued so far run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

it('sends PARALLEL_CLOSE_BATCHES batches at once by default', async () => {
  expect(PARALLEL_CLOSE_BATCHES).toBe(4);
  const { api, pending } = gatedApi();
  const closing = closeInBatches(api, sids(250), options());
  await settle();
  expect(pending.map((close) => close.taskSids.length)).toEqual([50, 50, 50, 50]);
  for (let index = 0; index < 5; index += 1) {
    pending[index].answer();
    await settle();
  }
  expect(await closing).toHaveLength(250);
});

it('has at most parallelBatches batches in flight, starts the next as one ends, and keeps the order', async () => {
  const { api, pending } = gatedApi();
  const batches: CloseResult[][] = [];
  const closing = closeInBatches(api, sids(320), {
    ...options((results) => batches.push(results)),
    parallelBatches: 4,
  });
  await settle();
  // 320 tasks = 7 batches of at most 50; four requests at once.
  expect(pending.map((close) => close.taskSids.length)).toEqual([50, 50, 50, 50]);

  pending[2].answer();
  await settle();
  expect(pending).toHaveLength(5);
  expect(batches).toHaveLength(1);
  expect(batches[0].map((result) => result.taskSid)).toEqual(sids(150).slice(100));

  for (let index = 0; index < 7; index += 1) {
    if (index !== 2) pending[index].answer();
    await settle();
  }
  const results = await closing;
  expect(pending.map((close) => close.taskSids.length)).toEqual([50, 50, 50, 50, 50, 50, 20]);
  expect(results.map((result) => result.taskSid)).toEqual(sids(320));
  expect(batches).toHaveLength(7);
  expect(batches.flat()).toHaveLength(320);
});

it('reports the tasks of a failed batch failed and goes on with the others', async () => {
  const { api, pending } = gatedApi();
  const closing = closeInBatches(api, sids(120), { ...options(), parallelBatches: 3 });
  await settle();
  expect(pending).toHaveLength(3);
  pending[1].fail(new StuckTasksApiError('upstream', 'TaskRouter answered 503.', 502));
  pending[0].answer();
  pending[2].answer();
  const results = await closing;
  expect(results.map((result) => result.taskSid)).toEqual(sids(120));
  expect(results.slice(50, 100).every((result) => result.outcome === 'failed')).toBe(true);
  expect(results[50].message).toBe('failed: TaskRouter answered 503.');
  expect([...results.slice(0, 50), ...results.slice(100)].every((result) => result.outcome === 'canceled')).toBe(true);
});

it('on a rejected token starts no further batch and fails every task not yet started; batches in flight report their own outcome', async () => {
  const { api, pending } = gatedApi();
  const batches: CloseResult[][] = [];
  const closing = closeInBatches(api, sids(400), {
    ...options((results) => batches.push(results)),
    parallelBatches: 4,
  });
  await settle();
  expect(pending).toHaveLength(4);
  pending[0].fail(new StuckTasksApiError('unauthorized', 'Token expired.', 401));
  await settle();
  expect(pending).toHaveLength(4);
  pending[1].answer();
  pending[2].fail(new StuckTasksApiError('forbidden', 'Not an admin.', 403));
  pending[3].answer();
  const results = await closing;

  expect(pending).toHaveLength(4);
  expect(results.map((result) => result.taskSid)).toEqual(sids(400));
  const outcomes = results.map((result) => result.outcome);
  expect(outcomes.slice(0, 50).every((outcome) => outcome === 'failed')).toBe(true);
  expect(outcomes.slice(50, 100).every((outcome) => outcome === 'canceled')).toBe(true);
  expect(outcomes.slice(100, 150).every((outcome) => outcome === 'failed')).toBe(true);
  expect(outcomes.slice(150, 200).every((outcome) => outcome === 'canceled')).toBe(true);
  // The 200 tasks never sent fail with the first refusal's reason, reported once.
  expect(
    results.slice(200).every((result) => result.outcome === 'failed' && result.message === 'failed: Token expired.'),
  ).toBe(true);
  expect(batches.map((batch) => batch.length)).toEqual([50, 50, 50, 50, 200]);
});

it('fills in a task the answer left out, and refuses a parallelism below 1', async () => {
  const { api, pending } = gatedApi();
  const closing = closeInBatches(api, sids(2), options());
  await settle();
  pending[0].answer([{ taskSid: taskSid(2), outcome: 'completed', message: 'Closed.' }]);
  expect(await closing).toEqual([
    { taskSid: taskSid(1), outcome: 'failed', message: 'No answer for this task.' },
    { taskSid: taskSid(2), outcome: 'completed', message: 'Closed.' },
  ]);
  await expect(closeInBatches(api, sids(2), { ...options(), parallelBatches: 0 })).rejects.toThrow(RangeError);
});

it('sends nothing for no tasks', async () => {
  const { api, pending } = gatedApi();
  expect(await closeInBatches(api, [], options())).toEqual([]);
  expect(pending).toHaveLength(0);
});
