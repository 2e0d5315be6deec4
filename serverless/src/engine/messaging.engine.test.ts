import type { EngineDeps } from './deps';
import { closeTasks } from './close';
import { inspectTask } from './inspect';
import { scanPage } from './scan';
import { withClosureMarker } from './closureMarker';
import { FakeGateway, NOW_MS, testSettings } from '../../test/support/fakeGateway';

/** The engine on messaging tasks: scan, detail and close through the interaction channel, never the Task API. */

function setup(settings = testSettings()) {
  const gateway = new FakeGateway();
  const log: Record<string, unknown>[] = [];
  const deps: EngineDeps = { gateway, settings, now: () => NOW_MS, log: (entry) => log.push(entry) };
  const close = (taskSids: string[], force = false) =>
    closeTasks(deps, { taskSids, force, identity: 'ann@example.com' });
  return { gateway, log, deps, close };
}

const minutesAgo = (minutes: number) => new Date(NOW_MS - minutes * 60_000).toISOString();

describe('scan', () => {
  it('lists a messaging task whose conversation ended as a conversation_closed suspect, and counts it', async () => {
    const { gateway, deps } = setup();
    const { task, conversation, channel } = gateway.addMessagingTask({ assignment_status: 'pending' });
    const going = gateway.addMessagingTask({}, { state: 'active' });
    const page = await scanPage(deps, null);
    expect(page.suspects).toEqual([
      expect.objectContaining({
        taskSid: task.sid,
        taskChannel: 'chat',
        kind: 'conversation_closed',
        action: 'close_interaction',
        legs: [],
        callSid: null,
        callStatus: null,
        callEndedAt: null,
        conversationSid: conversation?.sid,
        conversationState: 'closed',
        conversationEndedAt: minutesAgo(10),
        interactionSid: channel.interaction_sid,
        interactionChannelSid: channel.sid,
        channelType: 'sms',
      }),
    ]);
    expect(page.counts).toMatchObject({ scanned: 2, stuck: 1, conversationClosed: 1, active: 1, needsReview: 0 });
    // The open conversation alone kept its task active: its channel was never read (20 req/s limit).
    expect(gateway.counts.fetchInteractionChannel).toBe(1);
    expect(going.task.sid).not.toBe(task.sid);
  });

  it('lists tasks without interaction SIDs, or whose channel is already closed, for review with their SIDs', async () => {
    const { gateway, deps } = setup();
    const closedChannel = gateway.addMessagingTask({}, {}, { status: 'closed' });
    const page = await scanPage(deps, null);
    expect(page.needsReview).toEqual([
      expect.objectContaining({
        taskSid: closedChannel.task.sid,
        problem: 'interaction_closed',
        conversationSid: closedChannel.conversation?.sid,
        interactionSid: closedChannel.channel.interaction_sid,
        interactionChannelSid: closedChannel.channel.sid,
      }),
    ]);
  });

  it('with MESSAGING off, skips messaging tasks without a request', async () => {
    const { gateway, deps } = setup(testSettings({ messaging: false }));
    gateway.addMessagingTask();
    const page = await scanPage(deps, null);
    expect(page.counts).toMatchObject({ scanned: 1, skipped: 1, stuck: 0 });
    expect(gateway.counts.fetchConversation).toBe(0);
  });
});

describe('task detail', () => {
  it('shows the conversation and the channel, and the verdict', async () => {
    const { gateway, deps } = setup();
    const { task, conversation, channel } = gateway.addMessagingTask({ assignment_status: 'assigned' });
    const detail = await inspectTask(deps, task.sid);
    expect(detail).toMatchObject({
      verdict: 'stuck',
      kind: 'conversation_closed',
      action: 'close_interaction',
      call: null,
      legs: [],
      conversation: { conversationSid: conversation?.sid, state: 'closed', dateClosed: minutesAgo(10) },
      interactionChannel: {
        interactionSid: channel.interaction_sid,
        channelSid: channel.sid,
        status: 'active',
        type: 'sms',
      },
    });
  });

  it('says when the conversation was deleted', async () => {
    const { gateway, deps } = setup();
    const { task } = gateway.addMessagingTask({}, null);
    expect(await inspectTask(deps, task.sid)).toMatchObject({
      verdict: 'stuck',
      conversation: { state: null, dateClosed: null },
    });
  });
});

