/**
 * Issue 14's reverse orphans in the browser: after a scan, the view's "Conversations without an open
 * task" section lists the conversations the sandbox seeds with no task naming them, for review only
 * (no selection, no close), with its explanation, and passes the axe audit.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

import { SANDBOX_ORPHAN_CONVERSATIONS } from '../sandbox/src/simulator';
import type { Sandbox } from '../sandbox/src/start/sandbox';
import { setUpAdminSession } from './support/adminSession';
import { scanInView } from './support/stuckTasksView';

const session = setUpAdminSession({ tasks: 60 });
let sandbox: Sandbox;
let page: Page;

beforeAll(() => {
  ({ sandbox, page } = session);
});

test('the seeded reverse orphans are listed after the scan, for review only, and nothing is changed', async () => {
  const updatesBefore = sandbox.simulator.updateLog().length;
  await scanInView(page);
  const section = page.getByRole('region', { name: /^Conversations without an open task/ });
  await section
    .getByRole('heading', { name: `Conversations without an open task (${SANDBOX_ORPHAN_CONVERSATIONS})` })
    .waitFor({ timeout: 60_000 });
  await section.getByText(/this tool never closes a conversation/).waitFor();
  const table = section.getByRole('table', { name: 'Conversations without an open task' });
  const headers = (await table.getByRole('columnheader').allTextContents()).map((text) => text.trim());
  expect(headers).toEqual(['Conversation', 'Name', 'State', 'Idle for', 'Last change']);
  const rows = table.locator('tbody tr');
  expect(await rows.count()).toBe(SANDBOX_ORPHAN_CONVERSATIONS);
  for (const row of await rows.all()) {
    const cells = (await row.getByRole('cell').allTextContents()).map((text) => text.trim());
    expect(cells[0]).toMatch(/^CH[0-9a-f]{32}$/);
    expect(cells[1]).toMatch(/^Orphaned conversation with \+1555\d{7}$/);
    expect(['Active', 'Inactive']).toContain(cells[2]);
    expect(cells[3]).toMatch(/\d+ (min|h \d+ min|d \d+ h)$/);
  }
  expect(await section.getByRole('checkbox').count()).toBe(0);
  expect(await section.getByRole('button', { name: /close/i }).count()).toBe(0);
  expect(sandbox.simulator.updateLog()).toHaveLength(updatesBefore);

  const violations = (
    await new AxeBuilder({ page }).include('[aria-labelledby="stuck-tasks-orphans-heading"]').analyze()
  ).violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  expect(violations).toEqual([]);
});
