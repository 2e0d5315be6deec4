import type { ScanResponse } from '@plugin-stuck-tasks/contract';
import { scanPage } from '../../engine';
import { defineEndpoint } from '../../http/endpoint';
import { scanParamsSchema } from '../../http/params';

/**
 * The contract promises every scan call an answer within 8 s (the Runtime kills a Function at 10 s):
 * the page stops growing this long after the call started, whatever token validation took.
 */
const SCAN_BUDGET_MS = 7000;

export const handler = defineEndpoint(
  'scan',
  scanParamsSchema,
  ({ engine, params, remainingMs }): Promise<ScanResponse> =>
    scanPage(engine, params.PageToken, { deadlineMs: remainingMs(SCAN_BUDGET_MS) }),
);
