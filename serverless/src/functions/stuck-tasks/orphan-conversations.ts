import type { OrphanConversationsResponse } from '@plugin-stuck-tasks/contract';
import { orphanConversationsPage } from '../../engine';
import { defineEndpoint } from '../../http/endpoint';
import { orphanConversationsParamsSchema } from '../../http/params';

/**
 * Reverse orphans: conversations still going that no open task names, listed for review only (this
 * endpoint changes nothing). Answered within 8 s like scan and history (the Runtime kills a Function
 * at 10 s): the page stops growing this long after the handler started. MESSAGING off: an empty list.
 */
const ORPHANS_BUDGET_MS = 6500;

export const handler = defineEndpoint(
  'orphan-conversations',
  orphanConversationsParamsSchema,
  ({ engine, params, remainingMs }): Promise<OrphanConversationsResponse> =>
    orphanConversationsPage(engine, { pageToken: params.PageToken }, { deadlineMs: remainingMs(ORPHANS_BUDGET_MS) }),
);
