import type { ScanResponse } from '@plugin-stuck-tasks/contract';
import type { StuckTasksApi } from './client';
import { StuckTasksApiError } from './client';

/**
 * Walks the scan from the first page until `nextPageToken` is null, handing each page over as it
 * arrives so the view can show progress. Stops quietly when `signal` is aborted.
 *
 * The next page is asked for before this one is handed over: showing a page re-renders the view with
 * every suspect found so far, and the Functions can scan the next page meanwhile instead of waiting.
 */
export async function scanAllPages(
  api: StuckTasksApi,
  onPage: (page: ScanResponse) => void,
  signal?: AbortSignal,
): Promise<'done' | 'stopped'> {
  const seenTokens = new Set<string>();
  let request: Promise<ScanResponse> = api.scan(null, signal);
  for (;;) {
    if (signal?.aborted) return 'stopped';
    let page: ScanResponse;
    try {
      page = await request;
    } catch (error) {
      if (error instanceof StuckTasksApiError && error.kind === 'aborted') return 'stopped';
      throw error;
    }
    if (signal?.aborted) return 'stopped';
    const pageToken = page.nextPageToken;
    // A server that hands out the same token twice would otherwise keep us looping forever.
    const repeated = pageToken !== null && seenTokens.has(pageToken);
    if (pageToken !== null && !repeated) {
      seenTokens.add(pageToken);
      request = api.scan(pageToken, signal);
      // Awaited on the next turn of the loop; a failure meanwhile must not count as unhandled.
      request.catch(() => undefined);
    }
    onPage(page);
    if (repeated) throw new StuckTasksApiError('http', 'The scan repeated a page token; stopping.', 200);
    if (pageToken === null) return 'done';
  }
}
