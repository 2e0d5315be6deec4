import { ControlError } from './control-error';
import { SANDBOX_USERS } from './defaults';
import type { SandboxUserName } from './defaults';
import type {
  AssignmentStatus,
  CallFetchLogEntry,
  CallStatus,
  ChannelUpdateLogEntry,
  ConversationState,
  MessagingFetchLogEntry,
  InteractionChannelStatus,
  SimCall,
  SimTask,
  TaskKind,
  UpdateLogEntry,
} from './model';
import { CONVERSATION_STATES, INTERACTION_CHANNEL_STATUSES } from '@plugin-stuck-tasks/contract';
import { ASSIGNMENT_STATUSES, CALL_STATUSES, ENDED_CALL_STATUSES, LIVE_CALL_STATUSES } from './model';
import type { Random } from './random';
import { createRandom } from './random';
import { isoDate } from './render';
import type { ScenarioOptions, SeedSummary } from './scenario';
import { seedScenario, sid } from './scenario';
import { SimStore, isClosed } from './store';
import type { JudgedLeg, OracleJudgement, OracleVerdict } from './oracle';
import { judgeTask } from './oracle';
import { primaryFirst } from './legs';
import type { SuspectKind } from '@plugin-stuck-tasks/contract';
import type { RuntimeOptions } from './runtime-options';
import { DEFAULT_RUNTIME_OPTIONS, validateRuntimeOptions } from './runtime-options';
import { OtherTraffic } from './other-traffic';
import type { RequestKind, SimulatorStats } from './stats';
import { emptyStats } from './stats';
import type {
  AddCallInput,
  AddMessagingTaskInput,
  AddTaskInput,
  CallView,
  ConversationView,
  InteractionChannelView,
  LegView,
  StateSummary,
  TaskView,
} from './views';
import type { TokenUser, TokenValidationResult } from './tokens';
import type { AddClosureInput, EventView } from './history';
import { addClosure, eventView, seedHistory } from './history';
import type { AddConversationInput } from './orphans';
import { addConversation, seedOrphanConversations } from './orphans';
import { issueFlexToken, validateFlexToken } from './tokens';

/** State, knobs and statistics shared by the Twilio API, the control API and the in-process API. */
export class SimulatorCore {
  store: SimStore;
  config: RuntimeOptions;
  seed: string;
  scenario: ScenarioOptions;
  seedSummary: SeedSummary;
  faultRng: Random;
  stats: SimulatorStats = emptyStats();
  /** API key pairs accepted for Basic auth besides the account SID and auth token. */
  apiKeys: { sid: string; secret: string }[] = [];
  private opRng: Random;
  private otherTraffic: OtherTraffic;
  /** What the Interactions rate limit counts its second by: real time, not `now` (a test's manual clock). */
  rateClock: () => number = () => performance.now();
  /** Real-time starts of the recent Interactions requests, by kind (the per-endpoint rate limit). */
  private readonly interactionStarts = new Map<RequestKind, number[]>();

  constructor(
    readonly accountSid: string,
    readonly authToken: string,
    readonly workspaceSid: string,
    readonly now: () => number,
    seed: number | string,
    scenario: ScenarioOptions,
    config: Partial<RuntimeOptions>,
  ) {
    this.config = validateRuntimeOptions({ ...DEFAULT_RUNTIME_OPTIONS, ...config });
    this.seed = String(seed);
    this.scenario = scenario;
    this.otherTraffic = new OtherTraffic(now());
    this.faultRng = createRandom(`${this.seed}:faults`);
    this.opRng = createRandom(`${this.seed}:control`);
    const { store, summary } = this.build(this.seed, scenario);
    this.store = store;
    this.seedSummary = summary;
  }

  reset(seed: number | string | undefined, scenario: ScenarioOptions | undefined): SeedSummary {
    this.seed = seed === undefined ? this.seed : String(seed);
    this.scenario = scenario ?? this.scenario;
    const { store, summary } = this.build(this.seed, this.scenario);
    this.store = store;
    this.seedSummary = summary;
    this.faultRng = createRandom(`${this.seed}:faults`);
    this.opRng = createRandom(`${this.seed}:control`);
    this.resetStats();
    return summary;
  }

