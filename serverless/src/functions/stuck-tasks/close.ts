import type { CloseResponse } from '@plugin-stuck-tasks/contract';
import { closeTasks } from '../../engine';
import { defineEndpoint } from '../../http/endpoint';
import { closeParamsSchema } from '../../http/params';

/**
 * Past this the engine starts no new request and reports the tasks it could not finish as failed,
 * so the answer (with every outcome) leaves before the Runtime's 10 s kill, with nothing in flight.
 */
const CLOSE_BUDGET_MS = 7500;

export const handler = defineEndpoint(
  'close',
  closeParamsSchema,
  async ({ engine, params, caller, remainingMs }): Promise<CloseResponse> => ({
    // The identity comes from the validated token, never from the request: it goes into the reason.
    results: await closeTasks(
      engine,
      { taskSids: params.TaskSids, force: params.Force, identity: caller.identity },
      { deadlineMs: remainingMs(CLOSE_BUDGET_MS) },
    ),
  }),
);
