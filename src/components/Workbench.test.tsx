/** Issue 11 in the view: filters, select-all under a filter, CSV exports, the outage picture, the History tab. */
import { screen, waitFor, within } from '@testing-library/react';
import { parse } from 'csv-parse/sync';
import { apiError, FakeFunctions } from '../test/fakeFunctions';
import { makeHistoryEntry, makeReviewItem, makeSuspect, scanPages, taskSid, workerSid } from '../test/fixtures';
import { renderView } from '../test/renderView';
import { setupUser } from '../test/user';

const suspectsTable = () => screen.getByRole('table', { name: 'Stuck tasks' });
const bodyRows = (table: HTMLElement) => Array.from(table.querySelectorAll<HTMLTableRowElement>('tbody > tr'));
const listedSids = (table: HTMLElement) =>
  bodyRows(table).map((row) => row.textContent?.match(/WT[0-9a-f]{32}/)?.[0] ?? '');

/** Captures what the view hands to the browser as a download. */
function captureDownloads() {
  const files: { name: string; blob: Blob }[] = [];
  let pending: Blob | null = null;
  URL.createObjectURL = jest.fn((blob: Blob) => {
    pending = blob;
    return 'blob:test';
  });
  URL.revokeObjectURL = jest.fn();
  jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    if (pending) files.push({ name: this.download, blob: pending });
  });
  return files;
}

const textOf = (blob: Blob) =>
  new Promise<string>((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.readAsText(blob);
  });

afterEach(() => jest.restoreAllMocks());

async function renderWithSuspects(count: number, needsReview = 0) {
  const suspects = Array.from({ length: count }, (_, i) => makeSuspect(i + 1));
  const review = Array.from({ length: needsReview }, (_, i) =>
    makeReviewItem(5000 + i, { taskQueueName: i % 2 ? 'Queue 1' : 'Support' }),
  );
  const service = new FakeFunctions()
    .serveScan(scanPages(suspects, { pageSize: 50, needsReview: review }))
    .serveClose(suspects);
  const view = renderView(service);
  await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(/Scan finished/));
  return { ...view, suspects, review };
}

