/**
 * Issue 10 in the browser: conference tasks judged by every call leg, overdue wrap-ups as their own
 * group (closed together with call-ended tasks, the Insights outcome written in the same update), and
 * the agent each suspect blocks. The real plugin bundle in the real Flex UI, the real Functions (with
 * the sandbox's WRAPUP_OVERDUE_MINUTES=30), the Twilio simulator as the oracle.
 */
import type { Locator, Page } from 'playwright-core';

import type { SuspectKind } from '@plugin-stuck-tasks/contract';

import { CONVERSATIONS_ATTRIBUTES_TEXT } from '../sandbox/src/simulator';
import type { TaskView } from '../sandbox/src/simulator';
import type { Sandbox } from '../sandbox/src/start/sandbox';
import { ADMIN_IDENTITY_IN_REASON, setUpAdminSession } from './support/adminSession';
import { screenshot } from './support/browser';
import { flexNotification, listedTaskSids, scanInView, showRowOf, tickRow } from './support/stuckTasksView';

// At 300 tasks with this stuck share there are 96 call-ended suspects (66 + 12 conference + 6 outbound, and
// the 12 recently ended calls join them a minute after seeding), on four 25-row pages: the helpers
// turn the pages to read a whole table or to find a task's row.
const session = setUpAdminSession({ tasks: 300, scenario: { stuckShare: 0.22 } });
let sandbox: Sandbox;
let page: Page;

beforeAll(() => {
  ({ sandbox, page } = session);
});

/** The view's table for each kind of suspect. */
const TABLE_OF_KIND: Record<SuspectKind, string> = {
  call_ended: 'Stuck tasks',
  wrapup_overdue: 'Overdue wrap-ups',
  conversation_closed: 'Ended conversations',
};

/** What the plugin writes into `conversations.outcome` when INSIGHTS_OUTCOME is not set (the sandbox's case). */
const DEFAULT_OUTCOME = 'Closed stuck task';

/** The panel's words for the roles the scenario's legs have. */
const LEG_ROLE_LABELS: Record<string, string> = {
  call_sid: 'Task call (call_sid)',
  customer: 'Customer',
  worker: 'Agent',
};

const CALL_STATUS_LABELS: Record<string, string> = {
  queued: 'Queued',
  ringing: 'Ringing',
  'in-progress': 'In progress',
  canceled: 'Canceled',
  completed: 'Completed',
  failed: 'Failed',
  busy: 'Busy',
  'no-answer': 'No answer',
};

/** The reservation status in which the task's status holds its agent (TaskRouter's pairing). */
const HOLDING_RESERVATION: Partial<Record<TaskView['assignmentStatus'], string>> = {
  reserved: 'pending',
  assigned: 'accepted',
  wrapping: 'wrapping',
};

const stuckInSimulator = (kind: SuspectKind) =>
  sandbox.simulator.listTasks({ verdict: 'stuck' }).filter((task) => task.stuckKind === kind);
const sids = (tasks: readonly TaskView[]) => tasks.map((task) => task.sid).sort();

function simulatorTask(sid: string): TaskView {
  const task = sandbox.simulator.getTask(sid);
  if (!task) throw new Error(`${sid} is unknown to the simulator`);
  return task;
}

const suspectsTable = (kind: SuspectKind) => page.getByRole('table', { name: TABLE_OF_KIND[kind], exact: true });
const reviewButton = (sid: string) => page.getByRole('button', { name: `Review task ${sid}`, exact: true });
const rowOf = (table: Locator, sid: string) => table.getByRole('row').filter({ has: reviewButton(sid) });

/** Task SIDs of one group's table on all its pages, in the order shown. */
const listedIn = (kind: SuspectKind): Promise<string[]> => listedTaskSids(page, TABLE_OF_KIND[kind]);

interface Listed {
  callEnded: string[];
  wrapups: string[];
}

/**
 * Scans in the view and checks that each group lists exactly what the simulator judges stuck of its
 * kind. Calls keep ageing past the grace period while the scan runs, so the simulator is asked before
 * and after: every task stuck before is listed, and nothing that was not stuck after.
 */
