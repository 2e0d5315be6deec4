import { screen, waitFor, within } from '@testing-library/react';
import { setupUser } from '../test/user';
import type { CloseResult } from '@plugin-stuck-tasks/contract';
import { PARALLEL_CLOSE_CALLS } from '@plugin-stuck-tasks/contract';
import { apiError, FakeFunctions, ok } from '../test/fakeFunctions';
import {
  makeMessagingSuspect,
  makeReviewItem,
  makeSuspect,
  makeWrapup,
  scanPages,
  taskSid,
  workerSid,
} from '../test/fixtures';
import { renderView } from '../test/renderView';

const suspectsTable = () => screen.getByRole('table', { name: 'Stuck tasks' });
// Row counts and row lookups go through the DOM: jsdom resolves label/role names by walking the whole
// document for every candidate, which with hundreds of rows turns one query into seconds.
const bodyRows = (table: HTMLElement) => Array.from(table.querySelectorAll<HTMLTableRowElement>('tbody > tr'));
const rowOf = (sid: string) => bodyRows(suspectsTable()).find((row) => row.textContent?.includes(sid))!;
const pagerOf = (table: string) => screen.getByRole('navigation', { name: `Pages of ${table}` });
/** The cells' text of every row from the page shown to the last, turning the pages as a supervisor would. */
async function cellsOnEveryPage(user: ReturnType<typeof setupUser>, table: string): Promise<string[][]> {
  const rows: string[][] = [];
  for (;;) {
    const tableElement = screen.getByRole('table', { name: table });
    rows.push(...bodyRows(tableElement).map((row) => Array.from(row.cells).map((cell) => cell.textContent ?? '')));
    // Paste hides the arrow on the last page.
    const next = within(pagerOf(table)).queryByRole('button', { name: 'Next page' });
    if (!next) return rows;
    await user.click(next);
  }
}
const selectAll = () =>
  within(suspectsTable().querySelector('thead')!).getByRole('checkbox', { name: 'Select all stuck tasks' });
const count = (label: string) => screen.getByText(label, { selector: 'dt' }).nextElementSibling?.textContent;
const scanStatus = () => screen.getByRole('status');

async function scanFinished() {
  await waitFor(() => expect(scanStatus()).toHaveTextContent(/Scan finished/));
}

function serviceWith(count: number, options: { needsReview?: number } = {}) {
  const suspects = Array.from({ length: count }, (_, i) => makeSuspect(i + 1));
  const needsReview = Array.from({ length: options.needsReview ?? 0 }, (_, i) =>
    makeReviewItem(5000 + i, { problem: i % 2 === 0 ? 'no_call_sid' : 'call_not_found' }),
  );
  const service = new FakeFunctions()
    .serveScan(scanPages(suspects, { pageSize: 50, needsReview }))
    .serveClose(suspects);
  return { service, suspects, needsReview };
}

