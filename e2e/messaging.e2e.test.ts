/**
 * Issue 14 in the browser: what an admin sees of stuck messaging tasks (Flex Conversations) in the
 * real Flex UI, and what closing them does. The page is checked against the simulator's own judgement
 * (its oracle), and the close against the simulator's logs and its conversations and interaction
 * channels, read through its control API: a messaging task is closed through its interaction channel,
 * never with a Task API status update.
 *
 * The sandbox seeds a messaging task in every case (MESSAGING_CASES). It runs with a 30-minute grace
 * period, so that the conversations closed "a moment ago" stay inside it for the whole file whatever
 * the machine's speed (each test closes them again "now" before it scans).
 */
import type { Locator, Page } from 'playwright-core';

import type {
  ChannelUpdateLogEntry,
  ConversationView,
  InteractionChannelView,
  TaskView,
} from '../sandbox/src/simulator';
import type { Sandbox } from '../sandbox/src/start/sandbox';
import { ADMIN_IDENTITY_IN_REASON, setUpAdminSession } from './support/adminSession';
import { screenshot } from './support/browser';
import { simControl } from './support/simulatorControl';
import { flexNotification, listedTaskSids, scanInView, showRowOf, tickRow } from './support/stuckTasksView';

const GRACE_SECONDS = 1800;
const session = setUpAdminSession({ tasks: 200, graceSeconds: GRACE_SECONDS });
let sandbox: Sandbox;
let page: Page;

beforeAll(() => {
  ({ sandbox, page } = session);
});

const MESSAGING_TABLE = 'Ended conversations';
const NO_INTERACTION_TEXT =
  'The task names a conversation but no interaction channel, so it cannot be closed safely. Close it in Flex.';
const INTERACTION_CLOSED_TEXT =
  'The interaction channel is already closed or gone, yet the task is still open. Look at it in Flex.';
const OPEN_STATUSES = ['pending', 'reserved', 'assigned'] as const;

const sids = (tasks: readonly TaskView[]) => tasks.map((task) => task.sid).sort();
/** The open messaging tasks the simulator judges stuck: the "Ended conversations" group's rows. */
const stuckConversations = () =>
  sandbox.simulator.listTasks({ verdict: 'stuck' }).filter((task) => task.stuckKind === 'conversation_closed');
const openOfKind = (kind: TaskView['kind']) => sandbox.simulator.listTasks({ kind, status: [...OPEN_STATUSES] });

/**
 * The seeded conversations that closed "a moment ago" close again now, so they stay inside the grace
 * period (and out of the lists) while this test runs.
 */
function keepSettlingConversationsInsideGrace(): void {
  for (const task of openOfKind('messaging_settling')) {
    if (task.conversationSid && task.conversationState === 'closed') {
      sandbox.simulator.setConversationState(task.conversationSid, 'closed', 0);
    }
  }
}

/** Task SIDs a table lists on all its pages, by their "Review task" buttons, sorted. */
async function reviewedSids(name: string): Promise<string[]> {
  return (await listedTaskSids(page, name)).sort();
}

/** Task SIDs listed anywhere on the view: every page of every table with "Review task" buttons. */
async function listedAnywhere(): Promise<Set<string>> {
  const listed = new Set<string>();
  for (const name of ['Stuck tasks', 'Overdue wrap-ups', MESSAGING_TABLE, 'Needs review']) {
    if ((await table(name).count()) === 0) continue;
    for (const sid of await reviewedSids(name)) listed.add(sid);
  }
  return listed;
}

const table = (name: string) => page.getByRole('table', { name, exact: true });
const rowOf = (tableLocator: Locator, taskSid: string) => tableLocator.getByRole('row').filter({ hasText: taskSid });

/** Ticks the row checkbox of this accessible name. */
function tick(name: string): Promise<void> {
  return tickRow(page.getByRole('checkbox', { name, exact: true }));
}

/** The value next to a term of a side panel section's description list. */
const field = (section: Locator, term: string) =>
  section
    .getByRole('term')
    .filter({ hasText: new RegExp(`^${term}$`) })
    .locator('xpath=following-sibling::dd[1]');

