/**
 * The force path end to end: a task the engine cannot judge (its attributes carry no call SID) is
 * listed under "Needs review", never closed in bulk, and an admin can close it from its side panel
 * only after a confirmation that spells out the risk. Even forced, a task whose call turns out to be
 * live is refused and left open.
 */
import type { Page } from 'playwright-core';

import type { TaskView } from '../sandbox/src/simulator';
import type { Sandbox } from '../sandbox/src/start/sandbox';
import { ADMIN_IDENTITY_IN_REASON, setUpAdminSession } from './support/adminSession';
import { screenshot } from './support/browser';
import { listedTaskSids, scanInView, showRowOf } from './support/stuckTasksView';

const NO_CALL_SID_PROBLEM = 'The task attributes carry no call SID, so its call cannot be checked.';

// 150 open tasks give three without a call SID (one pending, one reserved, one assigned).
const session = setUpAdminSession({ tasks: 150 });
let sandbox: Sandbox;
let page: Page;

beforeAll(() => {
  ({ sandbox, page } = session);
});

const panel = () => page.getByRole('dialog', { name: 'Task review' });
const needsReviewTable = () => page.getByRole('table', { name: 'Needs review', exact: true });
const forceButtonName = (task: TaskView) =>
  task.assignmentStatus === 'assigned' ? 'Force complete task' : 'Force cancel task';

/** The open tasks without a call SID, as the simulator has them now. */
const openWithoutCallSid = () =>
  sandbox.simulator.listTasks({ verdict: 'needs_review' }).filter((task) => task.problem === 'no_call_sid');
const needsReviewInSimulator = () => sandbox.simulator.listTasks({ verdict: 'needs_review' }).length;

/** Opens the view and scans; the "Needs review" group then lists what the simulator has. */
async function scanNeedsReview(): Promise<void> {
  await scanInView(page);
  await page.getByRole('heading', { name: `Needs review (${needsReviewInSimulator()})` }).waitFor();
}

/** Opens a needs-review task from the "Needs review" group and checks the panel explains its problem. */
async function openFromNeedsReview(task: TaskView): Promise<void> {
  await showRowOf(page, 'Needs review', task.sid);
  const row = needsReviewTable().getByRole('row').filter({ hasText: task.sid });
  await row.getByText(NO_CALL_SID_PROBLEM).waitFor();
  await row.getByRole('button', { name: `Review task ${task.sid}` }).click();
  await panel()
    .getByRole('heading', { name: `Task ${task.sid}` })
    .waitFor();
  await panel().getByText(`Needs review: ${NO_CALL_SID_PROBLEM}`).waitFor();
  await panel()
    .getByRole('button', { name: forceButtonName(task) })
    .waitFor();
}

/** Presses the force button and confirms the dialog after checking it explains the risk. */
async function forceClose(task: TaskView, screenshotName?: string): Promise<void> {
  await panel()
    .getByRole('button', { name: forceButtonName(task) })
    .click();
  const confirm = page.getByRole('alertdialog', { name: 'Force close a task that needs review?' });
  await confirm
    .getByText(`This task could not be checked automatically: ${NO_CALL_SID_PROBLEM}`, { exact: false })
    .waitFor();
  await confirm
    .getByText(/If its caller is in fact still connected, closing it removes the conversation from the agent/)
    .waitFor();
  await confirm.getByText(`Continue only if you have confirmed the call is over.`, { exact: false }).waitFor();
  if (screenshotName) await screenshot(page, screenshotName);
  await confirm.getByRole('button', { name: 'Force close' }).click();
  await confirm.waitFor({ state: 'hidden' });
}

async function dismissPanel(): Promise<void> {
  await panel().getByRole('button', { name: 'Close task review' }).click();
  await panel().waitFor({ state: 'hidden' });
}

test('the admin sees the tasks without a call SID under "Needs review", with their problem', async () => {
  const noCallSid = openWithoutCallSid();
  expect(noCallSid.length).toBeGreaterThanOrEqual(1);
  await scanNeedsReview();
  // The suspects on every page of their tables (the plugin pages its tables by 25 rows).
  const suspects: string[] = [];
  for (const name of ['Stuck tasks', 'Overdue wrap-ups']) {
    if ((await page.getByRole('table', { name, exact: true }).count()) > 0) {
      suspects.push(...(await listedTaskSids(page, name)));
    }
  }
  for (const task of noCallSid) {
    expect(suspects).not.toContain(task.sid);
    await showRowOf(page, 'Needs review', task.sid);
    await needsReviewTable().getByRole('row').filter({ hasText: task.sid }).getByText(NO_CALL_SID_PROBLEM).waitFor();
    // Never offered for the bulk close.
    expect(await page.getByRole('checkbox', { name: `Select task ${task.sid}` }).count()).toBe(0);
  }
});

