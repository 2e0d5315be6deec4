/**
 * Messaging tasks (Flex Conversations) through the real built Functions against the simulator, on the
 * real Twilio hosts (conversations.twilio.com and flex-api.twilio.com answered from the simulator by the
 * test-only preload, as deployed): the scan agrees with the simulator's oracle, a close goes through the
 * interaction channel and never changes the task's status through the Task API (only the closure
 * marker goes into its attributes), what the task became is reported, and the history lists the
 * closure with who made it.
 */
import type {
  CloseResponse,
  CloseResult,
  HistoryEntry,
  HistoryResponse,
  ReviewItem,
  ScanResponse,
  Suspect,
} from '@plugin-stuck-tasks/contract';
import { MESSAGING_CASES, SANDBOX_USERS } from '@plugin-stuck-tasks/sandbox';
import type { TaskView } from '@plugin-stuck-tasks/sandbox';
import { DEFAULT_CLOSE_REASON } from '../src/settings';
import type { ApiAnswer } from './support/http';
import { startStack } from './support/stack';
import type { Stack } from './support/stack';

jest.setTimeout(120_000);

const ADMIN = SANDBOX_USERS.admin.identity;

async function scanAll(
  stack: Stack,
): Promise<{ suspects: Suspect[]; needsReview: ReviewItem[]; conversationClosed: number }> {
  const suspects: Suspect[] = [];
  const needsReview: ReviewItem[] = [];
  let conversationClosed = 0;
  let pageToken: string | null = null;
  do {
    const answer: ApiAnswer<ScanResponse> = await stack.call<ScanResponse>('scan', {
      Token: stack.adminToken(),
      ...(pageToken ? { PageToken: pageToken } : {}),
    });
    expect(answer.status).toBe(200);
    suspects.push(...answer.body.suspects);
    needsReview.push(...answer.body.needsReview);
    conversationClosed += answer.body.counts.conversationClosed;
    pageToken = answer.body.nextPageToken;
  } while (pageToken !== null);
  return { suspects, needsReview, conversationClosed };
}

async function close(stack: Stack, taskSids: string[], force = false): Promise<CloseResult[]> {
  const answer = await stack.call<CloseResponse>('close', {
    Token: stack.adminToken(),
    TaskSids: taskSids.join(','),
    ...(force ? { Force: 'true' } : {}),
  });
  expect(answer.status).toBe(200);
  return answer.body.results;
}

/** Every entry of the last day's history, following nextPageToken to the end. */
async function historyOfTheDay(stack: Stack): Promise<HistoryEntry[]> {
  const entries: HistoryEntry[] = [];
  let pageToken: string | null = null;
  do {
    const answer: ApiAnswer<HistoryResponse> = await stack.call<HistoryResponse>('history', {
      Token: stack.adminToken(),
      Days: 1,
      ...(pageToken ? { PageToken: pageToken } : {}),
    });
    expect(answer.status).toBe(200);
    entries.push(...answer.body.entries);
    pageToken = answer.body.nextPageToken;
  } while (pageToken !== null);
  return entries;
}

/** What Flex does when an agent ends a conversation: it closes the interaction channel (no marker, no reason). */
async function closeChannelAsFlex(stack: Stack, task: TaskView): Promise<void> {
  const response = await fetch(
    `${stack.sim.url}/v1/Interactions/${task.interactionSid}/Channels/${task.interactionChannelSid}`,
    {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${stack.sim.accountSid}:${stack.sim.authToken}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ Status: 'closed', Routing: JSON.stringify({ status: 'closed' }) }).toString(),
    },
  );
  expect(response.status).toBe(200);
}

const sids = (views: readonly { sid: string }[]) => views.map((view) => view.sid).sort();
const messagingOnly = (view: TaskView) => view.conversationSid !== null;