describe('filters', () => {
  it('narrows both lists by queue, says how many are shown, and clears', async () => {
    const user = setupUser();
    await renderWithSuspects(12, 2);
    expect(screen.getByText('Showing all 12 suspects and 2 tasks needing review.')).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText('Queue'), 'Queue 1');
    expect(listedSids(suspectsTable())).toEqual([taskSid(9), taskSid(5), taskSid(1)]);
    expect(screen.getByRole('heading', { name: 'Stuck tasks (3 of 12 shown)' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Needs review (1 of 2 shown)' })).toBeInTheDocument();
    const result = screen.getByText('Showing 3 of 12 suspects and 1 of 2 tasks needing review.');
    expect(result).toHaveAttribute('aria-live', 'polite');

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(bodyRows(suspectsTable())).toHaveLength(12);
    expect(screen.getByRole('heading', { name: 'Stuck tasks (12)' })).toBeInTheDocument();
  });

  it('keeps offering the chosen queue when a new scan no longer lists it', async () => {
    const user = setupUser();
    const first = scanPages([makeSuspect(1), makeSuspect(2)]);
    const second = scanPages([makeSuspect(2)]);
    let scans = 0;
    const service = new FakeFunctions().on('/stuck-tasks/scan', (params) => {
      if (params.PageToken === undefined) scans += 1;
      return { status: 200, body: (scans === 1 ? first : second).get(params.PageToken ?? null) };
    });
    renderView(service);
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(/Scan finished/));
    await user.selectOptions(screen.getByLabelText('Queue'), 'Queue 1');
    await user.click(screen.getByRole('button', { name: 'Scan again' }));
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Scan finished: 4 tasks checked'));
    expect(screen.getByLabelText('Queue')).toHaveDisplayValue('Queue 1');
    expect(screen.getByText('Showing 0 of 1 suspects and 0 of 0 tasks needing review.')).toBeInTheDocument();
  });

  it('narrows by agent, by age and by SID text; a bad age is explained and ignored', async () => {
    const user = setupUser();
    await renderWithSuspects(12);
    await user.selectOptions(screen.getByLabelText('Agent'), 'Agent 2');
    expect(listedSids(suspectsTable())).toEqual([taskSid(7), taskSid(2)]);
    await user.selectOptions(screen.getByLabelText('Agent'), 'Any');

    await user.type(screen.getByLabelText('Older than (minutes)'), '20');
    expect(listedSids(suspectsTable())).toEqual([taskSid(12), taskSid(11), taskSid(10)]);
    await user.type(screen.getByLabelText('Older than (minutes)'), 'x');
    expect(screen.getByText('Enter a whole number of minutes, or leave it empty.')).toBeInTheDocument();
    expect(bodyRows(suspectsTable())).toHaveLength(12);
    await user.clear(screen.getByLabelText('Older than (minutes)'));

    await user.type(screen.getByLabelText('Task or call SID'), 'ca' + '0'.repeat(31) + 'b');
    expect(listedSids(suspectsTable())).toEqual([taskSid(11)]);
  });

  it('select-all selects only the rows shown, and the close dialog counts the hidden selection', async () => {
    const user = setupUser();
    await renderWithSuspects(12);
    const tableHead = () => suspectsTable().querySelector('thead')!;
    await user.click(
      within(bodyRows(suspectsTable()).find((row) => row.textContent?.includes(taskSid(2)))!).getByRole('checkbox'),
    );

    await user.selectOptions(screen.getByLabelText('Queue'), 'Queue 1');
    expect(screen.getByText(/Under a filter, the select-all box selects only the rows shown/)).toBeInTheDocument();
    await user.click(within(tableHead()).getByRole('checkbox', { name: 'Select all 3 shown stuck tasks' }));
    expect(screen.getByText('3 of 3 selected')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Close stuck tasks (4)' })).toBeEnabled();
    expect(
      screen.getByText('1 of the selected tasks are hidden by the filter; closing includes them.'),
    ).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Close stuck tasks (4)' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Close 4 stuck tasks?' });
    expect(dialog).toHaveTextContent(
      '1 of these 4 tasks are outside the current filter, selected earlier. They are closed too.',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Go back' }));

    // Clearing the shown rows keeps the hidden one.
    await user.click(within(tableHead()).getByRole('checkbox', { name: 'Select all 3 shown stuck tasks' }));
    expect(screen.getByRole('button', { name: 'Close stuck tasks (1)' })).toBeEnabled();
  });
});

describe('exports and the outage picture', () => {
  it('exports the shown suspects, the needs-review list and the last close as CSV', async () => {
    const user = setupUser();
    const files = captureDownloads();
    const { review } = await renderWithSuspects(8, 2);
    await user.selectOptions(screen.getByLabelText('Queue'), 'Queue 1');
    await user.click(screen.getByRole('button', { name: 'Export shown suspects (CSV)' }));
    await user.click(screen.getByRole('button', { name: 'Export shown needs review (CSV)' }));
    expect(files.map((file) => file.name)).toEqual([
      expect.stringMatching(/^stuck-tasks-suspects-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.csv$/),
      expect.stringMatching(/^stuck-tasks-needs-review-.*\.csv$/),
    ]);
    const suspectsRows = parse(await textOf(files[0].blob), { columns: true }) as Record<string, string>[];
    expect(suspectsRows.map((row) => [row.kind, row.taskSid, row.taskQueueName])).toEqual([
      ['suspect', taskSid(5), 'Queue 1'],
      ['suspect', taskSid(1), 'Queue 1'],
    ]);
    const reviewRows = parse(await textOf(files[1].blob), { columns: true }) as Record<string, string>[];
    expect(reviewRows.map((row) => row.taskSid)).toEqual([review[1].taskSid]);

    await user.click(within(suspectsTable().querySelector('thead')!).getByRole('checkbox'));
    await user.click(screen.getByRole('button', { name: 'Close stuck tasks (2)' }));
    await user.click(screen.getByRole('button', { name: 'Close tasks' }));
    await user.click(await screen.findByRole('button', { name: 'Export results (CSV)' }));
    const outcomes = parse(await textOf(files[2].blob), { columns: true }) as Record<string, string>[];
    expect(outcomes.map((row) => [row.taskSid, row.outcome, row.workerSid])).toEqual([
      [taskSid(5), 'completed', workerSid(0)],
      [taskSid(1), 'canceled', workerSid(1)],
    ]);
  });

  it('draws suspects by queue and status with a table of the same numbers for screen readers', async () => {
    await renderWithSuspects(8);
    const byQueue = screen.getByRole('table', { name: 'Suspects by queue and status' });
    const queueRows = bodyRows(byQueue).map((row) => Array.from(row.cells).map((cell) => cell.textContent));
    // Tasks 1…8: queue n % 4, status pending/reserved/assigned by n % 3.
    expect(queueRows).toEqual([
      ['Queue 0', '0', '1', '1', '0', '2'],
      ['Queue 1', '0', '1', '1', '0', '2'],
      ['Queue 2', '1', '0', '1', '0', '2'],
      ['Queue 3', '1', '1', '0', '0', '2'],
    ]);
    expect(screen.getByTestId('outage-queue-bars')).toHaveAttribute('aria-hidden', 'true');
    const byHour = screen.getByRole('table', { name: 'Suspects by the hour their call ended' });
    const counted = bodyRows(byHour).reduce((sum, row) => sum + Number(row.cells[1].textContent), 0);
    expect(counted).toBe(8);
  });
});

describe('History tab', () => {
  it('loads the last 7 days when opened, newest first, with more on demand and an export', async () => {
    const user = setupUser();
    const files = captureDownloads();
    const entries = Array.from({ length: 5 }, (_, i) => makeHistoryEntry(i + 1, (i + 1) * 60));
    entries.push(makeHistoryEntry(9, 60 * 24 * 10, { closedBy: null }));
    const service = new FakeFunctions().serveScan(scanPages([makeSuspect(1)])).serveHistory(entries, { pageSize: 3 });
    renderView(service);
    await waitFor(() => expect(screen.getAllByRole('status')[0]).toHaveTextContent(/Scan finished/));
    expect(service.requestsTo('/stuck-tasks/history')).toHaveLength(0);

    await user.click(screen.getByRole('tab', { name: 'History' }));
    const table = await screen.findByRole('table', { name: 'History of closures' });
    expect(listedSids(table)).toEqual([taskSid(1), taskSid(2), taskSid(3)]);
    expect(bodyRows(table)[0]).toHaveTextContent('admin@example.com');
    expect(screen.getByText('3 closures loaded from the last 7 days; more are available.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(listedSids(table)).toHaveLength(5));
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText('Days'), 'Last 30 days');
    await waitFor(() =>
      expect(screen.getByText('3 closures loaded from the last 30 days; more are available.')).toBeInTheDocument(),
    );
    expect(service.requestsTo('/stuck-tasks/history').map((request) => request.params.Days)).toEqual(['7', '7', '30']);

    await user.click(screen.getByRole('button', { name: 'Export history (CSV)' }));
    const rows = parse(await textOf(files[0].blob), { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row.taskSid)).toEqual([taskSid(1), taskSid(2), taskSid(3)]);
    expect(files[0].name).toMatch(/^stuck-tasks-history-30d-/);
  });

  it('shows errors like the rest of the view, with a retry', async () => {
    const user = setupUser();
    const service = new FakeFunctions()
      .serveScan(scanPages([makeSuspect(1)]))
      .on('/stuck-tasks/history', () => apiError('forbidden', 'Role not allowed.'));
    renderView(service);
    await waitFor(() => expect(screen.getAllByRole('status')[0]).toHaveTextContent(/Scan finished/));
    await user.click(screen.getByRole('tab', { name: 'History' }));
    await screen.findByText('Not permitted');
    expect(screen.getByRole('alert')).toHaveTextContent('Not permittedYour Flex role may not close stuck tasks.');
    service.serveHistory([makeHistoryEntry(4, 5)]);
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('1 closures in the last 7 days.')).toBeInTheDocument();
    expect(screen.queryByText('Not permitted')).not.toBeInTheDocument();
  });
});