async function scanMatchesSimulator(): Promise<Listed> {
  const before = {
    call_ended: sids(stuckInSimulator('call_ended')),
    wrapup_overdue: sids(stuckInSimulator('wrapup_overdue')),
  };
  await scanInView(page);
  const after = {
    call_ended: sids(stuckInSimulator('call_ended')),
    wrapup_overdue: sids(stuckInSimulator('wrapup_overdue')),
  };
  const listed: Listed = { callEnded: await listedIn('call_ended'), wrapups: await listedIn('wrapup_overdue') };
  for (const [kind, shown] of [
    ['call_ended', listed.callEnded],
    ['wrapup_overdue', listed.wrapups],
  ] as const) {
    expect({ kind, missing: before[kind].filter((sid) => !shown.includes(sid)) }).toEqual({ kind, missing: [] });
    expect({ kind, extra: shown.filter((sid) => !after[kind].includes(sid)) }).toEqual({ kind, extra: [] });
  }
  await page.getByRole('heading', { name: `Stuck tasks (${listed.callEnded.length})` }).waitFor();
  await page.getByRole('heading', { name: `Overdue wrap-ups (${listed.wrapups.length})` }).waitFor();
  return listed;
}

/** The value shown beside a count's label (`<dt>` label, `<dd>` value). */
async function countValue(label: string): Promise<string> {
  const term = page.locator('dt').filter({ hasText: new RegExp(`^${label}$`) });
  expect(await term.count()).toBe(1);
  return (await term.locator('xpath=following-sibling::dd[1]').textContent()) ?? '';
}

/** The agent the simulator says a task holds: the worker of its reservation matching the task's status. */
function expectedAgent(task: TaskView): { workerSid: string; workerName: string } | null {
  if (task.assignmentStatus === 'pending') return null;
  const holding = HOLDING_RESERVATION[task.assignmentStatus];
  const reservation =
    task.reservations.find((candidate) => candidate.status === holding) ??
    task.reservations.find((candidate) => Object.values(HOLDING_RESERVATION).includes(candidate.status));
  return reservation ? { workerSid: reservation.workerSid, workerName: reservation.workerName } : null;
}

/** The text of a row's cell under the column headed `header`. */
async function cellText(table: Locator, row: Locator, header: string): Promise<Locator> {
  const headers = (await table.getByRole('columnheader').allTextContents()).map((text) => text.trim());
  const index = headers.indexOf(header);
  expect(index).toBeGreaterThan(-1);
  return row.getByRole('cell').nth(index);
}

/** Ticks the row checkbox of this accessible name. */
function tick(name: string): Promise<void> {
  return tickRow(page.getByRole('checkbox', { name, exact: true }));
}

/** `toLocaleString` of the second Twilio reports (API 2010 dates carry whole seconds), as the page renders it. */
function renderedInstant(iso: string): Promise<string> {
  const wholeSeconds = Math.floor(Date.parse(iso) / 1000) * 1000;
  return page.evaluate((millis) => new Date(millis).toLocaleString(), wholeSeconds);
}

/**
 * The close kept the attributes byte for byte and only added `conversations.outcome`: without that one
 * member the text is the original, so `1.50` and the 20-digit integer survive exactly.
 */
function expectOutcomeAddedOnly(before: string, after: string | null): void {
  if (after === null) throw new Error('the close wrote no Attributes');
  expect((JSON.parse(after) as { conversations?: { outcome?: unknown } }).conversations?.outcome).toBe(DEFAULT_OUTCOME);
  const member = `"outcome":${JSON.stringify(DEFAULT_OUTCOME)}`;
  expect(after).toContain('"conversation_measure_1":1.50');
  expect(after).toContain('"external_id":12345678901234567890');
  const withoutOutcome = after.includes(`,${member}`)
    ? after.replace(`,${member}`, '')
    : after.replace(`${member},`, '');
  expect(withoutOutcome).toBe(before);
}