describe('scanning', () => {
  it('walks every page, showing a progress bar and running counts, then lists what it found', async () => {
    const suspects = Array.from({ length: 7 }, (_, i) => makeSuspect(i + 1));
    const pages = scanPages(suspects, { pageSize: 3, needsReview: [makeReviewItem(100)] });
    let releaseLastPage: () => void = () => undefined;
    const service = new FakeFunctions().on('/stuck-tasks/scan', async (params) => {
      if (params.PageToken === 'page-2') await new Promise<void>((resolve) => (releaseLastPage = resolve));
      return ok(pages.get(params.PageToken ?? null));
    });
    renderView(service);

    expect(await screen.findByRole('progressbar', { name: 'Scan progress' })).toBeInTheDocument();
    await waitFor(() => expect(scanStatus()).toHaveTextContent('Scanning open tasks: page 3…'));
    expect([count('Scanned'), count('Stuck'), count('Needs review')]).toEqual(['13', '6', '1']);
    expect(bodyRows(suspectsTable())).toHaveLength(6);

    releaseLastPage();
    await waitFor(() =>
      expect(scanStatus()).toHaveTextContent('Scan finished: 17 tasks checked, 7 stuck, 1 need review.'),
    );
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    expect([count('Scanned'), count('Stuck'), count('Needs review')]).toEqual(['17', '7', '1']);
    expect(service.requestsTo('/stuck-tasks/scan').map((request) => request.params.PageToken)).toEqual([
      undefined,
      'page-1',
      'page-2',
    ]);
    expect(bodyRows(suspectsTable())).toHaveLength(7);
  });

  it('scans again on demand, and can be stopped part way', async () => {
    const user = setupUser();
    const suspects = Array.from({ length: 6 }, (_, i) => makeSuspect(i + 1));
    const pages = scanPages(suspects, { pageSize: 2 });
    let holdSecondPage = false;
    let release: () => void = () => undefined;
    const service = new FakeFunctions().on('/stuck-tasks/scan', async (params) => {
      if (holdSecondPage && params.PageToken === 'page-1') await new Promise<void>((resolve) => (release = resolve));
      return ok(pages.get(params.PageToken ?? null));
    });
    renderView(service);
    await scanFinished();
    expect(service.requestsTo('/stuck-tasks/scan')).toHaveLength(3);

    holdSecondPage = true;
    await user.click(screen.getByRole('button', { name: 'Scan again' }));
    await waitFor(() => expect(service.requestsTo('/stuck-tasks/scan')).toHaveLength(5));
    await user.click(screen.getByRole('button', { name: 'Stop scan' }));
    release();

    await waitFor(() =>
      expect(scanStatus()).toHaveTextContent(
        'Scan stopped before the end (pages scanned: 1). The lists show what was found so far.',
      ),
    );
    expect(bodyRows(suspectsTable())).toHaveLength(2);
    expect(service.requestsTo('/stuck-tasks/scan')).toHaveLength(5);
  });

  it('says so when nothing is stuck', async () => {
    renderView(serviceWith(0).service);
    expect(await screen.findByRole('heading', { name: 'No stuck tasks' })).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Close stuck tasks (0)' })).toBeDisabled();
  });

  it('rides out 429s, 5xx and network errors with retries', async () => {
    const { service } = serviceWith(3);
    service.queue(
      '/stuck-tasks/scan',
      apiError('upstream', 'Twilio 503'),
      { status: 429, body: {} },
      { networkError: true },
    );
    renderView(service);
    await scanFinished();
    expect(bodyRows(suspectsTable())).toHaveLength(3);
    expect(service.requestsTo('/stuck-tasks/scan')).toHaveLength(4);
  });

  it('shows an error it can retry when the service keeps failing', async () => {
    const user = setupUser();
    const { service } = serviceWith(2);
    const failures = Array.from({ length: 5 }, () => apiError('upstream', 'TaskRouter answered 503.'));
    service.queue('/stuck-tasks/scan', ...failures);
    renderView(service);

    expect(await screen.findByText('Something went wrong')).toBeInTheDocument();
    expect(
      screen.getByText('Twilio kept failing after several attempts: TaskRouter answered 503.'),
    ).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Try again' }));
    await scanFinished();
    expect(screen.queryByText('Something went wrong')).not.toBeInTheDocument();
    expect(bodyRows(suspectsTable())).toHaveLength(2);
  });

  it('explains an expired session (401) without retrying', async () => {
    const service = new FakeFunctions().on('/stuck-tasks/scan', () => apiError('unauthorized', 'Token expired.'));
    renderView(service);
    expect(
      await screen.findByText('Your Flex session is no longer valid. Reload Flex and sign in again, then retry.'),
    ).toBeInTheDocument();
    expect(service.requestsTo('/stuck-tasks/scan')).toHaveLength(1);
  });

  it('explains a missing role (403) as not permitted', async () => {
    const service = new FakeFunctions().on('/stuck-tasks/scan', () => apiError('forbidden', 'No allowed role.'));
    renderView(service);
    expect(await screen.findByText('Not permitted')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Your Flex role may not close stuck tasks. Ask an administrator to add one of your roles to ALLOWED_ROLES of the Functions service.',
      ),
    ).toBeInTheDocument();
  });
});