/** A date as the page writes it (the browser's locale and time zone), from Twilio's whole seconds. */
const asPageWritesIt = (iso: string) =>
  page.evaluate((millis) => new Date(millis).toLocaleString(), Math.floor(Date.parse(iso) / 1000) * 1000);

test('"Ended conversations" lists exactly the stuck messaging tasks, with conversation, channel and end', async () => {
  keepSettlingConversationsInsideGrace();
  const expected = stuckConversations();
  // The seeded cases: conversations closed long ago and deleted ones, each with its channel still active.
  const seeded = [...openOfKind('messaging_stuck'), ...openOfKind('messaging_deleted')];
  expect(openOfKind('messaging_stuck').length).toBeGreaterThan(1);
  expect(openOfKind('messaging_deleted').length).toBeGreaterThan(0);
  expect(sids(expected)).toEqual(expect.arrayContaining(sids(seeded)));

  await scanInView(page);
  const messaging = table(MESSAGING_TABLE);
  await page.getByRole('heading', { name: `${MESSAGING_TABLE} (${expected.length})` }).waitFor();
  expect(await reviewedSids(MESSAGING_TABLE)).toEqual(sids(expected));

  for (const task of expected) {
    await showRowOf(page, MESSAGING_TABLE, task.sid);
    const row = rowOf(messaging, task.sid);
    const channel = sandbox.simulator.getInteractionChannel(task.interactionChannelSid ?? '');
    if (!task.conversationSid || !channel) throw new Error(`${task.sid} lacks its conversation or channel`);
    await row.getByText(task.conversationSid).waitFor();
    await row.getByText(new RegExp(`^${channel.type} `)).waitFor();
    await row.getByText('Close conversation', { exact: true }).waitFor();
    if (task.conversationState === 'deleted') {
      await row.getByText('Conversation deleted', { exact: true }).waitFor();
      await row.getByText('Unknown', { exact: true }).waitFor();
    } else {
      await row.getByText('Conversation closed', { exact: true }).waitFor();
      // Closed 32 to 40 minutes before seeding (the grace plus 2 to 10 minutes).
      await row.getByText(/^\d+ min ago$/).waitFor();
    }
  }

  // Conversations still going, closed a moment ago, or whose channel an agent paused or is
  // transferring, are listed nowhere.
  const listed = await listedAnywhere();
  const goingOn = [
    ...openOfKind('other_channel'),
    ...openOfKind('messaging_settling'),
    ...openOfKind('messaging_paused'),
    ...openOfKind('messaging_transfer'),
  ];
  expect(goingOn.filter((task) => task.channel !== 'voice').length).toBeGreaterThan(10);
  expect(openOfKind('messaging_paused')[0]?.interactionChannelStatus).toBe('pause');
  expect(openOfKind('messaging_transfer')[0]?.interactionChannelStatus).toBe('transfer');
  expect(goingOn.filter((task) => listed.has(task.sid)).map((task) => `${task.sid} (${task.kind})`)).toEqual([]);

  // No interaction SIDs, or a channel already closed: listed for review, in plain words, never selectable.
  const review = table('Needs review');
  const needsReview = sandbox.simulator.listTasks({ verdict: 'needs_review' });
  await page.getByRole('heading', { name: `Needs review (${needsReview.length})` }).waitFor();
  const byProblem = (problem: string) => needsReview.filter((task) => task.problem === problem);
  expect(byProblem('no_interaction').length).toBeGreaterThan(0);
  expect(byProblem('interaction_closed').length).toBeGreaterThan(0);
  for (const [problem, text] of [
    ['no_interaction', NO_INTERACTION_TEXT],
    ['interaction_closed', INTERACTION_CLOSED_TEXT],
  ] as const) {
    for (const task of byProblem(problem)) {
      await showRowOf(page, 'Needs review', task.sid);
      await rowOf(review, task.sid).getByText(text, { exact: true }).waitFor();
      expect(await page.getByRole('checkbox', { name: `Select task ${task.sid}` }).count()).toBe(0);
    }
  }
  await messaging.scrollIntoViewIfNeeded();
  await screenshot(page, 'messaging-01-ended-conversations');
});

