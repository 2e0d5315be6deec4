import type { TaskDetailResponse } from '@plugin-stuck-tasks/contract';
import { inspectTask } from '../../engine';
import { defineEndpoint } from '../../http/endpoint';
import { notFound } from '../../http/errors';
import { taskParamsSchema } from '../../http/params';

/** Inside the Runtime's 10 s with room for token validation and the answer. */
const TASK_BUDGET_MS = 7000;

export const handler = defineEndpoint(
  'task',
  taskParamsSchema,
  async ({ engine, params, remainingMs }): Promise<TaskDetailResponse> => {
    const detail = await inspectTask(engine, params.TaskSid, { deadlineMs: remainingMs(TASK_BUDGET_MS) });
    if (detail === null) {
      throw notFound(`Task ${params.TaskSid} does not exist (closed tasks disappear a few minutes after closing).`);
    }
    return detail;
  },
);