describe('close', () => {
  it('closes the interaction channel of an assigned task, its status never through the Task API, and reports it completed', async () => {
    const { gateway, log, close } = setup();
    const { task, conversation, channel } = gateway.addMessagingTask({ assignment_status: 'assigned' });
    const etag = (await gateway.fetchTask(task.sid))?.etag;
    const results = await close([task.sid]);
    expect(results).toEqual([
      {
        taskSid: task.sid,
        outcome: 'completed',
        message: `Now completed: its interaction channel ${channel.sid} was closed (was assigned; conversation closed).`,
      },
    ]);
    expect(gateway.channelCloses).toEqual([{ interactionSid: channel.interaction_sid, channelSid: channel.sid }]);
    // No status change and no Reason through the Task API; only the closure marker, with If-Match.
    expect(gateway.updates).toEqual([]);
    expect(gateway.counts.updateTask).toBe(0);
    expect(gateway.attributeUpdates).toEqual([
      {
        taskSid: task.sid,
        ifMatch: etag,
        attributes: withClosureMarker(task.attributes, {
          reason: `${testSettings().closeReason} Closed by ann@example.com.`,
          closedBy: 'ann@example.com',
          at: new Date(NOW_MS).toISOString(),
          channelSid: channel.sid,
        }),
      },
    ]);
    expect(log).toEqual([
      {
        event: 'task_closed',
        identity: 'ann@example.com',
        taskSid: task.sid,
        fromStatus: 'assigned',
        action: 'close_interaction',
        kind: 'conversation_closed',
        conversationSid: conversation?.sid,
        conversationState: 'closed',
        interactionSid: channel.interaction_sid,
        interactionChannelSid: channel.sid,
        became: 'completed',
        channelUpdate: 'updated',
        closureMarker: true,
        forced: false,
      },
    ]);
  });

  it('re-checks when the task changed since the re-check (412 on the marker), then closes', async () => {
    const { gateway, close } = setup();
    const { task } = gateway.addMessagingTask({ assignment_status: 'assigned' });
    let changes = 1;
    gateway.beforeAttributesUpdate = (taskSid) => {
      // A supervisor edits an attribute between the re-check and the marker.
      if (changes-- > 0)
        gateway.mutateTask(taskSid, { attributes: JSON.stringify({ ...JSON.parse(task.attributes!), vip: true }) });
    };
    const [result] = await close([task.sid]);
    expect(result.outcome).toBe('completed');
    expect(gateway.counts.updateTaskAttributes).toBe(2);
    expect(gateway.attributeUpdates).toHaveLength(1);
    // The marker went into the attributes as they were after the change.
    expect(JSON.parse(gateway.attributeUpdates[0].attributes)).toMatchObject({ vip: true, stuckTasksClosure: {} });
    expect(gateway.channelCloses).toHaveLength(1);
  });

  it('leaves a task that keeps changing (412 twice) as it is: no channel close', async () => {
    const { gateway, close } = setup();
    const { task } = gateway.addMessagingTask({ assignment_status: 'assigned' });
    gateway.beforeAttributesUpdate = (taskSid) => gateway.mutateTask(taskSid, {});
    const [result] = await close([task.sid]);
    expect(result).toMatchObject({ outcome: 'failed', message: expect.stringMatching(/kept changing/) });
    expect(gateway.channelCloses).toEqual([]);
  });

  it('closes without a marker when Twilio refuses the attributes; the log says so', async () => {
    const { gateway, log, close } = setup();
    const refused = gateway.addMessagingTask({ assignment_status: 'assigned' }).task;
    gateway.updateTaskAttributes = async () => ({
      kind: 'rejected',
      twilioCode: 20001,
      message: 'Attributes too long',
    });
    const [result] = await close([refused.sid]);
    expect(result.outcome).toBe('completed');
    expect(gateway.channelCloses).toHaveLength(1);
    expect(log).toEqual([expect.objectContaining({ taskSid: refused.sid, closureMarker: false })]);
    expect(gateway.tasks.get(refused.sid)?.task.attributes).toBe(refused.attributes);
  });

  it('reports a pending task Flex left open as failed, with what it is now; canceled when Flex cancels it', async () => {
    const { gateway, close } = setup();
    const leftOpen = gateway.addMessagingTask({ assignment_status: 'pending' }).task;
    const [result] = await close([leftOpen.sid]);
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(
      /was closed, but the task is still pending\. Look at it in Flex; the Task API was not used\./,
    );

    gateway.channelCloseEffect = () => 'canceled';
    const reserved = gateway.addMessagingTask({ assignment_status: 'reserved' }, null).task;
    const [canceled] = await close([reserved.sid]);
    expect(canceled).toMatchObject({ outcome: 'canceled', message: expect.stringMatching(/conversation deleted/) });
    expect(gateway.counts.updateTask).toBe(0);
  });

  it('re-checks task, conversation and channel just before: refuses a reopened conversation or a paused channel', async () => {
    const { gateway, close } = setup();
    const reopened = gateway.addMessagingTask({ assignment_status: 'assigned' });
    const paused = gateway.addMessagingTask({ assignment_status: 'assigned' });
    const accepted = gateway.addMessagingTask({ assignment_status: 'pending' });
    // Between the scan and the close: the customer writes again, the agent parks the channel, the task is accepted.
    (reopened.conversation as { state: string }).state = 'active';
    paused.channel.status = 'pause';
    gateway.mutateTask(accepted.task.sid, { assignment_status: 'assigned' });

    const results = await close([reopened.task.sid, paused.task.sid, accepted.task.sid]);
    expect(results.map((result) => result.outcome)).toEqual(['not_stuck', 'not_stuck', 'completed']);
    expect(results[0].message).toBe(`Not closed: its conversation ${reopened.conversation?.sid} is still active.`);
    expect(results[1].message).toBe(`Not closed: its interaction channel ${paused.channel.sid} is paused.`);
    expect(results[2].message).toMatch(/was assigned/);
    expect(gateway.channelCloses.map((entry) => entry.channelSid)).toEqual([accepted.channel.sid]);
  });

  it('never closes a messaging task that needs review, even with force; with MESSAGING off, not at all', async () => {
    const { gateway, close } = setup();
    const closedChannel = gateway.addMessagingTask({ assignment_status: 'assigned' }, {}, { status: 'closed' }).task;
    const [forced] = await close([closedChannel.sid], true);
    expect(forced.outcome).toBe('not_stuck');
    expect(forced.message).toMatch(/interaction channel is already closed or unknown.*even with force/);

    const off = setup(testSettings({ messaging: false }));
    const task = off.gateway.addMessagingTask({ assignment_status: 'assigned' }).task;
    const [skipped] = await off.close([task.sid], true);
    expect(skipped).toMatchObject({ outcome: 'not_stuck', message: expect.stringMatching(/MESSAGING=off/) });
    expect(gateway.channelCloses).toEqual([]);
    expect(off.gateway.channelCloses).toEqual([]);
  });

  it('reports a refused channel close with Twilio message, the task still open', async () => {
    const { gateway, close } = setup();
    const { task } = gateway.addMessagingTask({ assignment_status: 'assigned' });
    gateway.closeInteractionChannel = async () => ({
      kind: 'rejected',
      status: 400,
      twilioCode: 20001,
      message: 'Channel cannot be closed',
    });
    const [result] = await close([task.sid]);
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(
      /was not closed, but the task is still assigned\. Twilio refused the channel close \(400, code 20001: Channel cannot be closed\)/,
    );
  });
});