  resetStats(): void {
    this.advanceOtherTraffic();
    const inFlight = this.stats.inFlight;
    this.stats = emptyStats();
    this.stats.inFlight = inFlight;
    this.otherTraffic.resetCounts();
    this.stats.otherTraffic = this.otherTraffic.stats();
  }

  /**
   * Brings the other traffic up to `now()`: its arrivals (admitted or refused against this tool's
   * requests in flight) and completions. Called on every Twilio request and answer, by a timer while
   * the server runs, and by tests that move their clock.
   */
  advanceOtherTraffic(): void {
    const { otherTrafficMean, otherTrafficSwing, otherTrafficPeriodMs, otherTrafficLatencyMs } = this.config;
    this.otherTraffic.advance(
      this.now(),
      {
        mean: otherTrafficMean,
        swing: otherTrafficSwing,
        periodMs: otherTrafficPeriodMs,
        latencyMs: otherTrafficLatencyMs,
      },
      this.stats.inFlight,
      this.config.concurrencyLimit,
    );
    this.stats.otherTraffic = this.otherTraffic.stats();
  }

  /**
   * Whether an Interactions API request now would be over `interactionsPerSecond` for its endpoint
   * (counted over the last second of real time, so tests on a manual clock are not stuck at the limit).
   * Counts the request when it is admitted.
   */
  overInteractionsRate(kind: RequestKind): boolean {
    const limit = this.config.interactionsPerSecond;
    if (limit === null || (kind !== 'interactions.channels.fetch' && kind !== 'interactions.channels.update')) {
      return false;
    }
    const now = this.rateClock();
    const starts = (this.interactionStarts.get(kind) ?? []).filter((at) => now - at < 1000);
    const over = starts.length >= limit;
    if (!over) starts.push(now);
    this.interactionStarts.set(kind, starts);
    return over;
  }

  /** The account's requests in flight now, the other traffic's included: `Twilio-Concurrent-Requests`. */
  accountInFlight(): number {
    this.advanceOtherTraffic();
    return this.stats.inFlight + this.otherTraffic.inFlight;
  }

  /** The statistics, the other traffic brought up to now. */
  currentStats(): SimulatorStats {
    this.advanceOtherTraffic();
    return this.stats;
  }

  configure(partial: Partial<RuntimeOptions>): RuntimeOptions {
    this.config = validateRuntimeOptions({ ...this.config, ...partial });
    return { ...this.config };
  }

  /** Closed tasks past their TTL disappear before anything reads the state. */
  expire(): void {
    this.store.expireClosedTasks(this.now(), this.config.closedTaskTtlMs);
  }

  hidesAttributesInLists(task: SimTask): boolean {
    const setting = this.config.nullAttributesInLists;
    if (typeof setting === 'boolean') return setting;
    return parseInt(task.sid.slice(-8), 16) / 0x100000000 < setting;
  }

  issueToken(user: TokenUser): string {
    return issueFlexToken(this.authToken, this.accountSid, user, this.now());
  }

  issueSandboxToken(name: SandboxUserName, ttlSeconds?: number): string {
    const user = SANDBOX_USERS[name];
    if (!user) throw new ControlError(404, `Unknown sandbox user ${String(name)}; use admin, supervisor or agent`);
    return this.issueToken({
      identity: user.identity,
      realmUserId: user.realmUserId,
      roles: user.roles,
      workerSid: user.workerSid,
      ttlSeconds,
    });
  }

  validateToken(token: unknown): TokenValidationResult {
    return validateFlexToken(this.authToken, this.accountSid, token, this.now());
  }

  // ---- views -------------------------------------------------------------------------------