test('conference tasks: one whose every leg ended is listed with its legs in the panel; one with a live agent leg is not', async () => {
  const listed = await scanMatchesSimulator();
  const panel = page.getByRole('dialog', { name: 'Task review' });

  // An inbound conference task (call_sid = the customer's leg, plus the agent's) and an outbound one
  // (no call_sid: the customer's and the agent's legs only).
  for (const kind of ['conference_stuck', 'outbound_stuck'] as const) {
    const task = listed.callEnded
      .map(simulatorTask)
      .find((candidate) => candidate.kind === kind && candidate.verdict === 'stuck');
    if (!task) throw new Error(`no listed ${kind} task`);
    expect(task.legs.length).toBeGreaterThan(1);
    expect(task.legs.every((leg) => leg.endedAt !== null)).toBe(true);

    await showRowOf(page, TABLE_OF_KIND.call_ended, task.sid);
    await reviewButton(task.sid).click();
    await panel.getByRole('heading', { name: `Task ${task.sid}` }).waitFor();
    await panel.getByText('Stuck: the call has ended but the task is still open.').waitFor();
    const legs = panel.getByRole('table', { name: 'Call legs' });
    await legs.waitFor();
    const rows = legs.getByRole('row');
    // The header row, then one row per leg, the primary first.
    expect(await rows.count()).toBe(task.legs.length + 1);
    for (const [index, leg] of task.legs.entries()) {
      const cells = rows.nth(index + 1).getByRole('cell');
      expect(await cells.count()).toBe(4);
      const primaryBadge = index === 0 ? 'Primary' : '';
      expect(await cells.nth(0).textContent()).toBe(`${LEG_ROLE_LABELS[leg.role]}${primaryBadge}`);
      expect(await cells.nth(1).textContent()).toBe(leg.callSid);
      expect(await cells.nth(2).textContent()).toBe(CALL_STATUS_LABELS[leg.status ?? '']);
      expect(await cells.nth(3).textContent()).toBe(await renderedInstant(leg.endedAt ?? ''));
    }
    expect(await legs.getByText('Primary', { exact: true }).count()).toBe(1);
    if (kind === 'conference_stuck') {
      // The legs sit below the task's fields in the panel's scrolling body.
      await legs.scrollIntoViewIfNeeded();
      await screenshot(page, '07-conference-side-panel', 'conference-task-side-panel');
    }
    await panel.getByRole('button', { name: 'Close task review' }).click();
    await panel.waitFor({ state: 'hidden' });
  }

  // The agent is still on the line: the call_sid leg ended long ago, the worker's leg is live.
  const workerLive = sandbox.simulator.listTasks({ kind: 'conference_worker_live' });
  expect(workerLive.length).toBeGreaterThan(0);
  const needsReview = page.getByRole('table', { name: 'Needs review', exact: true });
  const listedAnywhere = [
    ...listed.callEnded,
    ...listed.wrapups,
    ...((await needsReview.count()) > 0 ? await listedTaskSids(page, 'Needs review') : []),
  ];
  for (const task of workerLive) {
    expect(task.verdict).toBe('active');
    expect(task.legs.find((leg) => leg.role === 'call_sid')?.status).not.toBe('in-progress');
    expect(task.legs.find((leg) => leg.role === 'worker')?.status).toBe('in-progress');
    // Neither a suspect of any kind nor a task needing review, on any page.
    expect(listedAnywhere).not.toContain(task.sid);
    expect(await reviewButton(task.sid).count()).toBe(0);
    expect(await page.getByText(task.sid).count()).toBe(0);
  }
});

