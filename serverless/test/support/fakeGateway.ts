/**
 * Test doubles for the engine: Twilio resources with sensible defaults, and an in-memory gateway
 * (paging, ETags, If-Match, state rules, scripted failures) for the engine's and the gateway's unit tests.
 */
import { LIVE_CALL_STATUSES, OPEN_ASSIGNMENT_STATUSES } from '@plugin-stuck-tasks/contract';
import type { AssignmentStatus, CallStatus } from '@plugin-stuck-tasks/contract';
import pLimit from 'p-limit';
import { DeadlineExceededError, UpstreamError } from '../../src/gateway/errors';
import type {
  CallPage,
  ConversationPage,
  EventPage,
  EventQuery,
  GatewayStats,
  ListCursor,
  ListedConversationState,
  RequestBudget,
  RequestKind,
  ListTasksOptions,
  TaskPage,
  TaskAttributesUpdate,
  TaskUpdate,
  TwilioCall,
  TwilioEvent,
  TwilioConversation,
  TwilioGateway,
  TwilioInteractionChannel,
  TwilioReservation,
  TwilioTask,
  UpdateChannelResult,
  UpdateTaskResult,
} from '../../src/gateway/types';
import type { Settings } from '../../src/settings';

export const TEST_ACCOUNT_SID = `AC${'a'.repeat(32)}`;
export const TEST_WORKSPACE_SID = `WS${'b'.repeat(32)}`;
export const NOW_MS = Date.parse('2024-05-01T12:00:00Z');

let serial = 0;
function hexSid(prefix: string): string {
  serial += 1;
  return `${prefix}${serial.toString(16).padStart(32, '0')}`;
}

export const newTaskSid = (): string => hexSid('WT');
export const newCallSid = (): string => hexSid('CA');
export const newConversationSid = (): string => hexSid('CH');
export const newInteractionSid = (): string => hexSid('KD');
export const newChannelSid = (): string => hexSid('UO');

export function testSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    accountSid: TEST_ACCOUNT_SID,
    authToken: 'x'.repeat(32),
    workspaceSid: TEST_WORKSPACE_SID,
    allowedRoles: ['admin'],
    graceSeconds: 60,
    closeReason: 'Orchestration issue: closed stuck voice Task.',
    excludedTaskQueues: [],
    apiBaseUrl: null,
    wrapupOverdueMinutes: null,
    insightsOutcome: 'Closed stuck task',
    ...overrides,
  };
}

export function makeCall(overrides: Partial<TwilioCall> = {}): TwilioCall {
  const status = overrides.status ?? 'completed';
  const live = LIVE_CALL_STATUSES.includes(status);
  const ended = new Date(NOW_MS - 10 * 60_000).toUTCString();
  return {
    sid: newCallSid(),
    status,
    direction: 'inbound',
    from: '+15550001111',
    to: '+15550002222',
    start_time: new Date(NOW_MS - 20 * 60_000).toUTCString(),
    end_time: live ? null : ended,
    date_updated: live ? new Date(NOW_MS - 20 * 60_000).toUTCString() : ended,
    duration: live ? null : '600',
    ...overrides,
  };
}

/**
 * A voice task. `callSid`: its `call_sid` (null = none); `participants`: its conference legs
 * (`conference.participants`, e.g. `{ customer: 'CA…', worker: 'CA…' }`).
 */
export function makeTask(
  overrides: Partial<TwilioTask> & { callSid?: string | null; participants?: Record<string, string> } = {},
): TwilioTask {
  const { callSid, participants, ...fields } = overrides;
  const legs = participants === undefined ? {} : { conference: { participants } };
  const attributes =
    callSid === null
      ? JSON.stringify({ from: '+15550001111', ...legs })
      : JSON.stringify({ call_sid: callSid ?? newCallSid(), ...legs });
  return {
    sid: newTaskSid(),
    assignment_status: 'pending',
    attributes,
    task_channel_unique_name: 'voice',
    task_queue_sid: `WQ${'c'.repeat(32)}`,
    task_queue_friendly_name: 'Support',
    workflow_friendly_name: 'Default',
    date_created: new Date(NOW_MS - 30 * 60_000).toISOString(),
    date_updated: new Date(NOW_MS - 30 * 60_000).toISOString(),
    age: 1800,
    priority: 0,
    reason: null,
    ...fields,
  };
}