  taskView(task: SimTask): TaskView {
    const legs = this.legsOf(task);
    const judged = this.judge(task);
    const ends = legs.flatMap((leg) => (leg.call?.endTime != null ? [leg.call.endTime] : []));
    const legViews: LegView[] = legs.map((leg) => ({
      role: leg.role,
      callSid: leg.callSid,
      status: leg.call?.status ?? null,
      endedAt: leg.call?.endTime != null ? new Date(leg.call.endTime).toISOString() : null,
    }));
    return {
      sid: task.sid,
      assignmentStatus: task.assignmentStatus,
      channel: task.channel,
      taskQueueSid: task.taskQueueSid,
      taskQueueName: task.taskQueueName,
      attributes: task.attributes,
      callSid: legs[0]?.callSid ?? null,
      callStatus: legs[0]?.call?.status ?? null,
      callEndedAt: ends.length > 0 ? new Date(Math.max(...ends)).toISOString() : null,
      legs: legViews,
      dateCreated: isoDate(task.dateCreated),
      dateUpdated: isoDate(task.dateUpdated),
      closedAt: task.closedAt === null ? null : new Date(task.closedAt).toISOString(),
      etag: this.store.etag(task),
      reason: task.reason,
      priority: task.priority,
      kind: task.kind,
      ...this.messagingView(task),
      ...judged,
      reservations: task.reservations.map((r) => ({
        sid: r.sid,
        workerSid: r.workerSid,
        workerName: r.workerName,
        status: r.status,
      })),
    };
  }

  /** A messaging task's conversation and channel as they are now (all null for voice). */
  messagingView(
    task: SimTask,
  ): Pick<
    TaskView,
    'conversationSid' | 'conversationState' | 'interactionSid' | 'interactionChannelSid' | 'interactionChannelStatus'
  > {
    const refs = task.messaging;
    const channel =
      refs?.interactionSid && refs.channelSid ? this.store.channelOf(refs.interactionSid, refs.channelSid) : undefined;
    return {
      conversationSid: refs?.conversationSid ?? null,
      conversationState: refs ? (this.store.conversations.get(refs.conversationSid)?.state ?? 'deleted') : null,
      interactionSid: refs?.interactionSid ?? null,
      interactionChannelSid: refs?.channelSid ?? null,
      interactionChannelStatus: channel?.status ?? null,
    };
  }

  // ---- messaging mutations (customers, agents and Flex acting behind the product's back) -----

  /**
   * A conversation changes state (`closedSecondsAgo` backdates a close). Reopening one (inactive →
   * active, as a customer writing again) clears its `date_closed`.
   */
  setConversationState(conversationSid: string, state: ConversationState, closedSecondsAgo = 0): void {
    if (!CONVERSATION_STATES.includes(state)) {
      throw new ControlError(400, `setConversationState: unknown state ${state} (${CONVERSATION_STATES.join(', ')})`);
    }
    const conversation = this.store.conversations.get(conversationSid);
    if (!conversation) throw new ControlError(404, `No conversation ${conversationSid}`);
    const now = this.now();
    conversation.state = state;
    conversation.dateUpdated = now;
    if (state === 'closed') conversation.dateClosed = now - Math.max(0, closedSecondsAgo) * 1000;
    else conversation.dateClosed = null;
    if (state === 'inactive') conversation.dateInactive = now;
  }

  /** A conversation no task names (a reverse orphan when going and idle); returns its SID. */
  addConversation(input: AddConversationInput = {}): string {
    return addConversation(this.store, this.opRng, input, this.now());
  }

  /** Deletes a conversation: it answers 404 from now on. */
  deleteConversation(conversationSid: string): boolean {
    return this.store.conversations.delete(conversationSid);
  }

  /** An agent pauses or transfers the channel, or Flex closes it, without the Interactions API's side effects. */
  setInteractionChannelStatus(channelSid: string, status: InteractionChannelStatus): void {
    if (!INTERACTION_CHANNEL_STATUSES.includes(status)) {
      throw new ControlError(400, `setInteractionChannelStatus: unknown status ${status}`);
    }
    const channel = this.store.interactionChannels.get(channelSid);
    if (!channel) throw new ControlError(404, `No interaction channel ${channelSid}`);
    channel.status = status;
    channel.dateUpdated = this.now();
  }