describe('MESSAGING on (the default), on the real hosts', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      simulator: {
        seed: 'messaging-suite',
        // Settling conversations would cross the grace boundary while the suite runs.
        scenario: {
          openTasks: 300,
          recentlyEndedShare: 0,
          messagingShares: { ...MESSAGING_CASES, messaging_settling: 0 },
        },
      },
      route: 'realHosts',
    });
  });
  afterAll(() => stack?.stop());

  it('finds exactly the messaging tasks the oracle calls stuck or needing review, with their conversation and channel', async () => {
    const scan = await scanAll(stack);
    const stuck = stack.sim.listTasks({ verdict: 'stuck' }).filter(messagingOnly);
    const review = stack.sim.listTasks({ verdict: 'needs_review' }).filter(messagingOnly);
    expect(stuck.length).toBeGreaterThan(5);
    const messagingSuspects = scan.suspects.filter((suspect) => suspect.kind === 'conversation_closed');
    expect(messagingSuspects.map((suspect) => suspect.taskSid).sort()).toEqual(sids(stuck));
    expect(scan.conversationClosed).toBe(stuck.length);
    const messagingReview = scan.needsReview.filter((item) => item.conversationSid);
    expect(messagingReview.map((item) => item.taskSid).sort()).toEqual(sids(review));
    expect(new Set(messagingReview.map((item) => item.problem))).toEqual(
      new Set(['no_interaction', 'interaction_closed']),
    );
    for (const suspect of messagingSuspects) {
      const view = stuck.find((candidate) => candidate.sid === suspect.taskSid)!;
      expect(suspect).toMatchObject({
        action: 'close_interaction',
        legs: [],
        callSid: null,
        conversationSid: view.conversationSid,
        conversationState: view.conversationState === 'deleted' ? 'deleted' : 'closed',
        interactionSid: view.interactionSid,
        interactionChannelSid: view.interactionChannelSid,
      });
    }
    // Paused, in-transfer and still-going conversations are never listed.
    const listed = new Set([...scan.suspects, ...scan.needsReview].map((task) => task.taskSid));
    for (const kind of ['messaging_paused', 'messaging_transfer', 'other_channel'] as const) {
      expect(stack.sim.listTasks({ kind }).filter((view) => listed.has(view.sid))).toEqual([]);
    }
  });

  it('closes through the interaction channel, never changing the status through the Task API, and reports what each task became', async () => {
    const stuck = stack.sim.listTasks({ verdict: 'stuck', kind: 'messaging_stuck' });
    const assigned = stuck.find((view) => view.assignmentStatus === 'assigned')!;
    const pending = stuck.find((view) => view.assignmentStatus === 'pending')!;
    const since = stack.sim.updateLog().at(-1)?.seq ?? 0;

    const results = await close(stack, [assigned.sid, pending.sid]);

    expect(results[0]).toMatchObject({ taskSid: assigned.sid, outcome: 'completed' });
    expect(results[0].message).toContain(`its interaction channel ${assigned.interactionChannelSid} was closed`);
    // Twilio does not say what a channel close does to a pending task: the simulator leaves it open, and
    // the product says so rather than claiming a close.
    expect(results[1]).toMatchObject({ taskSid: pending.sid, outcome: 'failed' });
    expect(results[1].message).toMatch(/the task is still pending/);
    const updates = stack.sim.updateLog(since).filter((entry) => [assigned.sid, pending.sid].includes(entry.taskSid));
    expect(updates).toEqual([
      expect.objectContaining({
        taskSid: assigned.sid,
        from: 'assigned',
        to: 'completed',
        viaChannelSid: assigned.interactionChannelSid,
      }),
    ]);
    expect(stack.sim.channelUpdateLog().map((entry) => entry.channelSid)).toEqual(
      expect.arrayContaining([assigned.interactionChannelSid, pending.interactionChannelSid]),
    );
    const lines = await stack.functions.waitForLogEntries(
      (entries) =>
        entries.filter((entry) => entry.event === 'task_closed' && entry.taskSid === assigned.sid).length > 0,
      30_000,
    );
    expect(lines.find((entry) => entry.taskSid === assigned.sid)).toMatchObject({
      identity: ADMIN,
      action: 'close_interaction',
      became: 'completed',
    });
  });

  it('re-checks just before: refuses a reopened conversation, a paused channel, and needs-review tasks even with force', async () => {
    const [reopened, paused, accepted] = stack.sim
      .listTasks({ verdict: 'stuck', kind: 'messaging_stuck' })
      .filter((view) => view.assignmentStatus !== 'assigned');
    const review = stack.sim.listTasks({ verdict: 'needs_review', kind: 'messaging_interaction_closed' })[0];
    stack.sim.setConversationState(reopened.conversationSid!, 'active');
    stack.sim.setInteractionChannelStatus(paused.interactionChannelSid!, 'transfer');
    if (accepted.assignmentStatus === 'pending') stack.sim.reserveTask(accepted.sid);
    stack.sim.acceptTask(accepted.sid);

    const results = await close(stack, [reopened.sid, paused.sid, accepted.sid, review.sid], true);

    expect(results.map((result) => result.outcome)).toEqual(['not_stuck', 'not_stuck', 'completed', 'not_stuck']);
    expect(results[0].message).toContain('is still active');
    expect(results[1].message).toContain('is in transfer');
    expect(results[3].message).toMatch(/even with force/);
    expect(stack.sim.getTask(reopened.sid)?.assignmentStatus).toBe(reopened.assignmentStatus);
  });

  it('lists the closures made through the channel in the history, with who made them and what the task became; not an agent’s', async () => {
    stack.sim.configure({ channelCloseCancelsUnassigned: true });
    const assigned = stack.sim.addMessagingTask({ assignmentStatus: 'assigned', taskQueueName: 'Support' });
    const reserved = stack.sim.addMessagingTask({ assignmentStatus: 'reserved', channel: 'chat', channelType: 'web' });
    const byAgent = stack.sim.addMessagingTask({ assignmentStatus: 'assigned', conversationState: 'active' });
    const since = stack.sim.updateLog().at(-1)?.seq ?? 0;
    try {
      const results = await close(stack, [assigned.sid, reserved.sid]);
      expect(results.map((result) => result.outcome)).toEqual(['completed', 'canceled']);
      // The agent ends the conversation in Flex: the same channel close, but no marker.
      await closeChannelAsFlex(stack, byAgent);
    } finally {
      stack.sim.configure({ channelCloseCancelsUnassigned: false });
    }
    expect(stack.sim.getTask(byAgent.sid)?.assignmentStatus).toBe('completed');
    // Every status change came from the channel closes; the marker is in the attributes, the rest kept.
    const ours = [assigned.sid, reserved.sid, byAgent.sid];
    const moves = stack.sim.updateLog(since).filter((entry) => ours.includes(entry.taskSid));
    expect(moves.map((entry) => [entry.taskSid, entry.to, entry.viaChannelSid, entry.reason])).toEqual([
      [assigned.sid, 'completed', assigned.interactionChannelSid, null],
      [reserved.sid, 'canceled', reserved.interactionChannelSid, null],
      [byAgent.sid, 'completed', byAgent.interactionChannelSid, null],
    ]);
    const after = JSON.parse(stack.sim.getTask(assigned.sid)!.attributes) as Record<string, unknown>;
    const { stuckTasksClosure: marker, ...rest } = after;
    expect(rest).toEqual(JSON.parse(assigned.attributes));
    expect(marker).toMatchObject({ closedBy: ADMIN, channelSid: assigned.interactionChannelSid });

    const entries = await historyOfTheDay(stack);
    const entryOf = (sid: string) => entries.find((entry) => entry.taskSid === sid);
    expect(entryOf(assigned.sid)).toMatchObject({
      outcome: 'completed',
      closedBy: ADMIN,
      reason: `${DEFAULT_CLOSE_REASON} Closed by ${ADMIN}.`,
      taskQueueName: 'Support',
      taskChannel: 'sms',
    });
    expect(entryOf(reserved.sid)).toMatchObject({ outcome: 'canceled', closedBy: ADMIN, taskChannel: 'chat' });
    expect(entryOf(byAgent.sid)).toBeUndefined();
  });
});

describe('MESSAGING=off', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      simulator: { seed: 'messaging-off', scenario: { openTasks: 60, messagingShares: MESSAGING_CASES } },
      settings: () => ({ MESSAGING: 'off' }),
    });
  });
  afterAll(() => stack?.stop());

  it('skips messaging tasks as other channels and refuses to close them', async () => {
    stack.sim.resetStats();
    const scan = await scanAll(stack);
    expect([...scan.suspects, ...scan.needsReview].filter((task) => task.taskChannel !== 'voice')).toEqual([]);
    expect(stack.sim.stats().requests['conversations.fetch']).toBe(0);
    const stuck = stack.sim.listTasks({ verdict: 'stuck', kind: 'messaging_stuck' })[0];
    const [result] = await close(stack, [stuck.sid]);
    expect(result).toMatchObject({ outcome: 'not_stuck', message: expect.stringMatching(/MESSAGING=off/) });
    expect(stack.sim.channelUpdateLog()).toEqual([]);
  });
});
