/**
 * Messaging tasks (Flex Conversations) through the real built Functions against the simulator, on the
 * real Twilio hosts (conversations.twilio.com and flex-api.twilio.com answered from the simulator by the
 * test-only preload, as deployed): the scan agrees with the simulator's oracle, a close goes through the
 * interaction channel and never the Task API, and what the task became is reported.
 */
import type { CloseResponse, CloseResult, ReviewItem, ScanResponse, Suspect } from '@plugin-stuck-tasks/contract';
import { MESSAGING_CASES, SANDBOX_USERS } from '@plugin-stuck-tasks/sandbox';
import type { TaskView } from '@plugin-stuck-tasks/sandbox';
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

  it('closes through the interaction channel, never the Task API, and reports what each task became', async () => {
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