/**
 * A TaskRouter closure event: `task.canceled` or `task.completed` with the reason where Twilio puts
 * it (`task_canceled_reason` / `task_completed_reason`).
 */
export function makeClosureEvent(input: {
  outcome: 'canceled' | 'completed';
  reason: string | null;
  atMs: number;
  taskSid?: string;
  taskQueueName?: string | null;
  taskChannel?: string | null;
  /** `event_data.task_attributes` (JSON text, as Twilio sends it); absent = none. */
  taskAttributes?: string | null;
}): TwilioEvent {
  const taskSid = input.taskSid ?? newTaskSid();
  return {
    sid: hexSid('EV'),
    event_type: `task.${input.outcome}`,
    event_date: new Date(Math.floor(input.atMs / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    event_date_ms: input.atMs,
    resource_sid: taskSid,
    event_data: {
      task_sid: taskSid,
      task_assignment_status: input.outcome,
      [`task_${input.outcome}_reason`]: input.reason,
      task_queue_name: input.taskQueueName === undefined ? 'Support' : input.taskQueueName,
      task_channel_unique_name: input.taskChannel === undefined ? 'voice' : input.taskChannel,
      ...(input.taskAttributes === undefined ? {} : { task_attributes: input.taskAttributes }),
    },
  };
}

/** A conversation closed 10 minutes before NOW_MS (override `state` for the others). */
export function makeConversation(overrides: Partial<TwilioConversation> = {}): TwilioConversation {
  const closedAt = new Date(NOW_MS - 10 * 60_000).toISOString();
  const state = overrides.state ?? 'closed';
  return {
    sid: newConversationSid(),
    state,
    friendly_name: 'Chat with +15550001111',
    date_created: new Date(NOW_MS - 40 * 60_000).toISOString(),
    date_updated: closedAt,
    timers:
      state === 'closed' ? { date_closed: closedAt, date_inactive: null } : { date_closed: null, date_inactive: null },
    ...overrides,
  };
}

export function makeChannel(overrides: Partial<TwilioInteractionChannel> = {}): TwilioInteractionChannel {
  return {
    sid: newChannelSid(),
    interaction_sid: newInteractionSid(),
    type: 'sms',
    status: 'active',
    error_code: null,
    error_message: null,
    ...overrides,
  };
}

/**
 * A messaging task (Flex Conversations): its attributes name the conversation and, unless `interaction`
 * is null, the interaction and its channel.
 */
export function makeMessagingTask(
  overrides: Partial<TwilioTask> & {
    conversationSid?: string;
    interaction?: { interactionSid: string; channelSid: string } | null;
  } = {},
): TwilioTask {
  const { conversationSid, interaction, ...fields } = overrides;
  const refs =
    interaction === null
      ? {}
      : {
          flexInteractionSid: interaction?.interactionSid ?? newInteractionSid(),
          flexInteractionChannelSid: interaction?.channelSid ?? newChannelSid(),
        };
  return makeTask({
    task_channel_unique_name: 'chat',
    attributes: JSON.stringify({ conversationSid: conversationSid ?? newConversationSid(), ...refs }),
    ...fields,
  });
}

type Failure = { status: number; twilioCode?: number } | 'timeout';

interface UpdateRecord {
  taskSid: string;
  from: string;
  to: string;
  reason: string;
  ifMatch: string | null;
  /** The attributes sent with the update, if any. */
  attributes?: string;
}

const OPEN_OR_WRAPPING: readonly AssignmentStatus[] = [...OPEN_ASSIGNMENT_STATUSES, 'wrapping'];

/**
 * An in-memory TaskRouter + Calls API behind the gateway interface. `failNext` scripts failures the
 * real gateway would have turned into UpstreamError; `beforeUpdate` lets a test change the world at
 * the worst moment (between the re-check and the update).
 */
export class FakeGateway implements TwilioGateway {
  readonly tasks = new Map<string, { task: TwilioTask; version: number }>();
  readonly calls = new Map<string, TwilioCall>();
  readonly reservations = new Map<string, TwilioReservation[]>();
  readonly updates: UpdateRecord[] = [];
  /** Attributes-only updates applied (the closure marker of a channel close), in order. */
  readonly attributeUpdates: { taskSid: string; attributes: string; ifMatch: string }[] = [];
  readonly counts: Record<RequestKind, number> = {
    listTasks: 0,
    fetchTask: 0,
    updateTask: 0,
    updateTaskAttributes: 0,
    listReservations: 0,
    fetchCall: 0,
    listCalls: 0,
    listEvents: 0,
    fetchConversation: 0,
    fetchInteractionChannel: 0,
    updateInteractionChannel: 0,
    listConversations: 0,
    listTasksByConversation: 0,
  };
  /** Every batch of conversation SIDs asked about, in order. */
  readonly conversationTaskQueries: string[][] = [];
  /** TaskRouter events, in any order: listEvents sorts them newest first. */
  readonly events: TwilioEvent[] = [];
  /** Every events query asked, in order. */
  readonly eventQueries: { query: EventQuery; cursor: ListCursor | null; pageSize: number }[] = [];
  readonly conversations = new Map<string, TwilioConversation>();
  /** By `KD…/UO…`. */
  readonly channels = new Map<string, TwilioInteractionChannel>();
  /** Which tasks each channel (`KD…/UO…`) holds: a channel close closes them. */
  readonly channelTasks = new Map<string, string[]>();
  readonly channelCloses: { interactionSid: string; channelSid: string }[] = [];
  /**
   * What a channel close does to each of its open tasks: by default assigned and wrapping tasks are
   * completed and pending or reserved ones left as they are (the simulator's conservative reading).
   */
  channelCloseEffect: (task: TwilioTask) => 'completed' | 'canceled' | null = (task) =>
    task.assignment_status === 'assigned' || task.assignment_status === 'wrapping' ? 'completed' : null;
  beforeChannelClose: ((channelSid: string) => void) | null = null;
  nullAttributesInLists = false;
  /** Milliseconds every call takes. */
  latencyMs = 0;
  /** Most calls answered at once (the others wait), like the real gateway's limit. */
  private limit = pLimit(1000);
  /** Per kind: what the next calls of that kind do instead of answering. */
  readonly failures = new Map<RequestKind, Failure[]>();
  beforeUpdate: ((taskSid: string) => void) | null = null;
  /**
   * Apply the next update but answer 412, as the real gateway sees it when Twilio's first answer is
   * lost and its retry meets the ETag that update created.
   */
  loseNextUpdateAnswer = false;

  addTask(task: TwilioTask): TwilioTask {
    this.tasks.set(task.sid, { task, version: 1 });
    return task;
  }

  addCall(call: TwilioCall): TwilioCall {
    this.calls.set(call.sid, call);
    return call;
  }

  /** A task with its call, in one go. */
  addTaskWithCall(
    task: Partial<TwilioTask> = {},
    call: Partial<TwilioCall> = {},
  ): { task: TwilioTask; call: TwilioCall } {
    const added = this.addCall(makeCall(call));
    return { task: this.addTask(makeTask({ ...task, callSid: added.sid })), call: added };
  }

  /** A messaging task with its conversation (closed 10 min ago by default) and its channel (active). */
  addMessagingTask(
    task: Partial<TwilioTask> = {},
    conversation: Partial<TwilioConversation> | null = {},
    channel: Partial<TwilioInteractionChannel> | null = {},
  ): { task: TwilioTask; conversation: TwilioConversation | null; channel: TwilioInteractionChannel } {
    const madeChannel = makeChannel(channel ?? {});
    const madeConversation = makeConversation(conversation ?? {});
    if (conversation !== null) this.conversations.set(madeConversation.sid, madeConversation);
    if (channel !== null) this.channels.set(`${madeChannel.interaction_sid}/${madeChannel.sid}`, madeChannel);
    const added = this.addTask(
      makeMessagingTask({
        ...task,
        conversationSid: madeConversation.sid,
        interaction: { interactionSid: madeChannel.interaction_sid, channelSid: madeChannel.sid },
      }),
    );
    this.channelTasks.set(`${madeChannel.interaction_sid}/${madeChannel.sid}`, [added.sid]);
    return { task: added, conversation: conversation === null ? null : madeConversation, channel: madeChannel };
  }

  async fetchConversation(conversationSid: string, budget?: RequestBudget): Promise<TwilioConversation | null> {
    await this.enter('fetchConversation', budget);
    const conversation = this.conversations.get(conversationSid);
    return conversation ? { ...conversation } : null;
  }

  async fetchInteractionChannel(
    interactionSid: string,
    channelSid: string,
    budget?: RequestBudget,
  ): Promise<TwilioInteractionChannel | null> {
    await this.enter('fetchInteractionChannel', budget);
    const channel = this.channels.get(`${interactionSid}/${channelSid}`);
    return channel ? { ...channel } : null;
  }

  async closeInteractionChannel(
    interactionSid: string,
    channelSid: string,
    budget?: RequestBudget,
  ): Promise<UpdateChannelResult> {
    this.beforeChannelClose?.(channelSid);
    await this.enter('updateInteractionChannel', budget);
    const key = `${interactionSid}/${channelSid}`;
    const channel = this.channels.get(key);
    if (!channel) return { kind: 'not_found', afterUnansweredAttempt: false };
    this.channelCloses.push({ interactionSid, channelSid });
    channel.status = 'closed';
    for (const taskSid of this.channelTasks.get(key) ?? []) {
      const entry = this.tasks.get(taskSid);
      if (!entry || !OPEN_OR_WRAPPING.includes(entry.task.assignment_status)) continue;
      const to = this.channelCloseEffect(entry.task);
      if (to === null) continue;
      entry.task = { ...entry.task, assignment_status: to };
      entry.version += 1;
    }
    return { kind: 'updated', channel: { ...channel } };
  }

  failNext(kind: RequestKind, ...failures: Failure[]): void {
    this.failures.set(kind, [...(this.failures.get(kind) ?? []), ...failures]);
  }

  /** Changes a task as another actor would (bumps its ETag). */
  mutateTask(taskSid: string, change: Partial<TwilioTask>): void {
    const entry = this.tasks.get(taskSid);
    if (!entry) throw new Error(`no task ${taskSid}`);
    entry.task = { ...entry.task, ...change };
    entry.version += 1;
  }

  set concurrency(value: number) {
    this.limit = pLimit(value);
  }

  private async enter(kind: RequestKind, budget?: RequestBudget): Promise<void> {
    const checkBudget = () => {
      if (budget?.signal?.aborted) throw new DeadlineExceededError('abandoned');
      if (budget?.deadline !== undefined && Date.now() >= budget.deadline) throw new DeadlineExceededError();
    };
    checkBudget();
    await this.limit(async () => {
      checkBudget();
      this.counts[kind] += 1;
      if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    });
    const failure = this.failures.get(kind)?.shift();
    if (failure === 'timeout') throw new UpstreamError('no answer from Twilio (ETIMEDOUT), even after retries');
    if (failure) {
      throw new UpstreamError(`Twilio answered ${failure.status}, even after retries`, {
        status: failure.status,
        twilioCode: failure.twilioCode ?? null,
      });
    }
  }

  async listOpenTasks(
    cursor: ListCursor | null,
    pageSize: number,
    budget?: RequestBudget,
    options: ListTasksOptions = {},
  ): Promise<TaskPage> {
    await this.enter('listTasks', budget);
    const listed: readonly AssignmentStatus[] = options.includeWrapping
      ? [...OPEN_ASSIGNMENT_STATUSES, 'wrapping']
      : OPEN_ASSIGNMENT_STATUSES;
    const open = [...this.tasks.values()]
      .map((entry) => entry.task)
      .filter((task) => listed.includes(task.assignment_status));
    const start = cursor ? Number(cursor.pageToken) : 0;
    const slice = open.slice(start, start + pageSize);
    const next =
      start + pageSize < open.length ? { page: (cursor?.page ?? 0) + 1, pageToken: String(start + pageSize) } : null;
    return {
      tasks: slice.map((task) => (this.nullAttributesInLists ? { ...task, attributes: null } : { ...task })),
      next,
    };
  }

  async listConversations(
    state: ListedConversationState,
    cursor: ListCursor | null,
    pageSize: number,
    budget?: RequestBudget,
  ): Promise<ConversationPage> {
    await this.enter('listConversations', budget);
    const inState = [...this.conversations.values()].filter((conversation) => conversation.state === state);
    const start = cursor ? Number(cursor.pageToken) : 0;
    const next =
      start + pageSize < inState.length ? { page: (cursor?.page ?? 0) + 1, pageToken: String(start + pageSize) } : null;
    return { conversations: inState.slice(start, start + pageSize).map((conversation) => ({ ...conversation })), next };
  }

  /** Open and wrapping tasks whose attributes' `conversationSid` is one of the batch (as TaskRouter's expression). */
  async listOpenTasksNamingConversations(
    conversationSids: readonly string[],
    cursor: ListCursor | null,
    pageSize: number,
    budget?: RequestBudget,
  ): Promise<TaskPage> {
    this.conversationTaskQueries.push([...conversationSids]);
    await this.enter('listTasksByConversation', budget);
    const naming = [...this.tasks.values()]
      .map((entry) => entry.task)
      .filter((task) => OPEN_OR_WRAPPING.includes(task.assignment_status))
      .filter((task) => {
        try {
          return conversationSids.includes(
            (JSON.parse(task.attributes ?? 'null') as { conversationSid?: string })?.conversationSid ?? '',
          );
        } catch {
          return false;
        }
      });
    const start = cursor ? Number(cursor.pageToken) : 0;
    const next =
      start + pageSize < naming.length ? { page: (cursor?.page ?? 0) + 1, pageToken: String(start + pageSize) } : null;
    return {
      tasks: naming
        .slice(start, start + pageSize)
        .map((task) => (this.nullAttributesInLists ? { ...task, attributes: null } : { ...task })),
      next,
    };
  }

  async fetchTask(taskSid: string, budget?: RequestBudget) {
    await this.enter('fetchTask', budget);
    const entry = this.tasks.get(taskSid);
    return entry ? { task: { ...entry.task }, etag: `"v${entry.version}"` } : null;
  }

  async updateTask(taskSid: string, update: TaskUpdate, budget?: RequestBudget): Promise<UpdateTaskResult> {
    this.beforeUpdate?.(taskSid);
    await this.enter('updateTask', budget);
    const entry = this.tasks.get(taskSid);
    if (!entry) return { kind: 'not_found', afterUnansweredAttempt: false };
    if (update.ifMatch !== null && update.ifMatch !== `"v${entry.version}"`) return { kind: 'precondition_failed' };
    const from = entry.task.assignment_status;
    const allowed =
      update.assignmentStatus === 'canceled'
        ? from === 'pending' || from === 'reserved'
        : from === 'assigned' || from === 'wrapping';
    if (!allowed)
      return { kind: 'rejected', twilioCode: 20001, message: `Cannot ${update.assignmentStatus} from ${from}` };
    entry.task = {
      ...entry.task,
      assignment_status: update.assignmentStatus,
      reason: update.reason,
      attributes: update.attributes ?? entry.task.attributes,
    };
    entry.version += 1;
    this.updates.push({
      taskSid,
      from,
      to: update.assignmentStatus,
      reason: update.reason,
      ifMatch: update.ifMatch,
      ...(update.attributes === undefined ? {} : { attributes: update.attributes }),
    });
    if (this.loseNextUpdateAnswer) {
      this.loseNextUpdateAnswer = false;
      return { kind: 'precondition_failed' };
    }
    return { kind: 'updated', task: { ...entry.task } };
  }

  /** Called before an attributes-only update is applied (a test changes the world at that moment). */
  beforeAttributesUpdate: ((taskSid: string) => void) | null = null;

  async updateTaskAttributes(
    taskSid: string,
    update: TaskAttributesUpdate,
    budget?: RequestBudget,
  ): Promise<UpdateTaskResult> {
    this.beforeAttributesUpdate?.(taskSid);
    await this.enter('updateTaskAttributes', budget);
    const entry = this.tasks.get(taskSid);
    if (!entry) return { kind: 'not_found', afterUnansweredAttempt: false };
    if (update.ifMatch !== `"v${entry.version}"`) return { kind: 'precondition_failed' };
    entry.task = { ...entry.task, attributes: update.attributes };
    entry.version += 1;
    this.attributeUpdates.push({ taskSid, attributes: update.attributes, ifMatch: update.ifMatch });
    return { kind: 'updated', task: { ...entry.task } };
  }

  async listReservations(taskSid: string, budget?: RequestBudget): Promise<TwilioReservation[]> {
    await this.enter('listReservations', budget);
    return this.reservations.get(taskSid) ?? [];
  }

  async fetchCall(callSid: string, budget?: RequestBudget): Promise<TwilioCall | null> {
    await this.enter('fetchCall', budget);
    const call = this.calls.get(callSid);
    return call ? { ...call } : null;
  }

  async listCalls(
    status: CallStatus,
    cursor: ListCursor | null,
    pageSize: number,
    budget?: RequestBudget,
  ): Promise<CallPage> {
    await this.enter('listCalls', budget);
    const matching = [...this.calls.values()].filter((call) => call.status === status);
    const start = cursor ? Number(cursor.pageToken) : 0;
    const next =
      start + pageSize < matching.length
        ? { page: (cursor?.page ?? 0) + 1, pageToken: String(start + pageSize) }
        : null;
    return { calls: matching.slice(start, start + pageSize), next };
  }

  async listEvents(
    query: EventQuery,
    cursor: ListCursor | null,
    pageSize: number,
    budget?: RequestBudget,
  ): Promise<EventPage> {
    this.eventQueries.push({ query, cursor, pageSize });
    await this.enter('listEvents', budget);
    const start = Date.parse(query.startDate);
    const end = Date.parse(query.endDate);
    const matching = this.events
      .filter((event) => event.event_type === query.eventType)
      .filter((event) => (event.event_date_ms ?? 0) >= start && (event.event_date_ms ?? 0) <= end)
      .sort((a, b) => (b.event_date_ms ?? 0) - (a.event_date_ms ?? 0));
    const offset = cursor ? Number(cursor.pageToken) : 0;
    const next =
      offset + pageSize < matching.length
        ? { page: (cursor?.page ?? 0) + 1, pageToken: String(offset + pageSize) }
        : null;
    return { events: matching.slice(offset, offset + pageSize), next };
  }

  /** Counted, so tests can tell the close path holds one slot per task. */
  slotsTaken = 0;

  withSlot<T>(work: (gateway: TwilioGateway) => Promise<T>): Promise<T> {
    this.slotsTaken += 1;
    return work(this);
  }

  stats(): GatewayStats {
    const totalRequests = Object.values(this.counts).reduce((sum, count) => sum + count, 0);
    return {
      requests: { ...this.counts },
      totalRequests,
      throttled: 0,
      serverErrors: 0,
      networkErrors: 0,
      retries: 0,
      peakInFlight: 0,
      window: { current: 0, min: 0, max: 0, shrinks: 0 },
    };
  }
}