describe('the lists', () => {
  it('keeps needs-review tasks apart, explaining each problem, and out of bulk selection', async () => {
    const user = setupUser();
    const { service } = serviceWith(2, { needsReview: 2 });
    renderView(service);
    await scanFinished();

    const review = screen.getByRole('table', { name: 'Needs review' });
    expect(bodyRows(review)).toHaveLength(2);
    expect(
      within(review).getByText('The task attributes carry no call SID, so its call cannot be checked.'),
    ).toBeInTheDocument();
    expect(
      within(review).getByText('The call named in the task attributes does not exist in this account.'),
    ).toBeInTheDocument();
    expect(within(review).queryByRole('checkbox')).not.toBeInTheDocument();

    await user.click(selectAll());
    expect(screen.getByText('2 of 2 selected')).toBeInTheDocument();
  });

  it('sorts by a column when its header is clicked, and reverses on a second click', async () => {
    const user = setupUser();
    const { service } = serviceWith(4);
    renderView(service);
    await scanFinished();
    const firstTask = () => within(bodyRows(suspectsTable())[0]).getAllByRole('button')[0].textContent;

    // Oldest first by default.
    expect(firstTask()).toBe(taskSid(4));
    const ageHeader = screen.getByRole('columnheader', { name: 'Age' });
    expect(ageHeader).toHaveAttribute('aria-sort', 'descending');

    await user.click(within(ageHeader).getByRole('button'));
    expect(ageHeader).toHaveAttribute('aria-sort', 'ascending');
    expect(firstTask()).toBe(taskSid(1));

    const actionHeader = screen.getByRole('columnheader', { name: /Proposed action/ });
    await user.click(within(actionHeader).getByRole('button'));
    expect(actionHeader).toHaveAttribute('aria-sort', 'ascending');
    expect(ageHeader).toHaveAttribute('aria-sort', 'none');
    expect(within(bodyRows(suspectsTable())[0]).getByText('Cancel')).toBeInTheDocument();
  });
});

