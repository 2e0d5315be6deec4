import type { HistoryResponse } from '@plugin-stuck-tasks/contract';
import { historyPage } from '../../engine';
import { defineEndpoint } from '../../http/endpoint';
import { historyParamsSchema } from '../../http/params';

/**
 * Every history call is answered within 8 s like a scan call (the Runtime kills a Function at 10 s):
 * the page stops growing this long after the handler started, whatever token validation took (the
 * same budget as scan.ts, measured there).
 */
const HISTORY_BUDGET_MS = 6500;

export const handler = defineEndpoint(
  'history',
  historyParamsSchema,
  ({ engine, params, remainingMs }): Promise<HistoryResponse> =>
    historyPage(
      engine,
      { days: params.Days, pageToken: params.PageToken },
      { deadlineMs: remainingMs(HISTORY_BUDGET_MS) },
    ),
);