test('the side panel shows the conversation and its interaction channel', async () => {
  keepSettlingConversationsInsideGrace();
  await scanInView(page);
  const messaging = table(MESSAGING_TABLE);
  const listed = new Set(await reviewedSids(MESSAGING_TABLE));
  const task = stuckConversations().find((t) => t.conversationState === 'closed' && listed.has(t.sid));
  const deleted = stuckConversations().find((t) => t.conversationState === 'deleted' && listed.has(t.sid));
  if (!task?.conversationSid || !task.interactionChannelSid || !deleted) {
    throw new Error('the scenario lacks a listed closed and a listed deleted conversation');
  }
  const conversation = await simControl<ConversationView>(sandbox, 'GET', `/conversations/${task.conversationSid}`);
  const channel = await simControl<InteractionChannelView>(
    sandbox,
    'GET',
    `/interaction-channels/${task.interactionChannelSid}`,
  );
  const panel = page.getByRole('dialog', { name: 'Task review' });

  await showRowOf(page, MESSAGING_TABLE, task.sid);
  await messaging.getByRole('button', { name: `Review task ${task.sid}` }).click();
  await panel.getByRole('heading', { name: `Task ${task.sid}` }).waitFor();
  await panel
    .getByText('Stuck: the conversation has ended but the task is still open. Closing closes its interaction channel.')
    .waitFor();
  await panel.getByText('Proposed action: Close conversation').waitFor();
  const section = (heading: string) =>
    panel.locator('section').filter({ has: page.getByRole('heading', { name: heading, exact: true }) });

  const conversationSection = section('Conversation');
  await field(conversationSection, 'SID').getByText(task.conversationSid).waitFor();
  expect(await field(conversationSection, 'Status').textContent()).toBe('closed');
  expect(conversation.dateClosed).not.toBeNull();
  expect(await field(conversationSection, 'Ended').textContent()).toBe(
    await asPageWritesIt(conversation.dateClosed ?? ''),
  );

  const channelSection = section('Interaction channel');
  await field(channelSection, 'SID').getByText(channel.sid).waitFor();
  await field(channelSection, 'Interaction').getByText(channel.interactionSid).waitFor();
  expect(await field(channelSection, 'Status').textContent()).toBe('active');
  expect(await field(channelSection, 'Channel').textContent()).toBe(channel.type);
  // A messaging task has no call: no call or call legs sections.
  expect(await section('Call').count()).toBe(0);
  expect(await section('Call legs').count()).toBe(0);
  await panel.getByRole('button', { name: 'Close its interaction channel' }).waitFor();
  await screenshot(page, 'messaging-02-side-panel');
  await panel.getByRole('button', { name: 'Close task review' }).click();
  await panel.waitFor({ state: 'hidden' });

  // A deleted conversation: the panel says Twilio no longer knows it.
  await showRowOf(page, MESSAGING_TABLE, deleted.sid);
  await messaging.getByRole('button', { name: `Review task ${deleted.sid}` }).click();
  await panel.getByRole('heading', { name: `Task ${deleted.sid}` }).waitFor();
  await panel.getByText('Twilio no longer knows this conversation (deleted).').waitFor();
  expect(await field(section('Interaction channel'), 'Status').textContent()).toBe('active');
  await panel.getByRole('button', { name: 'Close task review' }).click();
  await panel.waitFor({ state: 'hidden' });
  // Looking changed nothing.
  expect(sandbox.simulator.getTask(task.sid)?.assignmentStatus).toBe(task.assignmentStatus);
  expect(sandbox.simulator.getInteractionChannel(task.interactionChannelSid)?.status).toBe('active');
});

