import type { ScanResponse } from '@plugin-stuck-tasks/contract';
import type { StuckTasksApi } from './client';
import { StuckTasksApiError } from './client';
import { scanAllPages } from './scanAllPages';

const counts = { scanned: 1, stuck: 0, wrapupOverdue: 0, conversationClosed: 0, needsReview: 0, active: 1, skipped: 0 };
const page = (nextPageToken: string | null): ScanResponse => ({ suspects: [], needsReview: [], counts, nextPageToken });

/** A scan API answering pages in order from `tokens` (the next page token of each), and what happened when. */
function pagedApi(tokens: (string | null)[], failOn?: string) {
  const events: string[] = [];
  const api: StuckTasksApi = {
    scan: (pageToken) => {
      events.push(`asked ${pageToken ?? 'first'}`);
      if (pageToken !== null && pageToken === failOn) {
        return Promise.reject(new StuckTasksApiError('http', 'Bad gateway', 502));
      }
      const index = pageToken === null ? 0 : Number(pageToken.slice(1));
      return Promise.resolve(page(tokens[index]));
    },
    inspectTask: () => Promise.reject(new Error('not used')),
    closeTasks: () => Promise.reject(new Error('not used')),
    history: () => Promise.reject(new Error('not used')),
    orphanConversations: () => Promise.reject(new Error('not used')),
  };
  return { api, events };
}

describe('scanAllPages', () => {
  it('asks for the next page before handing this one over, so the server works while the view renders', async () => {
    const { api, events } = pagedApi(['p1', 'p2', null]);
    const outcome = await scanAllPages(api, (received) => events.push(`shown → ${received.nextPageToken ?? 'end'}`));
    expect(outcome).toBe('done');
    expect(events).toEqual(['asked first', 'asked p1', 'shown → p1', 'asked p2', 'shown → p2', 'shown → end']);
  });

  it('hands over every page it got before a failing one, then fails', async () => {
    const { api, events } = pagedApi(['p1', 'p2', null], 'p2');
    await expect(scanAllPages(api, (received) => events.push(`shown → ${received.nextPageToken}`))).rejects.toThrow(
      'Bad gateway',
    );
    expect(events).toEqual(['asked first', 'asked p1', 'shown → p1', 'asked p2', 'shown → p2']);
  });

  it('stops on a repeated page token after showing that page, without asking again', async () => {
    const { api, events } = pagedApi(['p1', 'p1']);
    await expect(scanAllPages(api, () => events.push('shown'))).rejects.toThrow('repeated a page token');
    expect(events).toEqual(['asked first', 'asked p1', 'shown', 'shown']);
  });

  it('stops quietly when aborted, asking nothing more', async () => {
    const { api, events } = pagedApi(['p1', 'p2', null]);
    const controller = new AbortController();
    const outcome = await scanAllPages(
      api,
      () => {
        events.push('shown');
        controller.abort();
      },
      controller.signal,
    );
    expect(outcome).toBe('stopped');
    expect(events).toEqual(['asked first', 'asked p1', 'shown']);
  });
});
