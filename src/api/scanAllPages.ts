import type { ScanResponse } from '@plugin-stuck-tasks/contract';
import type { StuckTasksApi } from './client';
import { StuckTasksApiError } from './client';

/**
 * Walks the scan from the first page until `nextPageToken` is null, handing each page over as it
 * arrives so the view can show progress. Stops quietly when `signal` is aborted.
 */
export async function scanAllPages(
  api: StuckTasksApi,
  onPage: (page: ScanResponse) => void,
  signal?: AbortSignal,
): Promise<'done' | 'stopped'> {
  const seenTokens = new Set<string>();
  let pageToken: string | null = null;
  do {
    if (signal?.aborted) return 'stopped';
    let page: ScanResponse;
    try {
      page = await api.scan(pageToken, signal);
    } catch (error) {
      if (error instanceof StuckTasksApiError && error.kind === 'aborted') return 'stopped';
      throw error;
    }
    if (signal?.aborted) return 'stopped';
    onPage(page);
    pageToken = page.nextPageToken;
    // A server that hands out the same token twice would otherwise keep us looping forever.
    if (pageToken !== null && seenTokens.has(pageToken)) {
      throw new StuckTasksApiError('http', 'The scan repeated a page token; stopping.', 200);
    }
    if (pageToken !== null) seenTokens.add(pageToken);
  } while (pageToken !== null);
  return 'done';
}
