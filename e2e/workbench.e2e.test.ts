/**
 * Issue 11 in the browser: the filters over the lists (by queue, by agent), select-all under a filter,
 * and a CSV export read back. The real plugin bundle in the real Flex UI, the real Functions, the
 * Twilio simulator as the oracle of each task's queue and agent.
 */
import { promises as fs } from 'node:fs';

import { parse } from 'csv-parse/sync';
import type { Locator, Page } from 'playwright-core';

import type { TaskView } from '../sandbox/src/simulator';
import type { Sandbox } from '../sandbox/src/start/sandbox';
import { setUpAdminSession } from './support/adminSession';
import { screenshot } from './support/browser';
import { listedTaskSids, readEveryPage, scanInView } from './support/stuckTasksView';

// As in legsAndWrapups: 96 call-ended suspects, on four 25-row pages; the helpers read every page.
const session = setUpAdminSession({ tasks: 300, scenario: { stuckShare: 0.22 } });
let sandbox: Sandbox;
let page: Page;

beforeAll(() => {
  ({ sandbox, page } = session);
});

const TABLES = ['Stuck tasks', 'Overdue wrap-ups'] as const;
const table = (name: string) => page.getByRole('table', { name, exact: true });

/** Task SIDs a table shows on all its pages, in order (an absent table shows none). */
async function listedIn(name: string): Promise<string[]> {
  if ((await table(name).count()) === 0) return [];
  return listedTaskSids(page, name);
}

async function listedEverywhere(): Promise<Record<(typeof TABLES)[number], string[]>> {
  return { 'Stuck tasks': await listedIn(TABLES[0]), 'Overdue wrap-ups': await listedIn(TABLES[1]) };
}

function simulatorTask(sid: string): TaskView {
  const task = sandbox.simulator.getTask(sid);
  if (!task) throw new Error(`${sid} is unknown to the simulator`);
  return task;
}

/** The worker a listed task holds, from the simulator's reservations (TaskRouter's pairing of statuses). */
function holdingWorker(task: TaskView): { workerSid: string; workerName: string } | null {
  const holding: Partial<Record<TaskView['assignmentStatus'], string>> = {
    reserved: 'pending',
    assigned: 'accepted',
    wrapping: 'wrapping',
  };
  const status = holding[task.assignmentStatus];
  return status ? (task.reservations.find((reservation) => reservation.status === status) ?? null) : null;
}

/** The value that occurs most often (ties: the first in sorted order), so the filter has several rows. */
function mostCommon(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  const [best] = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (!best) throw new Error('nothing to choose from');
  return best[0];
}

const filterField = (label: string): Locator => page.getByLabel(label, { exact: true });

async function clearFilters(): Promise<void> {
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.getByText(/^Showing all /).waitFor();
}

test('the queue filter shows exactly the listed tasks of that queue, in both groups, and says how many', async () => {
  await scanInView(page);
  const before = await listedEverywhere();
  const all = [...before['Stuck tasks'], ...before['Overdue wrap-ups']];
  const queue = mostCommon(all.map((sid) => simulatorTask(sid).taskQueueName));

  await filterField('Queue').selectOption({ label: queue });
  const expected = {
    'Stuck tasks': before['Stuck tasks'].filter((sid) => simulatorTask(sid).taskQueueName === queue),
    'Overdue wrap-ups': before['Overdue wrap-ups'].filter((sid) => simulatorTask(sid).taskQueueName === queue),
  };
  const shown = expected['Stuck tasks'].length + expected['Overdue wrap-ups'].length;
  await page.getByText(new RegExp(`^Showing ${shown} of ${all.length} suspects`)).waitFor();
  expect(await page.locator('#stuck-tasks-filter-result').getAttribute('aria-live')).toBe('polite');
  expect(await listedEverywhere()).toEqual(expected);
  await page
    .getByRole('heading', {
      name: `Stuck tasks (${expected['Stuck tasks'].length} of ${before['Stuck tasks'].length} shown)`,
    })
    .waitFor();
  // The filters and the outage picture at the top of the screenshot.
  await page.locator('#stuck-tasks-filter-heading').evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
  await screenshot(page, 'workbench-filter-by-queue', 'filters-and-outage');
  await clearFilters();
  expect(await listedEverywhere()).toEqual(before);
});