  /**
   * Adds a messaging task with its conversation (closed `closedSecondsAgo` ago, or in `conversationState`)
   * and its interaction channel (`channelStatus`, default active); `interaction: false` leaves the
   * attributes without interaction SIDs.
   */
  addMessagingTask(input: AddMessagingTaskInput = {}): TaskView {
    const now = this.now();
    const conversationSid = sid(this.opRng, 'CH');
    const interactionSid = sid(this.opRng, 'KD');
    const channelSid = sid(this.opRng, 'UO');
    const state = input.conversationState ?? 'closed';
    const closedAt = now - Math.max(0, input.closedSecondsAgo ?? 600) * 1000;
    if (input.conversationState !== 'deleted') {
      this.store.conversations.set(conversationSid, {
        sid: conversationSid,
        state: state === 'deleted' ? 'closed' : state,
        friendlyName: 'Conversation with +15550000000',
        chatServiceSid: sid(this.opRng, 'IS'),
        dateCreated: now - 3_600_000,
        dateUpdated: state === 'closed' ? closedAt : now,
        dateClosed: state === 'closed' ? closedAt : null,
        dateInactive: state === 'inactive' ? now : null,
      });
    }
    this.store.interactionChannels.set(channelSid, {
      sid: channelSid,
      interactionSid,
      type: input.channelType ?? 'sms',
      status: input.channelStatus ?? 'active',
      conversationSid,
      errorCode: null,
      errorMessage: null,
      dateUpdated: now,
    });
    const attributes = JSON.stringify({
      channelType: input.channelType ?? 'sms',
      conversationSid,
      direction: 'inbound',
      from: '+15550000000',
      ...(input.interaction === false
        ? {}
        : { flexInteractionSid: interactionSid, flexInteractionChannelSid: channelSid }),
    });
    return this.addTask({
      channel: input.channel ?? 'sms',
      assignmentStatus: input.assignmentStatus,
      attributes,
      ageSeconds: input.ageSeconds ?? 3_700,
      workerSid: input.workerSid,
      updatedSecondsAgo: input.updatedSecondsAgo,
      taskQueueName: input.taskQueueName,
    });
  }

