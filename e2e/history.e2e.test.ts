/**
 * Issue 11's History tab in the browser: after a bulk close from the view, the History tab lists those
 * closures, newest first, with the admin's identity, their outcome and queue, and exports them as CSV.
 * Needs the server side of issue 11 (`POST /stuck-tasks/history` and the simulator's Events).
 */
import { promises as fs } from 'node:fs';

import { AxeBuilder } from '@axe-core/playwright';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';

import type { Sandbox } from '../sandbox/src/start/sandbox';
import { ADMIN_IDENTITY_IN_REASON, setUpAdminSession } from './support/adminSession';
import { screenshot } from './support/browser';
import { scanInView, tickRow } from './support/stuckTasksView';

const session = setUpAdminSession({ tasks: 60 });
let sandbox: Sandbox;
let page: Page;

beforeAll(() => {
  ({ sandbox, page } = session);
});

/** The identity the Functions write into the reason ("Closed by <identity>."), which History reports as "Who". */
const ADMIN_IDENTITY = ADMIN_IDENTITY_IN_REASON.replace(/^Closed by /, '').replace(/\.$/, '');

test('History lists the closures of a bulk close with the admin as who closed them, and exports them', async () => {
  await scanInView(page);
  const suspects = page.getByRole('table', { name: 'Stuck tasks', exact: true });
  const boxes = (await suspects.getByRole('checkbox', { name: /^Select task / }).all()).slice(0, 3);
  for (const box of boxes) await tickRow(box);
  const logStart = sandbox.simulator.updateLog().length;
  await page.getByRole('button', { name: 'Close stuck tasks (3)' }).click();
  await page
    .getByRole('alertdialog', { name: 'Close 3 stuck tasks?' })
    .getByRole('button', { name: 'Close tasks' })
    .click();
  await page.getByRole('table', { name: 'Results of the last close' }).waitFor({ timeout: 120_000 });
  const closed = sandbox.simulator
    .updateLog()
    .slice(logStart)
    .filter((update) => update.to === 'canceled' || update.to === 'completed');
  expect(closed.length).toBeGreaterThan(0);

  await page.getByRole('tab', { name: 'History' }).click();
  const history = page.getByRole('table', { name: 'History of closures' });
  await history.waitFor({ timeout: 60_000 });
  await page.getByText(/closures (loaded )?(in|from) the last 7 days/).waitFor();
  const headers = (await history.getByRole('columnheader').allTextContents()).map((text) => text.trim());
  expect(headers).toEqual(['When', 'Task', 'Outcome', 'Who', 'Queue', 'Channel']);
  for (const update of closed) {
    const row = history.getByRole('row').filter({ hasText: update.taskSid });
    expect(await row.count()).toBe(1);
    const cells = (await row.getByRole('cell').allTextContents()).map((text) => text.trim());
    const task = sandbox.simulator.getTask(update.taskSid)!;
    expect(cells.slice(1)).toEqual([
      update.taskSid,
      update.to === 'canceled' ? 'Canceled' : 'Completed',
      ADMIN_IDENTITY,
      task.taskQueueName,
      task.channel,
    ]);
  }
  // Newest first: the closures just made are at the top.
  const firstSids = await history
    .getByRole('row')
    .evaluateAll((rows, count) => rows.slice(1, count + 1).map((row) => row.textContent ?? ''), closed.length);
  for (const text of firstSids) expect(closed.some((update) => text.includes(update.taskSid))).toBe(true);
  await screenshot(page, 'history-after-close', 'history');

  const plugin = await new AxeBuilder({ page }).include('.Twilio-View-stuck-tasks').analyze();
  expect(
    plugin.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical'),
  ).toEqual([]);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export history (CSV)' }).click(),
  ]);
  const file = await download.path();
  if (!file) throw new Error('the download was not saved');
  const rows = parse(await fs.readFile(file, 'utf8'), { columns: true }) as Record<string, string>[];
  for (const update of closed) {
    const row = rows.find((candidate) => candidate.taskSid === update.taskSid);
    expect([row?.outcome, row?.closedBy]).toEqual([update.to, ADMIN_IDENTITY]);
    expect(row?.reason).toContain(ADMIN_IDENTITY_IN_REASON);
  }
  await page.getByRole('tab', { name: 'Stuck tasks' }).click();
});
