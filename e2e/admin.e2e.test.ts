/**
 * An admin clears an outage in the browser: the real plugin bundle in the real Flex UI, the real
 * Functions, the Twilio simulator. What the page shows is checked against the simulator's own
 * judgement, and what the close did is checked in the simulator's update log.
 */
import type { Page } from 'playwright-core';

import type { SuspectKind } from '@plugin-stuck-tasks/contract';

import type { TaskView } from '../sandbox/src/simulator';
import type { Sandbox } from '../sandbox/src/start/sandbox';
import { ADMIN_IDENTITY_IN_REASON, setUpAdminSession } from './support/adminSession';
import { screenshot } from './support/browser';
import {
  flexNotification,
  listedTaskSids,
  navLink,
  readEveryPage,
  scanInView,
  showRowOf,
} from './support/stuckTasksView';

// At 300 tasks with this stuck share there are 96 call-ended suspects (66 + 12 conference + 6 outbound, and
// the 12 recently ended calls join them a minute after seeding): two close batches, four 25-row pages.
const session = setUpAdminSession({ tasks: 300, scenario: { stuckShare: 0.22 } });
let sandbox: Sandbox;
let page: Page;

beforeAll(() => {
  ({ sandbox, page } = session);
});

const openStatuses = ['pending', 'reserved', 'assigned'] as const;
/**
 * The tasks the simulator judges stuck for one of the view's groups: the "Stuck tasks" table holds the
 * open tasks whose every call leg ended (`call_ended`), the "Overdue wrap-ups" table the wrap-ups
 * (the sandbox runs with WRAPUP_OVERDUE_MINUTES=30).
 */
const stuckInSimulator = (kind: SuspectKind = 'call_ended') =>
  sandbox.simulator.listTasks({ verdict: 'stuck' }).filter((task) => task.stuckKind === kind);
const sids = (tasks: readonly TaskView[]) => tasks.map((task) => task.sid).sort();
const TABLE_OF_KIND: Record<SuspectKind, string> = {
  call_ended: 'Stuck tasks',
  wrapup_overdue: 'Overdue wrap-ups',
  conversation_closed: 'Ended conversations',
};

/** Task SIDs of the rows of one group's table ("Stuck tasks" by default), on all its pages. */
async function listedSuspects(kind: SuspectKind = 'call_ended'): Promise<string[]> {
  return (await listedTaskSids(page, TABLE_OF_KIND[kind])).sort();
}

/** Task SIDs of the suspects table in the order shown (the order the close batches follow). */
const suspectsInTableOrder = () => listedTaskSids(page, 'Stuck tasks');

/**
 * Opens the view, scans, and checks the scan listed exactly the tasks the simulator judges stuck, each
 * in its group's table. Calls keep ageing past the grace period while the scan runs, so the simulator
 * is asked before and after: every task stuck before must be listed, and nothing that was not stuck
 * after. Returns the tasks of the "Stuck tasks" table (the open tasks whose call ended).
 */
async function scanMatchesSimulator(): Promise<TaskView[]> {
  const stuckBefore = sids(stuckInSimulator());
  const wrapupsBefore = sids(stuckInSimulator('wrapup_overdue'));
  // A little simulated latency keeps the scan on screen long enough to see it start and end.
  sandbox.simulator.configure({ latencyMs: 150 });
  try {
    await scanInView(page);
  } finally {
    sandbox.simulator.configure({ latencyMs: 0 });
  }
  const stuckAfter = sids(stuckInSimulator());
  const wrapupsAfter = sids(stuckInSimulator('wrapup_overdue'));
  const listed = await listedSuspects();
  expect(listed).toEqual(expect.arrayContaining(stuckBefore));
  expect(stuckAfter).toEqual(expect.arrayContaining(listed));
  await page.getByRole('heading', { name: `Stuck tasks (${listed.length})` }).waitFor();
  // Wrap-ups are listed apart, never among the call-ended tasks.
  const listedWrapups =
    wrapupsBefore.length > 0 || wrapupsAfter.length > 0 ? await listedSuspects('wrapup_overdue') : [];
  expect(listedWrapups).toEqual(expect.arrayContaining(wrapupsBefore));
  expect(wrapupsAfter).toEqual(expect.arrayContaining(listedWrapups));
  if (listedWrapups.length > 0) {
    await page.getByRole('heading', { name: `Overdue wrap-ups (${listedWrapups.length})` }).waitFor();
  }
  return listed.map((sid) => {
    const task = sandbox.simulator.getTask(sid);
    if (!task) throw new Error(`${sid} is listed but unknown to the simulator`);
    return task;
  });
}

