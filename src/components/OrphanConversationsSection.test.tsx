import { screen, waitFor, within } from '@testing-library/react';
import { apiError, FakeFunctions } from '../test/fakeFunctions';
import { makeOrphanConversation, makeSuspect, scanPages } from '../test/fixtures';
import { renderView } from '../test/renderView';
import { setupUser } from '../test/user';

const orphansSection = () => screen.getByRole('region', { name: /Conversations without an open task/ });
const orphansTable = () => screen.getByRole('table', { name: 'Conversations without an open task' });
const bodyRows = (table: HTMLElement) => Array.from(table.querySelectorAll<HTMLTableRowElement>('tbody > tr'));

function serviceWithScan(): FakeFunctions {
  const suspects = Array.from({ length: 3 }, (_, i) => makeSuspect(i + 1));
  return new FakeFunctions().serveScan(scanPages(suspects, { pageSize: 50 })).serveClose(suspects);
}

describe('conversations without an open task', () => {
  it('are loaded after the scan, every page, and listed for review only', async () => {
    let scanReleased: () => void = () => undefined;
    const service = serviceWithScan();
    service.intercept('/stuck-tasks/scan', async (_params, next) => {
      await new Promise<void>((resolve) => (scanReleased = resolve));
      return next();
    });
    const orphans = [
      makeOrphanConversation(1, 45 * 60),
      makeOrphanConversation(2, 3 * 3600 + 120, { friendlyName: null }),
      makeOrphanConversation(3, 2 * 86_400),
    ];
    service.serveOrphans(orphans, { pageSize: 2 });
    renderView(service);

    await waitFor(() => expect(service.requestsTo('/stuck-tasks/scan')).toHaveLength(1));
    // Not asked while the scan runs.
    expect(service.requestsTo('/stuck-tasks/orphan-conversations')).toHaveLength(0);
    scanReleased();

    const heading = await screen.findByRole('heading', { name: 'Conversations without an open task (3)' });
    expect(heading.tagName).toBe('H2');
    expect(service.requestsTo('/stuck-tasks/orphan-conversations').map((request) => request.params.PageToken)).toEqual([
      undefined,
      '2',
    ]);
    const section = orphansSection();
    expect(section).toHaveTextContent('this tool never closes a conversation');
    expect(section).toHaveTextContent('close it in the Twilio Console');
    expect(section).toHaveTextContent('3 conversations without an open task, of 9 still going.');

    const table = orphansTable();
    const headers = within(table)
      .getAllByRole('columnheader')
      .map((header) => header.textContent);
    expect(headers).toEqual(['Conversation', 'Name', 'State', 'Idle for', 'Last change']);
    const rows = bodyRows(table);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toHaveTextContent(orphans[0].conversationSid);
    expect(rows[0]).toHaveTextContent('Chat with customer 1');
    expect(rows[0]).toHaveTextContent('Active');
    expect(rows[0]).toHaveTextContent('45 min');
    expect(rows[1]).toHaveTextContent('None');
    expect(rows[1]).toHaveTextContent('Inactive');
    expect(rows[1]).toHaveTextContent('3 h 2 min');
    expect(rows[2]).toHaveTextContent('2 d 0 h');
    expect(rows[0].querySelector('time')?.getAttribute('dateTime')).toBe(orphans[0].dateUpdated);
    // Review only: nothing to select, nothing to close.
    expect(within(section).queryAllByRole('checkbox')).toEqual([]);
    expect(within(section).queryAllByRole('button', { name: /close/i })).toEqual([]);
  });

  it('says so when there are none', async () => {
    renderView(serviceWithScan());
    expect(await screen.findByRole('heading', { name: 'Conversations without an open task (0)' })).toBeInTheDocument();
    expect(orphansSection()).toHaveTextContent('No conversation is going without an open task (3 still going).');
    expect(screen.queryByRole('table', { name: 'Conversations without an open task' })).not.toBeInTheDocument();
  });

  it('explains a failure and loads again on request', async () => {
    const user = setupUser();
    const service = serviceWithScan();
    service.queue(
      '/stuck-tasks/orphan-conversations',
      apiError('bad_request', 'PageToken is not a page token issued by this service.'),
    );
    service.serveOrphans([makeOrphanConversation(1, 600)]);
    renderView(service);

    const alert = await within(await waitFor(orphansSection)).findByRole('alert');
    expect(alert).toHaveTextContent('PageToken is not a page token issued by this service.');
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { name: 'Conversations without an open task (1)' })).toBeInTheDocument();
    expect(within(orphansSection()).queryByRole('alert')).not.toBeInTheDocument();
  });
});
