/**
 * Accessibility of the plugin inside the real Flex UI, audited with axe-core: the view, the review
 * side panel, the ended conversations group and a messaging task's panel, the bulk confirmation and
 * the results, each scoped to the plugin's own DOM (Flex's chrome around it is Flex's business).
 * Every violation found, inside and page-wide, is written to artifacts/e2e/axe-report.json.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

import { setUpAdminSession } from './support/adminSession';
import { ARTIFACTS_DIR } from './support/browser';
import { navLink, scanInView, tickRow } from './support/stuckTasksView';

const session = setUpAdminSession({ tasks: 60 });
let page: Page;

beforeAll(() => {
  ({ page } = session);
});

/** The plugin's view inside Flex's View for it, and the plugin's dialogs (rendered in portals). */
const PLUGIN_VIEW = '.Twilio-View-stuck-tasks';
const TASK_PANEL = '[role="dialog"][aria-label="Task review"]';
const ALERT_DIALOG = '[role="alertdialog"]';

interface Finding {
  id: string;
  impact: string | null | undefined;
  nodes: string[];
}
const report: Record<string, { plugin: Finding[]; wholePage: Finding[] }> = {};

afterAll(async () => {
  await fs.mkdir(ARTIFACTS_DIR, { recursive: true });
  await fs.writeFile(path.join(ARTIFACTS_DIR, 'axe-report.json'), `${JSON.stringify(report, null, 2)}\n`);
});

/** Audits the plugin's part of the page (and, for the report, the whole page); answers the serious ones. */
async function audit(name: string, include: string): Promise<Finding[]> {
  const findings = (violations: Awaited<ReturnType<AxeBuilder['analyze']>>['violations']): Finding[] =>
    violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      nodes: violation.nodes.map((node) => node.target.join(' ')),
    }));
  const plugin = findings((await new AxeBuilder({ page }).include(include).analyze()).violations);
  const wholePage = findings((await new AxeBuilder({ page }).analyze()).violations);
  report[name] = { plugin, wholePage };
  return plugin.filter((finding) => finding.impact === 'serious' || finding.impact === 'critical');
}

test('the nav entry is named in the collapsed and in the expanded side bar', async () => {
  const toggle = page.getByRole('banner', { name: 'Main header' }).getByRole('button', { name: 'Navigation' });
  // Flex's collapsed side bar shows only icons: it hides each entry's label (visibility: hidden).
  const label = navLink(page).getByText('Close stuck tasks', { exact: true });
  // Only the naming rules: the rest of the side bar is Flex's own.
  const namesInSideBar = async () =>
    (
      await new AxeBuilder({ page })
        .include('[role="navigation"][aria-label="Side bar"]')
        .withRules(['link-name', 'button-name', 'aria-command-name'])
        .analyze()
    ).violations;

  // Flex starts with its side bar collapsed: the entry keeps its name without its label.
  if (await label.isVisible()) await toggle.click();
  await label.waitFor({ state: 'hidden' });
  await expect(navLink(page).count()).resolves.toBe(1);
  expect(await namesInSideBar()).toEqual([]);

  await toggle.click();
  await label.waitFor({ state: 'visible' });
  await expect(navLink(page).count()).resolves.toBe(1);
  expect(await namesInSideBar()).toEqual([]);

  await toggle.click();
  await label.waitFor({ state: 'hidden' });
});

test('the view with its scan results has no serious or critical violation', async () => {
  await scanInView(page);
  await page.getByRole('table', { name: 'Stuck tasks', exact: true }).waitFor();
  expect(await audit('view after a scan', PLUGIN_VIEW)).toEqual([]);
});

test('the review side panel has no serious or critical violation', async () => {
  await scanInView(page);
  const panel = page.getByRole('dialog', { name: 'Task review' });
  await page
    .getByRole('table', { name: 'Stuck tasks', exact: true })
    .getByRole('button', { name: /^Review task WT/ })
    .first()
    .click();
  await panel.getByText(/^Stuck: /).waitFor();
  expect(await audit('task review panel', TASK_PANEL)).toEqual([]);
  await panel.getByRole('button', { name: 'Close task review' }).click();
  await panel.waitFor({ state: 'hidden' });
});

test("the ended conversations group and a messaging task's review panel have no serious or critical violation", async () => {
  // The sandbox seeds stuck messaging tasks (MESSAGING_CASES): their group is on the view.
  await scanInView(page);
  const messaging = page.getByRole('table', { name: 'Ended conversations', exact: true });
  await messaging.waitFor();
  expect(await audit('view with ended conversations', PLUGIN_VIEW)).toEqual([]);

  const panel = page.getByRole('dialog', { name: 'Task review' });
  await messaging
    .getByRole('button', { name: /^Review task WT/ })
    .first()
    .click();
  await panel.getByText(/^Stuck: the conversation has ended/).waitFor();
  await panel.getByRole('heading', { name: 'Interaction channel', exact: true }).waitFor();
  expect(await audit('messaging task review panel', TASK_PANEL)).toEqual([]);
  await panel.getByRole('button', { name: 'Close task review' }).click();
  await panel.waitFor({ state: 'hidden' });
});

test('the bulk confirmation and the results of a close have no serious or critical violation', async () => {
  await scanInView(page);
  const table = page.getByRole('table', { name: 'Stuck tasks', exact: true });
  // Two tasks are enough to show a results table.
  for (const box of (await table.getByRole('checkbox', { name: /^Select task / }).all()).slice(0, 2)) {
    await tickRow(box);
  }
  await page.getByRole('button', { name: 'Close stuck tasks (2)' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Close 2 stuck tasks?' });
  await dialog.waitFor();
  expect(await audit('bulk close confirmation', ALERT_DIALOG)).toEqual([]);

  await dialog.getByRole('button', { name: 'Close tasks' }).click();
  await page.getByRole('table', { name: 'Results of the last close' }).waitFor({ timeout: 120_000 });
  expect(await audit('view with close results', PLUGIN_VIEW)).toEqual([]);
});

test('the filters, the exports and the outage picture have no serious or critical violation', async () => {
  await scanInView(page);
  // Each control is named by its label, and reachable in order with the keyboard.
  const labels = [
    'Queue',
    'Status',
    'List',
    'Call status',
    'Agent',
    'Older than (minutes)',
    'At most (minutes old)',
    'Task or call SID',
  ];
  for (const label of labels) expect(await page.getByLabel(label, { exact: true }).count()).toBe(1);
  await page.getByLabel('Queue', { exact: true }).focus();
  for (const label of labels.slice(1)) {
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(
      await page.getByLabel(label, { exact: true }).getAttribute('id'),
    );
  }
  // A filter set and a bad age: the error text is tied to its field.
  const queue = page.getByLabel('Queue', { exact: true });
  const firstQueue = await queue.locator('option').nth(1).textContent();
  await queue.selectOption({ label: firstQueue ?? '' });
  await page.getByLabel('Older than (minutes)', { exact: true }).fill('soon');
  await page.getByText('Enter a whole number of minutes, or leave it empty.').waitFor();
  await page.getByRole('table', { name: 'Suspects by queue and status' }).waitFor({ state: 'attached' });
  expect(await audit('view with filters and the outage picture', PLUGIN_VIEW)).toEqual([]);
  await page.getByRole('button', { name: 'Clear filters' }).click();
});