test("force close: after the risk is spelled out and confirmed, the task is closed in the admin's name", async () => {
  const [task] = openWithoutCallSid();
  if (!task) throw new Error('the scenario has no open task without a call SID left');
  await scanNeedsReview();
  const needsReviewCount = needsReviewInSimulator();
  const expectedStatus = task.assignmentStatus === 'assigned' ? 'completed' : 'canceled';
  const outcome = expectedStatus === 'completed' ? 'Completed' : 'Canceled';
  const logStart = sandbox.simulator.updateLog().length;

  await openFromNeedsReview(task);
  await screenshot(page, '08-force-panel');
  await forceClose(task, '09-force-confirm');

  await panel()
    .getByText(
      `${outcome}: ${outcome} (was ${task.assignmentStatus}; forced although its attributes carry no call_sid).`,
    )
    .waitFor();
  // The panel reloads the task: it is closed now, and it has left the "Needs review" group.
  await panel().getByText('Already closed. Nothing to do.').waitFor();
  await page.getByRole('heading', { name: `Needs review (${needsReviewCount - 1})` }).waitFor();
  await screenshot(page, '10-force-closed');

  const updates = sandbox.simulator.updateLog().slice(logStart);
  expect(updates).toHaveLength(1);
  const [update] = updates;
  expect(update).toMatchObject({
    source: 'api',
    taskSid: task.sid,
    from: task.assignmentStatus,
    to: expectedStatus,
    callSid: null,
    callStatus: null,
  });
  expect(update.ifMatch).toBe(update.etagBefore);
  expect(update.reason).toContain(ADMIN_IDENTITY_IN_REASON);
  expect(sandbox.simulator.getTask(task.sid)?.assignmentStatus).toBe(expectedStatus);

  await dismissPanel();
  expect(await needsReviewTable().getByRole('row').filter({ hasText: task.sid }).count()).toBe(0);
  expect(await listedTaskSids(page, 'Needs review')).not.toContain(task.sid);
});

test('force close is refused for a task whose call turns out to be live: it is left open', async () => {
  const [task] = openWithoutCallSid();
  if (!task) throw new Error('the scenario has no open task without a call SID left');
  await scanNeedsReview();
  const logStart = sandbox.simulator.updateLog().length;
  await openFromNeedsReview(task);

  // While the admin reads the panel, orchestration writes the call SID of a live call into the
  // task's attributes through TaskRouter, as a Studio flow or Flex itself would.
  const call = sandbox.simulator.addCall({ status: 'in-progress' });
  const attributes = { ...(JSON.parse(task.attributes) as Record<string, unknown>), call_sid: call.sid };
  const { accountSid, authToken, workspaceSid, url } = sandbox.simulator;
  const response = await fetch(`${url}/v1/Workspaces/${workspaceSid}/Tasks/${task.sid}`, {
    method: 'POST',
    headers: { Authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}` },
    body: new URLSearchParams({ Attributes: JSON.stringify(attributes) }),
  });
  expect(response.status).toBe(200);
  expect(sandbox.simulator.getTask(task.sid)?.verdict).toBe('active');

  // The panel still shows what it loaded; the engine checks again before closing and refuses.
  await forceClose(task);
  await panel().getByText(`Not stuck: Not closed: its call ${call.sid} is still in-progress.`).waitFor();
  await panel().getByText('Active: the call is live or ended moments ago. Nothing to do.').waitFor();
  expect(
    await panel()
      .getByRole('button', { name: forceButtonName(task) })
      .count(),
  ).toBe(0);
  await screenshot(page, '11-force-refused-live-call');

  expect(sandbox.simulator.updateLog().slice(logStart)).toEqual([]);
  expect(sandbox.simulator.getTask(task.sid)?.assignmentStatus).toBe(task.assignmentStatus);
  await dismissPanel();
});