test('the admin sees the nav entry and, in its view, exactly the stuck tasks', async () => {
  await navLink(page).waitFor();
  const expected = await scanMatchesSimulator();
  expect(expected.length).toBeGreaterThan(20);
  const needsReview = sandbox.simulator.listTasks({ verdict: 'needs_review' });
  await page.getByRole('heading', { name: `Needs review (${needsReview.length})` }).waitFor();
  // Every terminal call status and every open status shows up among the suspects.
  expect(new Set(expected.map((task) => task.callStatus))).toEqual(
    new Set(['completed', 'failed', 'busy', 'no-answer', 'canceled']),
  );
  expect(new Set(expected.map((task) => task.assignmentStatus))).toEqual(new Set(openStatuses));
  await screenshot(page, '01-admin-view', 'stuck-tasks-view');
});

test('the side panel shows one task; the admin dismisses it, then completes the task from it', async () => {
  const listed = await scanMatchesSimulator();
  // The first assigned task as listed, so the panel opens next to its row at the top of the table.
  const task = (await suspectsInTableOrder())
    .map((sid) => listed.find((candidate) => candidate.sid === sid))
    .find((candidate) => candidate?.assignmentStatus === 'assigned');
  if (!task) throw new Error('the scenario has no stuck assigned task');
  const panel = page.getByRole('dialog', { name: 'Task review' });

  await showRowOf(page, 'Stuck tasks', task.sid);
  await page.getByRole('button', { name: `Review task ${task.sid}` }).click();
  await panel.getByRole('heading', { name: `Task ${task.sid}` }).waitFor();
  await panel.getByText('Stuck: the call has ended but the task is still open.').waitFor();
  await panel
    .getByText(task.callSid ?? 'no call')
    .first()
    .waitFor();
  await panel.getByRole('button', { name: 'Complete task' }).waitFor();
  await screenshot(page, '02-side-panel', 'task-side-panel');

  await panel.getByRole('button', { name: 'Close task review' }).click();
  await panel.waitFor({ state: 'hidden' });
  expect(sandbox.simulator.getTask(task.sid)?.assignmentStatus).toBe('assigned');

  await page.getByRole('button', { name: `Review task ${task.sid}` }).click();
  await panel.getByRole('button', { name: 'Complete task' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Complete this task?' });
  await confirm.getByRole('button', { name: 'Complete task' }).click();
  await panel.getByText(/^Completed: /).waitFor();
  // The panel reloads the task: it is closed now.
  await panel.getByText('Already closed. Nothing to do.').waitFor();
  await screenshot(page, '03-side-panel-completed');

  const after = sandbox.simulator.getTask(task.sid);
  expect(after?.assignmentStatus).toBe('completed');
  expect(after?.reason).toContain(ADMIN_IDENTITY_IN_REASON);
  await panel.getByRole('button', { name: 'Close task review' }).click();
  await panel.waitFor({ state: 'hidden' });
  await page.getByRole('button', { name: `Review task ${task.sid}` }).waitFor({ state: 'detached' });
});

test('bulk close: the stuck tasks are canceled or completed, a task whose call came back is left open', async () => {
  const selection = await scanMatchesSimulator();
  // More than one batch of 50, so the close runs in batches.
  expect(selection.length).toBeGreaterThan(50);

  // The close follows the table's order in batches of 50 (sent several at once): the last row goes in the
  // last batch.
  const tableOrder = await suspectsInTableOrder();
  const revivedDuring = selection.find((task) => task.sid === tableOrder[tableOrder.length - 1]);
  // Between the scan and the close, one caller turns out to be still connected (and another one
  // will, while the first batch is being closed).
  const revivedBefore = selection.find((task) => task.assignmentStatus === 'reserved' && task !== revivedDuring);
  if (!revivedBefore?.callSid || !revivedDuring?.callSid) throw new Error('the scenario lacks tasks to revive');
  sandbox.simulator.reviveCall(revivedBefore.callSid);
  const revived = [revivedBefore, revivedDuring];

  const before = new Map(sandbox.simulator.listTasks().map((task) => [task.sid, task.assignmentStatus]));
  const logStart = sandbox.simulator.updateLog().length;

  // Paste draws its own checkbox over a visually hidden input: click what the user sees.
  const selectAll = page.getByRole('checkbox', { name: 'Select all stuck tasks' });
  await page.locator(`label[for="${await selectAll.getAttribute('id')}"]`).click();
  expect(await selectAll.isChecked()).toBe(true);
  await page.getByText(`${selection.length} of ${selection.length} selected`).waitFor();
  await page.getByRole('button', { name: `Close stuck tasks (${selection.length})` }).click();

  const dialog = page.getByRole('alertdialog', { name: `Close ${selection.length} stuck tasks?` });
  const cancels = selection.filter((task) => task.action === 'cancel').length;
  const completes = selection.filter((task) => task.action === 'complete').length;
  await dialog
    .getByText(`${cancels} will be canceled (pending or reserved) and ${completes} will be completed (assigned).`)
    .waitFor();
  await screenshot(page, '04-bulk-confirm');

  // Slow Twilio down so the progress of the batches (at most 50 tasks each) can be watched.
  sandbox.simulator.configure({ latencyMs: 400 });
  await dialog.getByRole('button', { name: 'Close tasks' }).click();
  const progress = page.getByRole('progressbar', { name: 'Close progress' });
  await progress.waitFor();
  await page.getByText(`Closing tasks: 0 of ${selection.length} done…`).waitFor();
  // The last batch is sent together with the first; at 400 ms per Twilio request it needs over a
  // second (token, task) before it looks at a call. (Which of the two batches ends first is not
  // fixed, so the progress is photographed before either has.)
  sandbox.simulator.reviveCall(revivedDuring.callSid);
  expect(await progress.getAttribute('aria-valuenow')).toBe('0');
  await screenshot(page, '05-bulk-progress', 'bulk-close-progress');
  await progress.waitFor({ state: 'detached', timeout: 180_000 });
  sandbox.simulator.configure({ latencyMs: 0 });

  // Flex's notification bar carries the summary.
  const summary =
    `Closed ${selection.length - 2} of ${selection.length} tasks: ` +
    `${cancels - revived.filter((task) => task.action === 'cancel').length} canceled, ` +
    `${completes - revived.filter((task) => task.action === 'complete').length} completed, ` +
    '2 not stuck, 0 not found, 0 failed.';
  await flexNotification(page, summary).waitFor();
  const results = page.getByRole('table', { name: 'Results of the last close' });
  await results.waitFor();
  // Every task's outcome, read page by page: task SID, outcome, details.
  const resultRows = await readEveryPage(page, 'Results of the last close', () =>
    results
      .locator('tbody tr')
      .evaluateAll((rows) =>
        rows.map((row) => Array.from((row as HTMLTableRowElement).cells).map((cell) => cell.textContent ?? '')),
      ),
  );
  expect(resultRows.map(([sid]) => sid).sort()).toEqual(sids(selection));
  const outcomeOf = (sid: string) => resultRows.find(([rowSid]) => rowSid === sid);
  for (const task of revived) {
    expect(outcomeOf(task.sid)?.[1]).toBe('Not stuck');
    expect(outcomeOf(task.sid)?.[2]).toMatch(/in-progress/);
  }
  const expectedClosed = selection.filter((task) => !revived.includes(task));
  for (const task of expectedClosed) {
    expect({ sid: task.sid, outcome: outcomeOf(task.sid)?.[1] }).toEqual({
      sid: task.sid,
      outcome: task.action === 'cancel' ? 'Canceled' : 'Completed',
    });
  }
  await page.getByRole('heading', { name: 'Stuck tasks (2)' }).waitFor();
  await screenshot(page, '06-bulk-finished', 'bulk-close-finished');
  // The not_stuck messages name a 34-character call SID: they wrap inside their cells, so neither
  // table needs scrolling sideways at this width.
  for (const name of ['Stuck tasks', 'Results of the last close']) {
    const table = page.getByRole('table', { name, exact: true });
    const overflow = await table.evaluate(
      (element) => element.parentElement!.scrollWidth - element.parentElement!.clientWidth,
    );
    expect({ name, overflow }).toEqual({ name, overflow: 0 });
  }

  // The simulator saw exactly the stuck tasks closed, each with the right action, If-Match and reason.
  const updates = sandbox.simulator.updateLog().slice(logStart);
  expect(updates.map((update) => update.taskSid).sort()).toEqual(sids(expectedClosed));
  for (const update of updates) {
    const task = expectedClosed.find((candidate) => candidate.sid === update.taskSid);
    expect(update.source).toBe('api');
    expect(update.from).toBe(task?.assignmentStatus);
    expect(update.to).toBe(task?.action === 'cancel' ? 'canceled' : 'completed');
    expect(update.ifMatch).toBe(update.etagBefore);
    expect(update.reason).toContain(ADMIN_IDENTITY_IN_REASON);
    expect(['completed', 'failed', 'busy', 'no-answer', 'canceled']).toContain(update.callStatus);
  }
  const after = sandbox.simulator.listTasks();
  const changed = after.filter((task) => before.get(task.sid) !== task.assignmentStatus).map((task) => task.sid);
  expect(changed.sort()).toEqual(sids(expectedClosed));
  for (const task of revived) {
    expect(sandbox.simulator.getTask(task.sid)?.assignmentStatus).toBe(task.assignmentStatus);
  }
});