test('overdue wrap-ups: their own group with its explanation, closed together with a call-ended task', async () => {
  const listed = await scanMatchesSimulator();
  expect(listed.wrapups.length).toBeGreaterThan(0);
  for (const sid of listed.wrapups) {
    const task = simulatorTask(sid);
    expect(task.assignmentStatus).toBe('wrapping');
    expect(task.action).toBe('complete');
  }
  await page
    .getByText(
      'Tasks left in wrap-up long after every call leg ended, for example because the agent closed the browser. The agent cannot take new work until the wrap-up ends: closing completes the task and frees the agent.',
    )
    .waitFor();
  expect(await countValue('Overdue wrap-ups')).toBe(String(listed.wrapups.length));

  // One of each kind, both carrying other conversations.* keys that the close must keep exactly.
  const withConversations = (sid: string) => simulatorTask(sid).attributes.includes(CONVERSATIONS_ATTRIBUTES_TEXT);
  const wrapupSid = listed.wrapups.find(withConversations);
  const callEndedSid = listed.callEnded.find(withConversations);
  if (!wrapupSid || !callEndedSid) throw new Error('the scenario lacks suspects with conversations attributes');
  const wrapup = simulatorTask(wrapupSid);
  const callEnded = simulatorTask(callEndedSid);

  await page.getByText(`0 of ${listed.callEnded.length} selected`, { exact: true }).waitFor();
  await showRowOf(page, TABLE_OF_KIND.wrapup_overdue, wrapup.sid);
  await tick(`Select task ${wrapup.sid}`);
  await showRowOf(page, TABLE_OF_KIND.call_ended, callEnded.sid);
  await tick(`Select task ${callEnded.sid}`);
  await page.getByText(`1 of ${listed.callEnded.length} selected`, { exact: true }).waitFor();
  await page.getByText(`1 of ${listed.wrapups.length} overdue wrap-ups selected`, { exact: true }).waitFor();
  await page
    .getByText('Selected for closing: 2 in all (stuck tasks: 1, overdue wrap-ups: 1).', { exact: true })
    .waitFor();

  const logStart = sandbox.simulator.updateLog().length;
  await page.getByRole('button', { name: 'Close stuck tasks (2)' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Close 2 stuck tasks?' });
  const cancels = callEnded.action === 'cancel' ? 1 : 0;
  const completes = 2 - cancels;
  await dialog
    .getByText(
      `${cancels} will be canceled (pending or reserved) and ${completes} will be completed (assigned, or overdue in wrap-up: 1).`,
    )
    .waitFor();
  await dialog.getByRole('button', { name: 'Close tasks' }).click();
  await flexNotification(
    page,
    `Closed 2 of 2 tasks: ${cancels} canceled, ${completes} completed, 0 not stuck, 0 not found, 0 failed.`,
  ).waitFor();
  await page.getByRole('progressbar', { name: 'Close progress' }).waitFor({ state: 'detached' });

  // The simulator saw exactly these two updates, each one request: status, reason, If-Match and the
  // attributes with the outcome for Insights.
  const updates = sandbox.simulator.updateLog().slice(logStart);
  expect(updates.map((update) => update.taskSid).sort()).toEqual([wrapup.sid, callEnded.sid].sort());
  for (const task of [wrapup, callEnded]) {
    const update = updates.find((candidate) => candidate.taskSid === task.sid);
    if (!update) throw new Error(`no update for ${task.sid}`);
    const closedAs = task.action === 'cancel' ? 'canceled' : 'completed';
    expect(update).toMatchObject({ source: 'api', from: task.assignmentStatus, to: closedAs });
    expect(update.ifMatch).toBe(update.etagBefore);
    expect(update.reason).toContain(ADMIN_IDENTITY_IN_REASON);
    // Nothing with a live leg was closed.
    expect(update.legs.map((leg) => leg.status)).not.toContain('in-progress');
    expectOutcomeAddedOnly(task.attributes, update.attributes);
    const after = simulatorTask(task.sid);
    expect(after.assignmentStatus).toBe(closedAs);
    expect(after.attributes).toBe(update.attributes);
  }
  expect(simulatorTask(wrapup.sid).assignmentStatus).toBe('completed');

  const results = page.getByRole('table', { name: 'Results of the last close' });
  await results.getByRole('row').filter({ hasText: wrapup.sid }).getByText('Completed', { exact: true }).waitFor();
  await results
    .getByRole('row')
    .filter({ hasText: callEnded.sid })
    .getByText(cancels === 1 ? 'Canceled' : 'Completed', { exact: true })
    .waitFor();
});

test('the agent column names the agent a suspect blocks; blocked agents counts each agent once', async () => {
  const listed = await scanMatchesSimulator();
  const headers = suspectsTable('call_ended').getByRole('columnheader');
  await headers.getByRole('button', { name: 'Agent', exact: true }).waitFor();
  expect(await headers.getByRole('button', { name: 'Agent', exact: true }).getAttribute('title')).toBe('Sort by Agent');

  const callEnded = listed.callEnded.map(simulatorTask);
  const samples: { kind: SuspectKind; task: TaskView }[] = [];
  for (const status of ['reserved', 'assigned', 'pending'] as const) {
    const task = callEnded.find((candidate) => candidate.assignmentStatus === status);
    if (!task) throw new Error(`no listed ${status} task`);
    samples.push({ kind: 'call_ended', task });
  }
  const wrapup = listed.wrapups.map(simulatorTask)[0];
  if (!wrapup) throw new Error('no listed overdue wrap-up');
  samples.push({ kind: 'wrapup_overdue', task: wrapup });

  for (const { kind, task } of samples) {
    const table = suspectsTable(kind);
    await showRowOf(page, TABLE_OF_KIND[kind], task.sid);
    const cell = await cellText(table, rowOf(table, task.sid), 'Agent');
    const agent = expectedAgent(task);
    if (task.assignmentStatus === 'pending') {
      // Nobody holds a pending task: the simulator has no offered, accepted or wrapping reservation for it.
      const holding = Object.values(HOLDING_RESERVATION);
      expect(task.reservations.filter((reservation) => holding.includes(reservation.status))).toEqual([]);
      await cell.getByText('No agent', { exact: true }).waitFor({ state: 'attached' });
      expect(await cell.textContent()).toBe('—No agent');
    } else {
      if (!agent) throw new Error(`the simulator gives ${task.sid} (${task.assignmentStatus}) no agent`);
      expect(await cell.textContent()).toBe(agent.workerName);
      expect(await cell.getByText(agent.workerName, { exact: true }).getAttribute('title')).toBe(agent.workerSid);
    }
  }

  // Distinct agents among every listed suspect, from the simulator's reservations.
  const blocked = new Set(
    [...listed.callEnded, ...listed.wrapups]
      .map((sid) => expectedAgent(simulatorTask(sid))?.workerSid)
      .filter((workerSid): workerSid is string => workerSid !== undefined),
  );
  expect(blocked.size).toBeGreaterThan(1);
  expect(await countValue('Blocked agents')).toBe(String(blocked.size));
});