test('the agent filter shows exactly the listed tasks that agent holds', async () => {
  await scanInView(page);
  const before = await listedEverywhere();
  const held = [...before['Stuck tasks'], ...before['Overdue wrap-ups']]
    .map((sid) => ({ sid, worker: holdingWorker(simulatorTask(sid)) }))
    .filter((entry) => entry.worker !== null);
  const workerSid = mostCommon(held.map((entry) => entry.worker!.workerSid));
  const workerName = held.find((entry) => entry.worker!.workerSid === workerSid)!.worker!.workerName;

  await filterField('Agent').selectOption({ label: workerName });
  const holds = (sid: string) => holdingWorker(simulatorTask(sid))?.workerSid === workerSid;
  const expected = {
    'Stuck tasks': before['Stuck tasks'].filter(holds),
    'Overdue wrap-ups': before['Overdue wrap-ups'].filter(holds),
  };
  const shown = expected['Stuck tasks'].length + expected['Overdue wrap-ups'].length;
  expect(shown).toBeGreaterThan(0);
  await page.getByText(new RegExp(`^Showing ${shown} of \\d+ suspects`)).waitFor();
  expect(await listedEverywhere()).toEqual(expected);
  await clearFilters();
});

test('select-all under a filter selects the rows shown only; the export of them reads back as CSV', async () => {
  await scanInView(page);
  const before = await listedIn('Stuck tasks');
  const queue = mostCommon(before.map((sid) => simulatorTask(sid).taskQueueName));
  await filterField('Queue').selectOption({ label: queue });
  const shown = before.filter((sid) => simulatorTask(sid).taskQueueName === queue);
  expect(shown.length).toBeLessThan(before.length);
  await page
    .getByRole('checkbox', { name: `Select all ${shown.length} shown stuck tasks`, exact: true })
    .waitFor({ state: 'attached' });
  expect(await listedIn('Stuck tasks')).toEqual(shown);

  const selectAll = page.getByRole('checkbox', { name: `Select all ${shown.length} shown stuck tasks`, exact: true });
  await page.locator(`label[for="${await selectAll.getAttribute('id')}"]`).click();
  await page.getByRole('button', { name: `Close stuck tasks (${shown.length})`, exact: true }).waitFor();
  await page.getByText(`${shown.length} of ${shown.length} selected`, { exact: true }).waitFor();
  // Nothing outside the filter was selected.
  await clearFilters();
  await page.getByText(`${shown.length} of ${before.length} selected`, { exact: true }).waitFor();
  const checked = await readEveryPage(page, 'Stuck tasks', () =>
    table('Stuck tasks')
      .getByRole('checkbox', { name: /^Select task WT/ })
      .evaluateAll((boxes) =>
        boxes.filter((box) => (box as HTMLInputElement).checked).map((box) => box.getAttribute('aria-label')),
      ),
  );
  expect(checked.map((label) => label?.replace('Select task ', '')).sort()).toEqual([...shown].sort());

  // The export follows the filter.
  await filterField('Queue').selectOption({ label: queue });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export shown suspects (CSV)' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^stuck-tasks-suspects-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.csv$/);
  const file = await download.path();
  if (!file) throw new Error('the download was not saved');
  const text = await fs.readFile(file, 'utf8');
  expect(text.endsWith('\r\n')).toBe(true);
  const rows = parse(text, { columns: true }) as Record<string, string>[];
  const expectedWrapups = (await listedIn('Overdue wrap-ups')).length;
  expect(rows).toHaveLength(shown.length + expectedWrapups);
  expect(rows.slice(0, shown.length).map((row) => row.taskSid)).toEqual(shown);
  for (const row of rows) {
    const task = simulatorTask(row.taskSid);
    expect([row.kind, row.taskQueueName, row.assignmentStatus]).toEqual(['suspect', queue, task.assignmentStatus]);
    expect(row.legs.split('; ').map((leg) => leg.split(':')[1])).toEqual(task.legs.map((leg) => leg.callSid));
  }

  // Unselect (the shown rows), and leave the view as it was.
  await page.locator(`label[for="${await selectAll.getAttribute('id')}"]`).click();
  await page.getByRole('button', { name: 'Close stuck tasks (0)', exact: true }).waitFor();
  await clearFilters();
});