test('bulk close across kinds: messaging tasks go through their channel and report what they became', async () => {
  keepSettlingConversationsInsideGrace();
  // This test's own messaging cases, created through the control API: one per open status.
  const created: Record<(typeof OPEN_STATUSES)[number], TaskView> = {
    assigned: await simControl<TaskView>(sandbox, 'POST', '/messaging-tasks', {
      assignmentStatus: 'assigned',
      channelType: 'whatsapp',
      closedSecondsAgo: GRACE_SECONDS + 600,
    }),
    pending: await simControl<TaskView>(sandbox, 'POST', '/messaging-tasks', {
      assignmentStatus: 'pending',
      closedSecondsAgo: GRACE_SECONDS + 900,
    }),
    reserved: await simControl<TaskView>(sandbox, 'POST', '/messaging-tasks', {
      assignmentStatus: 'reserved',
      channelType: 'web',
      channel: 'chat',
      closedSecondsAgo: GRACE_SECONDS + 1200,
    }),
  };
  const messagingTasks = Object.values(created);
  for (const task of messagingTasks) expect(task).toMatchObject({ verdict: 'stuck', action: 'close_interaction' });
  const voice = sandbox.simulator
    .listTasks({ verdict: 'stuck', status: ['pending'] })
    .find((task) => task.stuckKind === 'call_ended');
  if (!voice) throw new Error('the scenario has no stuck pending voice task');

  await scanInView(page);
  const messaging = table(MESSAGING_TABLE);
  await showRowOf(page, 'Stuck tasks', voice.sid);
  await tick(`Select task ${voice.sid}`);
  for (const task of messagingTasks) {
    await showRowOf(page, MESSAGING_TABLE, task.sid);
    await tick(`Select task ${task.sid}`);
  }
  const messagingRows = (await reviewedSids(MESSAGING_TABLE)).length;
  await page.getByText(`3 of ${messagingRows} ended conversations selected`).waitFor();
  await page.getByRole('button', { name: 'Close stuck tasks (4)' }).click();

  const dialog = page.getByRole('alertdialog', { name: 'Close 4 stuck tasks?' });
  await dialog.getByText('1 will be canceled (pending or reserved) and 0 will be completed (assigned).').waitFor();
  await dialog
    .getByText(
      '3 messaging tasks will have their interaction channel closed (the task itself is never canceled or ' +
        'completed directly); each result says what the task became.',
    )
    .waitFor();
  await screenshot(page, 'messaging-03-bulk-confirm');

  const updatesFrom = sandbox.simulator.updateLog().at(-1)?.seq ?? 0;
  const channelUpdatesFrom = sandbox.simulator.channelUpdateLog().at(-1)?.seq ?? 0;
  // Slow Twilio down so the progress can be seen before the batch ends.
  sandbox.simulator.configure({ latencyMs: 300 });
  try {
    await dialog.getByRole('button', { name: 'Close tasks' }).click();
    const progress = page.getByRole('progressbar', { name: 'Close progress' });
    await progress.waitFor();
    await page.getByText('Closing tasks: 0 of 4 done…').waitFor();
    await progress.waitFor({ state: 'detached', timeout: 180_000 });
  } finally {
    sandbox.simulator.configure({ latencyMs: 0 });
  }

  // Flex's notification bar: the pending and reserved messaging tasks stayed open, so they failed.
  await flexNotification(
    page,
    'Closed 2 of 4 tasks: 1 canceled, 1 completed, 0 not stuck, 0 not found, 2 failed.',
  ).waitFor();
  const results = table('Results of the last close');
  await rowOf(results, voice.sid).getByText('Canceled', { exact: true }).waitFor();
  const assignedRow = rowOf(results, created.assigned.sid);
  await assignedRow.getByText('Completed', { exact: true }).waitFor();
  await assignedRow
    .getByText(
      `Now completed: its interaction channel ${created.assigned.interactionChannelSid} was closed ` +
        '(was assigned; conversation closed).',
    )
    .waitFor();
  for (const status of ['pending', 'reserved'] as const) {
    const row = rowOf(results, created[status].sid);
    await row.getByText('Failed', { exact: true }).waitFor();
    await row
      .getByText(
        `The interaction channel ${created[status].interactionChannelSid} was closed, but the task is still ` +
          `${status}. Look at it in Flex; the Task API was not used.`,
      )
      .waitFor();
  }
  await page.getByRole('button', { name: 'Retry failed (2)' }).waitFor();
  await screenshot(page, 'messaging-04-bulk-results');

  // The simulator: each messaging task's channel closed once through the Interactions API (with
  // Routing closed); only the assigned one changed status, by that close, without If-Match.
  const channelUpdates = sandbox.simulator.channelUpdateLog(channelUpdatesFrom);
  expect(channelUpdates.map((update) => update.channelSid).sort()).toEqual(
    messagingTasks.map((task) => task.interactionChannelSid).sort(),
  );
  const channelUpdateOf = (task: TaskView) =>
    channelUpdates.find((update) => update.channelSid === task.interactionChannelSid) as ChannelUpdateLogEntry;
  for (const status of OPEN_STATUSES) {
    expect(channelUpdateOf(created[status])).toMatchObject({
      from: 'active',
      to: 'closed',
      routingStatus: 'closed',
      conversationState: 'closed',
      tasks: [{ taskSid: created[status].sid, from: status, to: status === 'assigned' ? 'completed' : null }],
    });
  }
  const updates = sandbox.simulator.updateLog(updatesFrom);
  expect(updates.map((update) => update.taskSid).sort()).toEqual([voice.sid, created.assigned.sid].sort());
  const updateOf = (sid: string) => updates.find((update) => update.taskSid === sid);
  expect(updateOf(voice.sid)).toMatchObject({ source: 'api', from: 'pending', to: 'canceled' });
  expect(updateOf(voice.sid)?.ifMatch).toBe(updateOf(voice.sid)?.etagBefore);
  expect(updateOf(voice.sid)?.viaChannelSid).toBeUndefined();
  expect(updateOf(created.assigned.sid)).toMatchObject({
    source: 'api',
    from: 'assigned',
    to: 'completed',
    viaChannelSid: created.assigned.interactionChannelSid,
    ifMatch: null,
  });
  // The control API shows the channels and conversations closed, the unassigned tasks still open.
  for (const status of OPEN_STATUSES) {
    const task = created[status];
    const channel = await simControl<InteractionChannelView>(
      sandbox,
      'GET',
      `/interaction-channels/${task.interactionChannelSid}`,
    );
    expect(channel).toMatchObject({ status: 'closed', openTaskSids: status === 'assigned' ? [] : [task.sid] });
    const conversation = await simControl<ConversationView>(sandbox, 'GET', `/conversations/${task.conversationSid}`);
    expect(conversation.state).toBe('closed');
  }
  expect(sandbox.simulator.getTask(created.pending.sid)?.assignmentStatus).toBe('pending');
  expect(sandbox.simulator.getTask(created.reserved.sid)?.assignmentStatus).toBe('reserved');

  // A new scan lists the closed tasks nowhere; the two left open, their channel closed now, need review.
  await scanInView(page);
  const listedAfter = await listedAnywhere();
  expect(listedAfter.has(voice.sid)).toBe(false);
  expect(listedAfter.has(created.assigned.sid)).toBe(false);
  const listedMessaging = (await messaging.count()) > 0 ? await reviewedSids(MESSAGING_TABLE) : [];
  expect(listedMessaging.filter((sid) => messagingTasks.some((task) => task.sid === sid))).toEqual([]);
  for (const status of ['pending', 'reserved'] as const) {
    await showRowOf(page, 'Needs review', created[status].sid);
    await rowOf(table('Needs review'), created[status].sid)
      .getByText(INTERACTION_CLOSED_TEXT, { exact: true })
      .waitFor();
  }

  // History finds the closure made through the channel (by the closure marker the task event carries)
  // with the admin as who closed it; the tasks still open are not there.
  await page.getByRole('tab', { name: 'History' }).click();
  const history = page.getByRole('table', { name: 'History of closures' });
  await history.waitFor({ timeout: 60_000 });
  const historyRow = history.getByRole('row').filter({ hasText: created.assigned.sid });
  await historyRow.waitFor();
  const cells = (await historyRow.getByRole('cell').allTextContents()).map((text) => text.trim());
  const adminIdentity = ADMIN_IDENTITY_IN_REASON.replace(/^Closed by /, '').replace(/\.$/, '');
  expect(cells.slice(1, 4)).toEqual([created.assigned.sid, 'Completed', adminIdentity]);
  for (const status of ['pending', 'reserved'] as const) {
    expect(await history.getByRole('row').filter({ hasText: created[status].sid }).count()).toBe(0);
  }
});