describe('bulk close', () => {
  it('selects rows one by one or all at once, and the dialog says how many get canceled and completed', async () => {
    const user = setupUser();
    const { service } = serviceWith(7);
    renderView(service);
    await scanFinished();

    await user.click(screen.getByRole('checkbox', { name: `Select task ${taskSid(1)}` }));
    await user.click(screen.getByRole('checkbox', { name: `Select task ${taskSid(2)}` }));
    expect(screen.getByText('2 of 7 selected')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Close stuck tasks (2)' }));
    let dialog = screen.getByRole('alertdialog', { name: 'Close 2 stuck tasks?' });
    // Task 1 is reserved (cancel), task 2 is assigned (complete).
    expect(
      within(dialog).getByText('1 will be canceled (pending or reserved) and 1 will be completed (assigned).'),
    ).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Go back' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument());

    await user.click(selectAll());
    expect(screen.getByText('7 of 7 selected')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Close stuck tasks (7)' }));
    dialog = screen.getByRole('alertdialog', { name: 'Close 7 stuck tasks?' });
    expect(
      within(dialog).getByText('5 will be canceled (pending or reserved) and 2 will be completed (assigned).'),
    ).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Go back' }));

    await user.click(selectAll());
    expect(screen.getByText('0 of 7 selected')).toBeInTheDocument();
    expect(service.requestsTo('/stuck-tasks/close')).toHaveLength(0);
  });

  it('closes the selection in batches of at most 50, several at once, with a progress bar, and closed rows leave the list', async () => {
    const user = setupUser();
    const { service, suspects } = serviceWith(220);
    const batchGate: Array<() => void> = [];
    service.intercept('/stuck-tasks/close', async (_params, next) => {
      await new Promise<void>((resolve) => batchGate.push(resolve));
      return next();
    });
    const view = renderView(service);
    await scanFinished();
    expect(bodyRows(suspectsTable())).toHaveLength(25);
    expect(screen.getByText('Rows 1–25 of 220')).toBeInTheDocument();

    await user.click(selectAll());
    await user.click(screen.getByRole('button', { name: 'Close stuck tasks (220)' }));
    await user.click(screen.getByRole('button', { name: 'Close tasks' }));

    const progress = await screen.findByRole('progressbar', { name: 'Close progress' });
    expect(progress).toHaveAttribute('aria-valuenow', '0');
    expect(progress).toHaveAttribute('aria-valuemax', '220');
    // PARALLEL_CLOSE_CALLS (4) batches are sent at once; the fifth as soon as one of them ends; each
    // reports as it ends.
    expect(PARALLEL_CLOSE_CALLS).toBe(4);
    await waitFor(() => expect(batchGate).toHaveLength(4));
    batchGate[1]();
    await waitFor(() => expect(screen.getByText('Closing tasks: 50 of 220 done…')).toBeInTheDocument());
    expect(screen.getByRole('progressbar', { name: 'Close progress' })).toHaveAttribute('aria-valuenow', '50');
    await waitFor(() => expect(batchGate).toHaveLength(5));
    batchGate[4]();
    await waitFor(() => expect(screen.getByText('Closing tasks: 70 of 220 done…')).toBeInTheDocument());
    batchGate[0]();
    batchGate[2]();
    batchGate[3]();

    await waitFor(() =>
      expect(
        screen.getByText('Closed 220 of 220 tasks: 147 canceled, 73 completed, 0 not stuck, 0 not found, 0 failed.'),
      ).toBeInTheDocument(),
    );
    const batches = service.requestsTo('/stuck-tasks/close').map((request) => JSON.parse(request.params.TaskSids));
    expect(batches.map((batch: string[]) => batch.length)).toEqual([50, 50, 50, 50, 20]);
    expect(new Set(batches.flat())).toEqual(new Set(suspects.map((suspect) => suspect.taskSid)));
    expect(service.requestsTo('/stuck-tasks/close').every((request) => request.params.Force === undefined)).toBe(true);
    expect(screen.queryByRole('table', { name: 'Stuck tasks' })).not.toBeInTheDocument();
    // Every task's outcome is listed, a page at a time.
    const results = screen.getByRole('table', { name: 'Results of the last close' });
    expect(bodyRows(results)).toHaveLength(25);
    expect(within(pagerOf('Results of the last close')).getByText('Rows 1–25 of 220')).toBeInTheDocument();
    const outcomes = (await cellsOnEveryPage(user, 'Results of the last close')).map((cells) => cells[1]);
    expect(within(pagerOf('Results of the last close')).getByText('Rows 201–220 of 220')).toBeInTheDocument();
    expect(outcomes).toHaveLength(220);
    expect(outcomes.filter((outcome) => outcome === 'Canceled')).toHaveLength(147);
    expect(outcomes.filter((outcome) => outcome === 'Completed')).toHaveLength(73);
    expect(view.summaries).toEqual([
      { total: 220, closed: 220, canceled: 147, completed: 73, notStuck: 0, notFound: 0, failed: 0 },
    ]);
  });

  it('shows each outcome; failed rows stay selected and can be retried', async () => {
    const user = setupUser();
    const { service, suspects } = serviceWith(60);
    const revived = suspects[0].taskSid;
    const vanished = suspects[1].taskSid;
    const secondBatch = new Set(suspects.slice(50).map((suspect) => suspect.taskSid));
    let secondBatchDown = true;
    service.serveClose(suspects, (sid): CloseResult | null => {
      if (sid === revived) return { taskSid: sid, outcome: 'not_stuck', message: 'The call is in-progress again.' };
      if (sid === vanished) return { taskSid: sid, outcome: 'not_found', message: 'Task not found.' };
      return null;
    });
    service.intercept('/stuck-tasks/close', (params, next) => {
      const sids = JSON.parse(params.TaskSids) as string[];
      if (secondBatchDown && sids.some((sid) => secondBatch.has(sid))) {
        return apiError('upstream', 'TaskRouter answered 503.');
      }
      return next();
    });
    const view = renderView(service);
    await scanFinished();
    // Sort by task SID so the batches are predictable: tasks 1–50, then 51–60.
    await user.click(within(screen.getByRole('columnheader', { name: /Task/ })).getByRole('button'));

    await user.click(selectAll());
    await user.click(screen.getByRole('button', { name: 'Close stuck tasks (60)' }));
    await user.click(screen.getByRole('button', { name: 'Close tasks' }));

    await waitFor(() =>
      expect(
        screen.getByText('Closed 48 of 60 tasks: 32 canceled, 16 completed, 1 not stuck, 1 not found, 10 failed.'),
      ).toBeInTheDocument(),
    );
    const rows = bodyRows(suspectsTable());
    // The 10 failed rows and the one that is not stuck stay; closed and vanished ones leave.
    expect(rows).toHaveLength(11);
    const revivedRow = rows.find((row) => within(row).queryByText(revived))!;
    expect(within(revivedRow).getByText('Not stuck')).toBeInTheDocument();
    expect(within(revivedRow).getByText('The call is in-progress again.')).toBeInTheDocument();
    expect(within(revivedRow).getByRole('checkbox')).not.toBeChecked();
    expect(within(revivedRow).getByRole('checkbox')).toBeDisabled();
    const failedRows = rows.filter((row) => within(row).queryByText('Failed'));
    expect(failedRows).toHaveLength(10);
    for (const row of failedRows) {
      expect(
        within(row).getByText('Twilio kept failing after several attempts: TaskRouter answered 503.'),
      ).toBeInTheDocument();
      expect(within(row).getByRole('checkbox')).toBeChecked();
    }
    expect(view.summaries[0]).toMatchObject({ failed: 10, closed: 48 });

    secondBatchDown = false;
    await user.click(screen.getByRole('button', { name: 'Retry failed (10)' }));
    await waitFor(() => expect(bodyRows(suspectsTable())).toHaveLength(1));
    // The notification reports the retry; the view sums up the whole run including it.
    expect(view.summaries[1]).toEqual({
      total: 10,
      closed: 10,
      canceled: 7,
      completed: 3,
      notStuck: 0,
      notFound: 0,
      failed: 0,
    });
    expect(
      screen.getByText('Closed 58 of 60 tasks: 39 canceled, 19 completed, 1 not stuck, 1 not found, 0 failed.'),
    ).toBeInTheDocument();
    const retried = service.requestsTo('/stuck-tasks/close').at(-1)!;
    expect(JSON.parse(retried.params.TaskSids).sort()).toEqual([...secondBatch].sort());
    // The results list keeps the earlier outcomes and now shows the retried ones as closed.
    await waitFor(() =>
      expect(within(pagerOf('Results of the last close')).getByText('Rows 1–25 of 60')).toBeInTheDocument(),
    );
    const outcomes = (await cellsOnEveryPage(user, 'Results of the last close')).map((cells) => cells[1]);
    expect(outcomes).toHaveLength(60);
    expect(outcomes).not.toContain('Failed');
    expect(screen.queryByRole('button', { name: /Retry failed/ })).not.toBeInTheDocument();
  });

  it('shows tasks closed by a batch whose first answer was a 5xx as canceled/completed after the retry', async () => {
    const user = setupUser();
    const { service, suspects } = serviceWith(3);
    const closedBefore = new Set<string>();
    // The service closes the batch, but its answer is lost (502); the client sends the batch again, and
    // the service reports the tasks its first attempt closed by what that attempt did.
    service.intercept('/stuck-tasks/close', async (params, next) => {
      const sids = JSON.parse(params.TaskSids) as string[];
      if (sids.every((sid) => closedBefore.has(sid))) {
        const results = suspects.map((suspect): CloseResult => {
          const verb = suspect.action === 'complete' ? 'Completed' : 'Canceled';
          return {
            taskSid: suspect.taskSid,
            outcome: suspect.action === 'complete' ? 'completed' : 'canceled',
            message: `${verb} (by an earlier attempt as ada.admin).`,
          };
        });
        return ok({ results });
      }
      await next();
      sids.forEach((sid) => closedBefore.add(sid));
      return apiError('upstream', 'Twilio answered 503.');
    });
    const view = renderView(service);
    await scanFinished();

    await user.click(selectAll());
    await user.click(screen.getByRole('button', { name: 'Close stuck tasks (3)' }));
    await user.click(screen.getByRole('button', { name: 'Close tasks' }));

    await waitFor(() =>
      expect(
        screen.getByText('Closed 3 of 3 tasks: 2 canceled, 1 completed, 0 not stuck, 0 not found, 0 failed.'),
      ).toBeInTheDocument(),
    );
    expect(service.requestsTo('/stuck-tasks/close')).toHaveLength(2);
    const results = screen.getByRole('table', { name: 'Results of the last close' });
    const rows = bodyRows(results).map((row) => [row.cells[1].textContent, row.cells[2].textContent]);
    expect(rows).toEqual(
      expect.arrayContaining([
        ['Canceled', 'Canceled (by an earlier attempt as ada.admin).'],
        ['Completed', 'Completed (by an earlier attempt as ada.admin).'],
      ]),
    );
    expect(rows).toHaveLength(3);
    expect(view.summaries).toEqual([
      { total: 3, closed: 3, canceled: 2, completed: 1, notStuck: 0, notFound: 0, failed: 0 },
    ]);
  });

  it('stops calling once the token is rejected and reports every remaining task as failed', async () => {
    const user = setupUser();
    const { service } = serviceWith(300);
    service.on('/stuck-tasks/close', () => apiError('unauthorized', 'Token expired.'));
    renderView(service);
    await scanFinished();

    await user.click(selectAll());
    await user.click(screen.getByRole('button', { name: 'Close stuck tasks (300)' }));
    await user.click(screen.getByRole('button', { name: 'Close tasks' }));

    await waitFor(() =>
      expect(
        screen.getByText('Closed 0 of 300 tasks: 0 canceled, 0 completed, 0 not stuck, 0 not found, 300 failed.'),
      ).toBeInTheDocument(),
    );
    // Six batches: the four sent at once are refused, the other two are never sent.
    expect(service.requestsTo('/stuck-tasks/close')).toHaveLength(PARALLEL_CLOSE_CALLS);
    expect(within(pagerOf('Stuck tasks')).getByText('Rows 1–25 of 300')).toBeInTheDocument();
    expect(within(suspectsTable()).getAllByText('Failed')).toHaveLength(25);
    expect(
      within(suspectsTable()).getAllByText(
        'Your Flex session is no longer valid. Reload Flex and sign in again, then retry.',
      ),
    ).toHaveLength(25);
  });

  it('with 2,000 suspects, shows them a page at a time and select-all and the dialog cover every task', async () => {
    const user = setupUser();
    const { service } = serviceWith(2000);
    renderView(service);
    await scanFinished();

    // The oldest task heads the first page.
    expect(bodyRows(suspectsTable())).toHaveLength(25);
    expect(screen.getByText('Rows 1–25 of 2,000')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Open tasks whose every call leg has ended. Select the tasks to close, or open one to review it first. The selection covers every page.',
      ),
    ).toBeInTheDocument();
    await user.click(selectAll());
    expect(screen.getByText('2,000 of 2,000 selected')).toBeInTheDocument();
    await user.click(within(rowOf(taskSid(2000))).getByRole('checkbox', { name: `Select task ${taskSid(2000)}` }));
    expect(screen.getByText('1,999 of 2,000 selected')).toBeInTheDocument();

    await user.click(screen.getByText('Close stuck tasks (1,999)'));
    // Task 2000 is assigned, so one fewer "complete".
    expect(
      screen.getByText('1,333 will be canceled (pending or reserved) and 666 will be completed (assigned).'),
    ).toBeInTheDocument();
  });
});

describe('agents and overdue wrap-ups', () => {
  const alice = { workerSid: workerSid(0xa), workerName: 'Alice Agent' };
  const bob = { workerSid: workerSid(0xb), workerName: 'Bob Agent' };
  const nameless = { workerSid: workerSid(0xc), workerName: null };
  const wrapupsTable = () => screen.getByRole('table', { name: 'Overdue wrap-ups' });
  const agentCell = (table: HTMLElement, sid: string) => {
    const header = within(table).getByRole('columnheader', { name: 'Agent' });
    const column = Array.from(header.parentElement!.children).indexOf(header);
    return bodyRows(table).find((row) => row.textContent?.includes(sid))!.cells[column];
  };

  function mixedService() {
    const callEnded = [
      makeSuspect(1, { assignmentStatus: 'assigned', ...alice }),
      makeSuspect(2, { assignmentStatus: 'reserved', ...alice }),
      makeSuspect(3, { assignmentStatus: 'assigned', ...nameless }),
      makeSuspect(4, { assignmentStatus: 'pending', workerSid: null, workerName: null }),
    ];
    const wrapups = [makeWrapup(21, bob), makeWrapup(22, alice), makeWrapup(23, bob)];
    const review = makeReviewItem(50, { assignmentStatus: 'assigned', ...bob, problem: 'call_not_found' });
    const suspects = [...callEnded, ...wrapups];
    const service = new FakeFunctions()
      .serveScan(scanPages(suspects, { pageSize: 4, needsReview: [review] }))
      .serveClose(suspects);
    return { service, callEnded, wrapups, review };
  }

  it('shows the agent holding each task: by name, else by Worker SID, else "No agent"', async () => {
    const { service, callEnded, wrapups, review } = mixedService();
    renderView(service);
    await scanFinished();

    expect(agentCell(suspectsTable(), callEnded[0].taskSid)).toHaveTextContent('Alice Agent');
    expect(agentCell(suspectsTable(), callEnded[2].taskSid)).toHaveTextContent(nameless.workerSid);
    const pending = agentCell(suspectsTable(), callEnded[3].taskSid);
    expect(within(pending).getByText('No agent')).toBeInTheDocument();
    expect(within(pending).getByText('—')).toHaveAttribute('aria-hidden', 'true');
    expect(agentCell(wrapupsTable(), wrapups[0].taskSid)).toHaveTextContent('Bob Agent');
    expect(agentCell(screen.getByRole('table', { name: 'Needs review' }), review.taskSid)).toHaveTextContent(
      'Bob Agent',
    );
  });

  it('counts the agents the stuck tasks block, each agent once, and overdue wrap-ups, beside the other counts', async () => {
    renderView(mixedService().service);
    await scanFinished();
    // Alice holds three suspects, Bob two, the nameless agent one; the pending task holds nobody.
    expect(count('Blocked agents')).toBe('3');
    expect(count('Overdue wrap-ups')).toBe('3');
    // As in the groups' headings: the call-ended tasks, the wrap-ups apart.
    expect(count('Stuck')).toBe('4');
    expect(screen.getByRole('status')).toHaveTextContent(/, 4 stuck, 3 overdue wrap-ups, /);
  });

  it('lists overdue wrap-ups in their own group with their own explanation', async () => {
    const { service, callEnded, wrapups } = mixedService();
    renderView(service);
    await scanFinished();

    expect(screen.getByRole('heading', { name: 'Stuck tasks (4)' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Overdue wrap-ups (3)' })).toBeInTheDocument();
    expect(
      screen.getByText(/Tasks left in wrap-up long after every call leg ended, for example because the agent closed/),
    ).toHaveTextContent(/closing completes the task and frees the agent/);
    expect(bodyRows(suspectsTable())).toHaveLength(callEnded.length);
    expect(bodyRows(wrapupsTable())).toHaveLength(wrapups.length);
    for (const wrapup of wrapups) {
      const row = bodyRows(wrapupsTable()).find((candidate) => candidate.textContent?.includes(wrapup.taskSid))!;
      expect(within(row).getByText('Wrapping')).toBeInTheDocument();
      expect(within(row).getByText('Complete')).toBeInTheDocument();
    }
    expect(within(suspectsTable()).queryByText('Wrapping')).not.toBeInTheDocument();
  });

  it('closes a selection across both groups, and says what is selected in each', async () => {
    const user = setupUser();
    const { service, callEnded, wrapups } = mixedService();
    const view = renderView(service);
    await scanFinished();
    const acrossGroups = (text: string) => screen.getByText(`Selected for closing: ${text}`);

    // Nothing selected, nothing to say.
    expect(screen.queryByText(/^Selected for closing:/)).not.toBeInTheDocument();
    await user.click(screen.getByRole('checkbox', { name: `Select task ${callEnded[1].taskSid}` }));
    await user.click(within(wrapupsTable()).getByRole('checkbox', { name: 'Select all overdue wrap-ups' }));
    expect(acrossGroups('4 in all (stuck tasks: 1, overdue wrap-ups: 3).')).toBeInTheDocument();
    expect(screen.getByText('1 of 4 selected')).toBeInTheDocument();
    expect(screen.getByText('3 of 3 overdue wrap-ups selected')).toBeInTheDocument();
    // Each select-all box covers its own group only.
    expect(selectAll()).not.toBeChecked();
    await user.click(selectAll());
    expect(acrossGroups('7 in all (stuck tasks: 4, overdue wrap-ups: 3).')).toBeInTheDocument();
    await user.click(selectAll());
    expect(acrossGroups('3 in all (stuck tasks: 0, overdue wrap-ups: 3).')).toBeInTheDocument();
    await user.click(screen.getByRole('checkbox', { name: `Select task ${callEnded[1].taskSid}` }));

    await user.click(screen.getByRole('button', { name: 'Close stuck tasks (4)' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Close 4 stuck tasks?' });
    expect(
      within(dialog).getByText(
        '1 will be canceled (pending or reserved) and 3 will be completed (assigned, or overdue in wrap-up: 3).',
      ),
    ).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Close tasks' }));

    await waitFor(() =>
      expect(
        screen.getByText('Closed 4 of 4 tasks: 1 canceled, 3 completed, 0 not stuck, 0 not found, 0 failed.'),
      ).toBeInTheDocument(),
    );
    const closed = service.requestsTo('/stuck-tasks/close').flatMap((request) => JSON.parse(request.params.TaskSids));
    expect(closed.sort()).toEqual([callEnded[1], ...wrapups].map((suspect) => suspect.taskSid).sort());
    expect(screen.queryByRole('table', { name: 'Overdue wrap-ups' })).not.toBeInTheDocument();
    expect(bodyRows(suspectsTable())).toHaveLength(3);
    // Bob held only wrap-ups, now closed: Alice and the nameless agent are still blocked.
    expect(count('Blocked agents')).toBe('2');
    expect(view.summaries).toEqual([
      { total: 4, closed: 4, canceled: 1, completed: 3, notStuck: 0, notFound: 0, failed: 0 },
    ]);
  });

  it('sorts the wrap-ups without reordering the other group', async () => {
    const user = setupUser();
    const { service, callEnded, wrapups } = mixedService();
    renderView(service);
    await scanFinished();
    const firstSid = (table: HTMLElement) => within(bodyRows(table)[0]).getAllByRole('button')[0].textContent;
    expect(firstSid(wrapupsTable())).toBe(wrapups[2].taskSid);
    expect(firstSid(suspectsTable())).toBe(callEnded[3].taskSid);

    const agentHeader = within(wrapupsTable()).getByRole('columnheader', { name: 'Agent' });
    await user.click(within(agentHeader).getByRole('button'));
    expect(agentHeader).toHaveAttribute('aria-sort', 'ascending');
    expect(firstSid(wrapupsTable())).toBe(wrapups[1].taskSid);
    expect(within(suspectsTable()).getByRole('columnheader', { name: 'Age' })).toHaveAttribute(
      'aria-sort',
      'descending',
    );
    expect(firstSid(suspectsTable())).toBe(callEnded[3].taskSid);
  });
});

describe('ended conversations (messaging tasks)', () => {
  it('lists them in their own group and closes a selection across kinds through one close', async () => {
    const user = setupUser();
    const callEnded = [
      makeSuspect(1, { assignmentStatus: 'assigned' }),
      makeSuspect(2, { assignmentStatus: 'pending' }),
    ];
    const messaging = [
      makeMessagingSuspect(31, { assignmentStatus: 'assigned' }),
      makeMessagingSuspect(32, {
        assignmentStatus: 'reserved',
        conversationState: 'deleted',
        conversationEndedAt: null,
      }),
    ];
    const suspects = [...callEnded, ...messaging];
    const service = new FakeFunctions().serveScan(scanPages(suspects, { pageSize: 10 })).serveClose(suspects);
    renderView(service);
    await scanFinished();

    const messagingTable = () => screen.getByRole('table', { name: 'Ended conversations' });
    expect(screen.getByRole('heading', { name: 'Ended conversations (2)' })).toBeInTheDocument();
    expect(bodyRows(suspectsTable())).toHaveLength(2);
    expect(bodyRows(messagingTable())).toHaveLength(2);
    const deletedRow = bodyRows(messagingTable()).find((row) => row.textContent?.includes(messaging[1].taskSid))!;
    expect(within(deletedRow).getByText('Conversation deleted')).toBeInTheDocument();
    expect(within(deletedRow).getByText('Close conversation')).toBeInTheDocument();

    await user.click(screen.getByRole('checkbox', { name: `Select task ${callEnded[0].taskSid}` }));
    await user.click(within(messagingTable()).getByRole('checkbox', { name: 'Select all ended conversations' }));
    await user.click(screen.getByRole('button', { name: 'Close stuck tasks (3)' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Close 3 stuck tasks?' });
    expect(
      within(dialog).getByText(/2 messaging tasks will have their interaction channel closed/),
    ).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Close tasks' }));

    await waitFor(() => expect(screen.queryByRole('table', { name: 'Ended conversations' })).not.toBeInTheDocument());
    const closed = service.requestsTo('/stuck-tasks/close').flatMap((request) => JSON.parse(request.params.TaskSids));
    expect(closed.sort()).toEqual([callEnded[0], ...messaging].map((suspect) => suspect.taskSid).sort());
  });
});