  /** A conversation as the store holds it; null when deleted or unknown. */
  getConversation(conversationSid: string): ConversationView | null {
    const conversation = this.store.conversations.get(conversationSid);
    if (!conversation) return null;
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      sid: conversation.sid,
      state: conversation.state,
      friendlyName: conversation.friendlyName,
      dateCreated: new Date(conversation.dateCreated).toISOString(),
      dateUpdated: new Date(conversation.dateUpdated).toISOString(),
      dateClosed: iso(conversation.dateClosed),
      dateInactive: iso(conversation.dateInactive),
    };
  }

  /** An interaction channel (by its UO SID) and the open tasks naming it; null when unknown. */
  getInteractionChannel(channelSid: string): InteractionChannelView | null {
    const channel = this.store.interactionChannels.get(channelSid);
    if (!channel) return null;
    return {
      sid: channel.sid,
      interactionSid: channel.interactionSid,
      type: channel.type,
      status: channel.status,
      conversationSid: channel.conversationSid,
      dateUpdated: new Date(channel.dateUpdated).toISOString(),
      openTaskSids: this.store.tasksOfChannel(channel.sid).map((task) => task.sid),
    };
  }

  messagingFetchLog(sinceSeq = 0): MessagingFetchLogEntry[] {
    return this.store.messagingFetchLog.filter((entry) => entry.seq > sinceSeq).map((entry) => ({ ...entry }));
  }

  channelUpdateLog(sinceSeq = 0): ChannelUpdateLogEntry[] {
    return this.store.channelUpdateLog.filter((entry) => entry.seq > sinceSeq).map((entry) => structuredClone(entry));
  }

  callView(call: SimCall): CallView {
    return {
      sid: call.sid,
      status: call.status,
      direction: call.direction,
      from: call.from,
      to: call.to,
      dateCreated: new Date(call.dateCreated).toISOString(),
      startTime: call.startTime === null ? null : new Date(call.startTime).toISOString(),
      endTime: call.endTime === null ? null : new Date(call.endTime).toISOString(),
    };
  }

  /** The task's legs, the primary first, each with the account's call for it (undefined: none). */
  legsOf(task: SimTask): JudgedLeg[] {
    return primaryFirst(task.legs).map((leg) => ({ ...leg, call: this.store.calls.get(leg.callSid) }));
  }

  /** The simulator's oracle (oracle.ts) with this run's clock, grace period and wrap-up limit. */
  judge(task: SimTask): OracleJudgement {
    const refs = task.messaging;
    return judgeTask(
      task,
      this.legsOf(task),
      {
        nowMs: this.now(),
        graceSeconds: this.config.graceSeconds,
        wrapupOverdueMinutes: this.config.wrapupOverdueMinutes,
        messaging: this.config.messaging,
      },
      refs === null
        ? undefined
        : {
            conversation: this.store.conversations.get(refs.conversationSid),
            channel:
              refs.interactionSid === null || refs.channelSid === null
                ? undefined
                : this.store.channelOf(refs.interactionSid, refs.channelSid),
          },
    );
  }

  summary(): StateSummary {
    this.expire();
    const tasksByStatus = Object.fromEntries(
      ASSIGNMENT_STATUSES.map((status) => [status, this.store.taskIndex.count(status)]),
    ) as Record<AssignmentStatus, number>;
    const callsByStatus = Object.fromEntries(
      CALL_STATUSES.map((status) => [status, this.store.callIndex.count(status)]),
    ) as Record<CallStatus, number>;
    const verdicts: Record<OracleVerdict, number> = {
      stuck: 0,
      needs_review: 0,
      active: 0,
      not_voice: 0,
      wrapping: 0,
      closed: 0,
    };
    const stuckByKind: Record<SuspectKind, number> = { call_ended: 0, wrapup_overdue: 0, conversation_closed: 0 };
    for (const task of this.store.tasks.values()) {
      const judged = this.judge(task);
      verdicts[judged.verdict] += 1;
      if (judged.stuckKind) stuckByKind[judged.stuckKind] += 1;
    }
    return {
      accountSid: this.accountSid,
      workspaceSid: this.workspaceSid,
      seed: this.seed,
      tasks: this.store.taskCount,
      tasksByStatus,
      callsByStatus,
      verdicts,
      stuckByKind,
      taskQueues: this.store.queues.map((q) => ({ ...q })),
      workers: this.store.workers.map((w) => ({ ...w })),
      updates: this.store.updateLog.length,
      config: { ...this.config },
    };
  }

  listTasks(
    filter: { status?: readonly AssignmentStatus[]; verdict?: OracleVerdict; kind?: TaskKind } = {},
  ): TaskView[] {
    this.expire();
    const statuses = filter.status && filter.status.length > 0 ? filter.status : ASSIGNMENT_STATUSES;
    const views: TaskView[] = [];
    for (const ordinal of this.store.taskIndex.ascending(statuses)) {
      const task = this.store.taskAt(ordinal);
      if (!task || (filter.kind && task.kind !== filter.kind)) continue;
      const view = this.taskView(task);
      if (filter.verdict && view.verdict !== filter.verdict) continue;
      views.push(view);
    }
    return views;
  }

  getTask(taskSid: string): TaskView | null {
    this.expire();
    const task = this.store.tasks.get(taskSid);
    return task ? this.taskView(task) : null;
  }

  listCalls(filter: { status?: readonly CallStatus[] } = {}): CallView[] {
    const statuses = filter.status && filter.status.length > 0 ? filter.status : CALL_STATUSES;
    const views: CallView[] = [];
    for (const ordinal of this.store.callIndex.ascending(statuses)) {
      const call = this.store.callAt(ordinal);
      if (call) views.push(this.callView(call));
    }
    return views;
  }

  getCall(callSid: string): CallView | null {
    const call = this.store.calls.get(callSid);
    return call ? this.callView(call) : null;
  }

  updateLog(sinceSeq = 0): UpdateLogEntry[] {
    return this.store.updateLog.filter((entry) => entry.seq > sinceSeq).map((entry) => ({ ...entry }));
  }

  /** TaskRouter's events still kept (30 days), oldest first; `type` keeps one event type. */
  listEvents(filter: { type?: string } = {}): EventView[] {
    this.store.events.expire(this.now());
    return this.store.events
      .all()
      .filter((event) => filter.type === undefined || event.eventType === filter.type)
      .map(eventView);
  }

  /** A closure in the past (history), for a task that no longer exists. */
  addClosureEvent(input: AddClosureInput): EventView {
    try {
      return eventView(addClosure(this.store, this.opRng, input, this.now()));
    } catch (error) {
      throw new ControlError(400, `addClosureEvent: ${(error as Error).message}`);
    }
  }

  callFetchLog(sinceSeq = 0): CallFetchLogEntry[] {
    return this.store.callFetchLog.filter((entry) => entry.seq > sinceSeq).map((entry) => ({ ...entry }));
  }

  // ---- mutations (control plane: orchestration and callers acting behind the product's back) ----

  endCall(callSid: string, status: CallStatus = 'completed', endedAt?: number): CallView {
    if (!ENDED_CALL_STATUSES.includes(status)) {
      throw new ControlError(400, `endCall: ${status} is not an ended call status (${ENDED_CALL_STATUSES.join(', ')})`);
    }
    const call = this.requireCall(callSid);
    this.store.setCallStatus(call, status, this.now(), endedAt);
    return this.callView(call);
  }

  reviveCall(callSid: string, status: CallStatus = 'in-progress'): CallView {
    if (!LIVE_CALL_STATUSES.includes(status)) {
      throw new ControlError(400, `reviveCall: ${status} is not a live call status (${LIVE_CALL_STATUSES.join(', ')})`);
    }
    const call = this.requireCall(callSid);
    this.store.setCallStatus(call, status, this.now());
    return this.callView(call);
  }

  reserveTask(taskSid: string, workerSid?: string): TaskView {
    const task = this.requireTask(taskSid);
    if (task.assignmentStatus !== 'pending') {
      throw new ControlError(409, `reserveTask: task ${taskSid} is ${task.assignmentStatus}, not pending`);
    }
    this.addReservation(task, workerSid, 'pending');
    this.store.changeTaskStatus(task, this.controlChange('reserved'));
    return this.taskView(task);
  }

  /** A worker accepts: pending or reserved becomes assigned. */
  acceptTask(taskSid: string, workerSid?: string): TaskView {
    const task = this.requireTask(taskSid);
    if (task.assignmentStatus !== 'pending' && task.assignmentStatus !== 'reserved') {
      throw new ControlError(409, `acceptTask: task ${taskSid} is ${task.assignmentStatus}, not pending or reserved`);
    }
    const pending = task.reservations.find((r) => r.status === 'pending');
    if (!pending || (workerSid && pending.workerSid !== workerSid)) {
      if (pending) {
        pending.status = 'rescinded';
        pending.dateUpdated = this.now();
      }
      this.addReservation(task, workerSid, 'pending');
    }
    this.store.changeTaskStatus(task, this.controlChange('assigned'));
    return this.taskView(task);
  }

  /** The agent starts wrapping up; `wrappedSecondsAgo` backdates it (date_updated), e.g. to make it overdue. */
  wrapTask(taskSid: string, wrappedSecondsAgo = 0): TaskView {
    const task = this.requireTask(taskSid);
    if (task.assignmentStatus !== 'assigned') {
      throw new ControlError(409, `wrapTask: task ${taskSid} is ${task.assignmentStatus}, not assigned`);
    }
    this.store.changeTaskStatus(task, this.controlChange('wrapping'));
    if (wrappedSecondsAgo > 0) task.dateUpdated = this.now() - wrappedSecondsAgo * 1000;
    return this.taskView(task);
  }

  /**
   * Something changes the task without moving its status (an agent editing it in wrap-up, an
   * integration): a new ETag, and date_updated = now − `updatedSecondsAgo` (0: now; more: backdated,
   * e.g. to make a wrap-up overdue — even before date_created, for a task added late: tasks added by
   * the control plane are always the newest, so that lists keep date order).
   */
  touchTask(taskSid: string, updatedSecondsAgo = 0): TaskView {
    const task = this.requireTask(taskSid);
    this.store.touchTask(task, this.now() - Math.max(0, updatedSecondsAgo) * 1000);
    return this.taskView(task);
  }

  /** An integration rewrites the attributes (any text, even not JSON): a new ETag and date_updated. */
  setTaskAttributes(taskSid: string, attributes: string): TaskView {
    if (typeof attributes !== 'string') throw new ControlError(400, 'setTaskAttributes: attributes must be a string');
    const task = this.requireTask(taskSid);
    this.store.setTaskAttributes(task, attributes, this.now());
    return this.taskView(task);
  }

  /** Ends the call of one leg of a task (`role` as in TaskView.legs: call_sid, customer, worker…). */
  endLeg(taskSid: string, role: string, status: CallStatus = 'completed', endedAt?: number): TaskView {
    this.endCall(this.requireLeg(taskSid, role), status, endedAt);
    return this.taskView(this.requireTask(taskSid));
  }

  /** Brings the call of one leg of a task back live. */
  reviveLeg(taskSid: string, role: string, status: CallStatus = 'in-progress'): TaskView {
    this.reviveCall(this.requireLeg(taskSid, role), status);
    return this.taskView(this.requireTask(taskSid));
  }

  /**
   * Orchestration closes a task: by default cancel when pending/reserved, complete when
   * assigned/wrapping. A control close ignores the API's transition rules on purpose.
   */
  closeTask(taskSid: string, status?: 'completed' | 'canceled', reason?: string): TaskView {
    const task = this.requireTask(taskSid);
    if (isClosed(task.assignmentStatus)) {
      throw new ControlError(409, `closeTask: task ${taskSid} is already ${task.assignmentStatus}`);
    }
    const target =
      status ??
      (task.assignmentStatus === 'pending' || task.assignmentStatus === 'reserved' ? 'canceled' : 'completed');
    if (target !== 'completed' && target !== 'canceled') {
      throw new ControlError(400, `closeTask: status must be completed or canceled`);
    }
    this.store.changeTaskStatus(task, {
      ...this.controlChange(target),
      reason: reason ?? 'Closed by orchestration (simulator control)',
    });
    return this.taskView(task);
  }

  deleteTask(taskSid: string): boolean {
    this.expire();
    return this.store.deleteTask(taskSid);
  }

  /** Adds one task (and, for voice, its call unless `callSid` names one or is null). */
  addTask(input: AddTaskInput): TaskView {
    const now = this.now();
    const channel = input.channel ?? 'voice';
    if (!this.store.channels.has(channel)) throw new ControlError(400, `addTask: unknown channel ${channel}`);
    const status = input.assignmentStatus ?? 'pending';
    if (!ASSIGNMENT_STATUSES.includes(status)) throw new ControlError(400, `addTask: unknown status ${status}`);
    const queue = input.taskQueueName
      ? this.store.queues.find((q) => q.name === input.taskQueueName)
      : this.store.queues[0];
    if (!queue) throw new ControlError(400, `addTask: unknown task queue ${input.taskQueueName}`);
    const ageMs = Math.max(0, input.ageSeconds ?? 120) * 1000;
    let callSid = input.callSid;
    const participants = input.participants;
    if (participants !== undefined && (typeof participants !== 'object' || participants === null)) {
      throw new ControlError(400, 'addTask: participants must be an object of role → Call SID');
    }
    if (callSid === undefined && channel === 'voice' && input.attributes === undefined && !participants) {
      callSid = this.addCall({ status: 'in-progress', ageSeconds: (input.ageSeconds ?? 120) + 5 }).sid;
    }
    const attributes =
      input.attributes ??
      JSON.stringify({
        type: 'inbound',
        direction: 'inbound',
        from: '+15550000000',
        to: '+18005550100',
        ...(callSid ? { call_sid: callSid } : {}),
        ...(participants ? { conference: { sid: sid(this.opRng, 'CF'), participants } } : {}),
      });
    // A task added now is newer than every other one, so its ordinal keeps date order.
    const task = this.store.addTask({
      sid: sid(this.opRng, 'WT'),
      assignmentStatus: status,
      attributes,
      channel,
      taskQueue: queue,
      priority: input.priority ?? 0,
      dateCreated: Math.max(now - ageMs, this.latestTaskDate() + 1),
      reservations: [],
      kind: 'custom',
    });
    if (input.updatedSecondsAgo !== undefined) {
      task.dateUpdated = now - Math.max(0, input.updatedSecondsAgo) * 1000;
    }
    const reservationStatus = { reserved: 'pending', assigned: 'accepted', wrapping: 'wrapping' } as const;
    if (status in reservationStatus) {
      this.addReservation(task, input.workerSid, reservationStatus[status as keyof typeof reservationStatus]);
    }
    return this.taskView(task);
  }

  addCall(input: AddCallInput): CallView {
    if (!CALL_STATUSES.includes(input.status)) throw new ControlError(400, `addCall: unknown status ${input.status}`);
    const now = this.now();
    const created = now - Math.max(0, input.ageSeconds ?? 60) * 1000;
    const live = LIVE_CALL_STATUSES.includes(input.status);
    const endTime = live ? null : Math.max(created, now - Math.max(0, input.endedSecondsAgo ?? 300) * 1000);
    const call = this.store.addCall({
      sid: sid(this.opRng, 'CA'),
      status: input.status,
      from: input.from ?? '+15550000000',
      to: input.to ?? '+18005550100',
      dateCreated: Math.max(created, this.latestCallDate() + 1),
      startTime: input.status === 'in-progress' || input.status === 'completed' ? created : null,
      endTime,
    });
    return this.callView(call);
  }

  // ---- helpers -----------------------------------------------------------------------------

  private build(seed: string, scenario: ScenarioOptions): { store: SimStore; summary: SeedSummary } {
    const rng = createRandom(seed);
    const store = new SimStore(this.accountSid, this.workspaceSid, {
      sid: sid(rng, 'WW'),
      name: 'Assign to Anyone',
    });
    const summary = seedScenario(store, rng, scenario, this.now());
    seedHistory(store, createRandom(`${seed}:history`), scenario.history, this.now());
    seedOrphanConversations(
      store,
      createRandom(`${seed}:orphans`),
      scenario.orphanConversations ?? 0,
      this.now(),
      scenario.graceSeconds,
    );
    return { store, summary };
  }

  private controlChange(to: AssignmentStatus): Parameters<SimStore['changeTaskStatus']>[1] {
    return { to, reason: null, source: 'control', ifMatch: null, now: this.now() };
  }

  private addReservation(
    task: SimTask,
    workerSid: string | undefined,
    status: 'pending' | 'accepted' | 'wrapping',
  ): void {
    const worker = workerSid
      ? this.store.workers.find((w) => w.sid === workerSid)
      : this.opRng.pick(this.store.workers);
    if (!worker) throw new ControlError(400, `Unknown worker ${workerSid}`);
    const now = this.now();
    task.reservations.push({
      sid: sid(this.opRng, 'WR'),
      workerSid: worker.sid,
      workerName: worker.name,
      status,
      dateCreated: now,
      dateUpdated: now,
    });
  }

  private requireTask(taskSid: string): SimTask {
    this.expire();
    const task = this.store.tasks.get(taskSid);
    if (!task) throw new ControlError(404, `No task ${taskSid}`);
    return task;
  }

  private requireLeg(taskSid: string, role: string): string {
    const task = this.requireTask(taskSid);
    const leg = task.legs.find((candidate) => candidate.role === role);
    if (!leg) {
      const roles = task.legs.map((candidate) => candidate.role).join(', ') || 'none';
      throw new ControlError(404, `Task ${taskSid} has no ${role} leg (its legs: ${roles})`);
    }
    return leg.callSid;
  }

  private requireCall(callSid: string): SimCall {
    const call = this.store.calls.get(callSid);
    if (!call) throw new ControlError(404, `No call ${callSid}`);
    return call;
  }

  private latestTaskDate(): number {
    let latest = 0;
    for (const ordinal of this.store.taskIndex.descending(ASSIGNMENT_STATUSES)) {
      latest = this.store.taskAt(ordinal)?.dateCreated ?? 0;
      break;
    }
    return latest;
  }

  private latestCallDate(): number {
    let latest = 0;
    for (const ordinal of this.store.callIndex.descending(CALL_STATUSES)) {
      latest = this.store.callAt(ordinal)?.dateCreated ?? 0;
      break;
    }
    return latest;
  }
}
