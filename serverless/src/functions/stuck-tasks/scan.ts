import type { ScanResponse } from '@plugin-stuck-tasks/contract';
import { scanPage } from '../../engine';
import { defineEndpoint } from '../../http/endpoint';
import { scanParamsSchema } from '../../http/params';

/**
 * The contract promises every scan call an answer within 8 s (the Runtime kills a Function at 10 s):
 * the page stops growing this long after the handler started, whatever token validation took. The
 * rest is for what happens before the handler runs (a cold start; locally, forking a process) and
 * for the answer: measured through twilio-run on a loaded 2-core machine at 100 ms Twilio latency,
 * a 7 s budget gave calls of up to 8.05 s end to end.
 */
const SCAN_BUDGET_MS = 6500;

export const handler = defineEndpoint(
  'scan',
  scanParamsSchema,
  ({ engine, params, remainingMs }): Promise<ScanResponse> =>
    scanPage(engine, params.PageToken, { deadlineMs: remainingMs(SCAN_BUDGET_MS) }),
);
