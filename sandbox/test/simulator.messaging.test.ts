import type { ConversationView, InteractionChannelView, Simulator, TaskView } from '../src/simulator';
import { startSimulator } from '../src/simulator';
import { control, twilio } from './simulator-client';

/** Conversations and Flex interaction channels: states, timers, 404s, the channel update's semantics, the rate limit. */
describe('simulator: conversations and interaction channels', () => {
  let sim: Simulator;
  const now = Date.parse('2026-03-01T12:00:00Z');
  // The Interactions rate limit's second, moved by the tests only.
  let rateMs = 0;

  beforeAll(async () => {
    sim = await startSimulator({
      seed: 'messaging',
      clock: () => now,
      rateClock: () => rateMs,
      scenario: { openTasks: 0 },
    });
  });
  afterAll(() => sim.stop());
  afterEach(() => {
    sim.configure({ channelCloseCancelsUnassigned: false, interactionsPerSecond: 20 });
    // Each test starts on a fresh second of the rate limit.
    rateMs += 10_000;
  });

  const channelPath = (task: TaskView) =>
    `/v1/Interactions/${task.interactionSid}/Channels/${task.interactionChannelSid}`;
  const closeChannel = (task: TaskView, form: Record<string, string>) =>
    twilio(sim, 'POST', channelPath(task), { form });

  it('answers a conversation with its state and timers; 404 once deleted', async () => {
    const task = sim.addMessagingTask({ closedSecondsAgo: 600 });
    const fetched = await twilio(sim, 'GET', `/v1/Conversations/${task.conversationSid}`);
    expect(fetched.body).toMatchObject({
      sid: task.conversationSid,
      state: 'closed',
      timers: { date_closed: '2026-03-01T11:50:00Z' },
    });
    sim.setConversationState(task.conversationSid!, 'active');
    const reopened = await twilio(sim, 'GET', `/v1/Conversations/${task.conversationSid}`);
    expect(reopened.body).toMatchObject({ state: 'active', timers: {} });
    expect(sim.deleteConversation(task.conversationSid!)).toBe(true);
    expect((await twilio(sim, 'GET', `/v1/Conversations/${task.conversationSid}`)).status).toBe(404);
    expect(sim.getTask(task.sid)).toMatchObject({ conversationState: 'deleted', verdict: 'stuck' });
  });

  it('answers a channel only under its own interaction', async () => {
    const task = sim.addMessagingTask();
    expect((await twilio(sim, 'GET', channelPath(task))).body).toMatchObject({ status: 'active', type: 'sms' });
    const other = sim.addMessagingTask();
    const mixed = `/v1/Interactions/${other.interactionSid}/Channels/${task.interactionChannelSid}`;
    expect((await twilio(sim, 'GET', mixed)).status).toBe(404);
  });

  it('closing with Routing closed completes assigned and wrapping tasks, closes the conversation, and leaves pending ones', async () => {
    const assigned = sim.addMessagingTask({ assignmentStatus: 'assigned', conversationState: 'inactive' });
    const pending = sim.addMessagingTask({ assignmentStatus: 'pending' });
    const routing = JSON.stringify({ status: 'closed' });
    expect((await closeChannel(assigned, { Status: 'closed', Routing: routing })).body).toMatchObject({
      status: 'closed',
    });
    expect(sim.getTask(assigned.sid)).toMatchObject({ assignmentStatus: 'completed', conversationState: 'closed' });
    expect((await closeChannel(pending, { Status: 'closed', Routing: routing })).status).toBe(200);
    // The conservative reading of what Twilio does not document: a pending task is left as it is.
    expect(sim.getTask(pending.sid)?.assignmentStatus).toBe('pending');
    const log = sim.channelUpdateLog();
    expect(log.at(-2)).toMatchObject({
      channelSid: assigned.interactionChannelSid,
      routingStatus: 'closed',
      tasks: [{ from: 'assigned', to: 'completed' }],
    });
    expect(log.at(-1)).toMatchObject({ tasks: [{ from: 'pending', to: null }] });
    expect(sim.updateLog().at(-1)).toMatchObject({
      taskSid: assigned.sid,
      viaChannelSid: assigned.interactionChannelSid,
      ifMatch: null,
    });
  });

  it('takes an attributes-only update with If-Match (412 when stale) without moving the task, and the event of a later channel close carries those attributes', async () => {
    const task = sim.addMessagingTask({ assignmentStatus: 'assigned' });
    const taskPath = `/v1/Workspaces/${sim.workspaceSid}/Tasks/${task.sid}`;
    const fetched = await twilio(sim, 'GET', taskPath);
    const etag = fetched.headers.get('etag')!;
    const marked = JSON.stringify({
      ...JSON.parse(task.attributes),
      stuckTasksClosure: { reason: 'R. Closed by ada.' },
    });
    const since = sim.updateLog().at(-1)?.seq ?? 0;
    const stale = await twilio(sim, 'POST', taskPath, {
      form: { Attributes: marked },
      headers: { 'If-Match': '"999"' },
    });
    expect(stale.status).toBe(412);
    const written = await twilio(sim, 'POST', taskPath, {
      form: { Attributes: marked },
      headers: { 'If-Match': etag },
    });
    expect(written.status).toBe(200);
    expect(sim.getTask(task.sid)).toMatchObject({ assignmentStatus: 'assigned', attributes: marked, reason: null });
    // No status change: nothing in the update log, a task.updated event.
    expect(sim.updateLog(since)).toEqual([]);
    expect(sim.listEvents({ type: 'task.updated' }).at(-1)).toMatchObject({ taskSid: task.sid });

    await closeChannel(task, { Status: 'closed', Routing: JSON.stringify({ status: 'closed' }) });
    const completed = await twilio<{ events: { event_data: Record<string, unknown> }[] }>(
      sim,
      'GET',
      `/v1/Workspaces/${sim.workspaceSid}/Events?EventType=task.completed&TaskSid=${task.sid}&Minutes=5`,
    );
    expect(completed.body.events).toHaveLength(1);
    expect(completed.body.events[0].event_data).toMatchObject({
      task_attributes: marked,
      task_completed_reason: null,
      task_assignment_status: 'completed',
    });
  });

  it('the other reading on request: a channel close cancels its reserved task', async () => {
    sim.configure({ channelCloseCancelsUnassigned: true });
    const reserved = sim.addMessagingTask({ assignmentStatus: 'reserved' });
    await closeChannel(reserved, { Status: 'closed', Routing: JSON.stringify({ status: 'closed' }) });
    expect(sim.getTask(reserved.sid)?.assignmentStatus).toBe('canceled');
  });

  it('without Routing an assigned task goes to wrapping; inactive needs Routing closed; other values are refused', async () => {
    const assigned = sim.addMessagingTask({ assignmentStatus: 'assigned' });
    expect((await closeChannel(assigned, { Status: 'inactive' })).status).toBe(400);
    expect((await closeChannel(assigned, { Status: 'pause' })).status).toBe(400);
    expect((await closeChannel(assigned, { Status: 'closed', Routing: '{"status":"open"}' })).status).toBe(400);
    expect((await closeChannel(assigned, { Status: 'closed', Routing: 'not json' })).status).toBe(400);
    expect(sim.getTask(assigned.sid)?.assignmentStatus).toBe('assigned');
    expect((await closeChannel(assigned, { Status: 'closed' })).status).toBe(200);
    expect(sim.getTask(assigned.sid)?.assignmentStatus).toBe('wrapping');
  });

  it('a paused or transferred channel keeps its task active in the oracle; closed, it needs review', () => {
    const paused = sim.addMessagingTask();
    sim.setInteractionChannelStatus(paused.interactionChannelSid!, 'pause');
    expect(sim.getTask(paused.sid)).toMatchObject({ verdict: 'active', interactionChannelStatus: 'pause' });
    sim.setInteractionChannelStatus(paused.interactionChannelSid!, 'closed');
    expect(sim.getTask(paused.sid)).toMatchObject({ verdict: 'needs_review', problem: 'interaction_closed' });
    const bare = sim.addMessagingTask({ interaction: false });
    expect(sim.getTask(bare.sid)).toMatchObject({ verdict: 'needs_review', problem: 'no_interaction' });
    const settling = sim.addMessagingTask({ closedSecondsAgo: 30 });
    expect(sim.getTask(settling.sid)?.verdict).toBe('active');
  });

  it('answers 429 above interactionsPerSecond requests to one endpoint within a second', async () => {
    sim.configure({ interactionsPerSecond: 3 });
    const task = sim.addMessagingTask();
    const statuses = async (count: number) => {
      const replies: number[] = [];
      for (let i = 0; i < count; i += 1) replies.push((await twilio(sim, 'GET', channelPath(task))).status);
      return replies;
    };
    expect(await statuses(5)).toEqual([200, 200, 200, 429, 429]);
    // The other endpoint keeps its own count.
    expect((await closeChannel(task, { Status: 'closed', Routing: '{"status":"closed"}' })).status).toBe(200);
    rateMs += 999;
    expect(await statuses(1)).toEqual([429]);
    rateMs += 1;
    expect(await statuses(3)).toEqual([200, 200, 200]);
    expect(sim.stats().rateLimited).toBeGreaterThanOrEqual(3);
  });

  describe('over /_sim', () => {
    it('creates a messaging case and reads its conversation and channel', async () => {
      const created = await control<TaskView>(sim, 'POST', '/messaging-tasks', {
        assignmentStatus: 'reserved',
        channelType: 'whatsapp',
        closedSecondsAgo: 900,
      });
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({
        assignmentStatus: 'reserved',
        verdict: 'stuck',
        conversationState: 'closed',
      });
      const task = created.body;
      const conversation = await control<ConversationView>(sim, 'GET', `/conversations/${task.conversationSid}`);
      expect(conversation.body).toMatchObject({
        sid: task.conversationSid,
        state: 'closed',
        dateClosed: '2026-03-01T11:45:00.000Z',
      });
      const channel = await control<InteractionChannelView>(
        sim,
        'GET',
        `/interaction-channels/${task.interactionChannelSid}`,
      );
      expect(channel.body).toEqual({
        sid: task.interactionChannelSid,
        interactionSid: task.interactionSid,
        type: 'whatsapp',
        status: 'active',
        conversationSid: task.conversationSid,
        dateUpdated: '2026-03-01T12:00:00.000Z',
        openTaskSids: [task.sid],
      });
    });

    it('shows a channel closed through the API in the channel and its update log, the task left as it was', async () => {
      const task = (await control<TaskView>(sim, 'POST', '/messaging-tasks', { assignmentStatus: 'pending' })).body;
      const before = sim.channelUpdateLog().at(-1)?.seq ?? 0;
      await closeChannel(task, { Status: 'closed', Routing: JSON.stringify({ status: 'closed' }) });
      const channel = await control<InteractionChannelView>(
        sim,
        'GET',
        `/interaction-channels/${task.interactionChannelSid}`,
      );
      expect(channel.body).toMatchObject({ status: 'closed', openTaskSids: [task.sid] });
      const updates = await control<{ updates: unknown[] }>(sim, 'GET', `/channel-updates?since=${before}`);
      expect(updates.body.updates).toEqual([
        expect.objectContaining({
          channelSid: task.interactionChannelSid,
          from: 'active',
          to: 'closed',
          routingStatus: 'closed',
          tasks: [{ taskSid: task.sid, from: 'pending', to: null }],
        }),
      ]);
      expect((await control(sim, 'GET', `/conversations/${task.conversationSid}`)).body).toMatchObject({
        state: 'closed',
      });
    });

    it('changes a conversation and a channel as customers and agents do, and deletes a conversation', async () => {
      const task = sim.addMessagingTask();
      const reopened = await control<ConversationView>(sim, 'POST', `/conversations/${task.conversationSid}/state`, {
        state: 'active',
      });
      expect(reopened.body).toMatchObject({ state: 'active', dateClosed: null });
      expect(sim.getTask(task.sid)?.verdict).toBe('active');
      const closed = await control<ConversationView>(sim, 'POST', `/conversations/${task.conversationSid}/state`, {
        state: 'closed',
        closedSecondsAgo: 120,
      });
      expect(closed.body.dateClosed).toBe('2026-03-01T11:58:00.000Z');
      const paused = await control<InteractionChannelView>(
        sim,
        'POST',
        `/interaction-channels/${task.interactionChannelSid}/status`,
        { status: 'pause' },
      );
      expect(paused.body.status).toBe('pause');
      expect(sim.getTask(task.sid)).toMatchObject({ verdict: 'active', interactionChannelStatus: 'pause' });
      expect((await control(sim, 'DELETE', `/conversations/${task.conversationSid}`)).body).toEqual({ deleted: true });
      expect((await control(sim, 'GET', `/conversations/${task.conversationSid}`)).status).toBe(404);
      expect(sim.getTask(task.sid)?.conversationState).toBe('deleted');
    });

    it('refuses unknown conversations and channels, missing and bad values', async () => {
      const task = sim.addMessagingTask();
      expect((await control(sim, 'GET', '/conversations/CHunknown')).status).toBe(404);
      expect((await control(sim, 'GET', '/interaction-channels/UOunknown')).status).toBe(404);
      expect((await control(sim, 'POST', '/interaction-channels/UOunknown/status', { status: 'pause' })).status).toBe(
        404,
      );
      const path = `/conversations/${task.conversationSid}/state`;
      expect((await control(sim, 'POST', path, {})).status).toBe(400);
      expect((await control(sim, 'POST', path, { state: 'gone' })).status).toBe(400);
      const statusPath = `/interaction-channels/${task.interactionChannelSid}/status`;
      expect((await control(sim, 'POST', statusPath, { status: 'wobbly' })).status).toBe(400);
      expect(sim.getTask(task.sid)).toMatchObject({ conversationState: 'closed', interactionChannelStatus: 'active' });
    });

    it('refuses a request without the control secret', async () => {
      const task = sim.addMessagingTask();
      const reply = await twilio(sim, 'GET', `/_sim/interaction-channels/${task.interactionChannelSid}`, {
        auth: null,
        headers: { Origin: 'http://example.com' },
      });
      expect(reply.status).toBe(403);
    });
  });
});
