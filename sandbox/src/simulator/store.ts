import type {
  AssignmentStatus,
  CallFetchLogEntry,
  CallStatus,
  ChannelUpdateLogEntry,
  MessagingFetchLogEntry,
  ReservationStatus,
  SimConversation,
  SimInteractionChannel,
  SimCall,
  SimReservation,
  SimTask,
  SimTaskChannel,
  SimTaskQueue,
  SimWorker,
  SimWorkflow,
  TaskKind,
  UpdateLogEntry,
} from './model';
import { LIVE_CALL_STATUSES } from './model';
import type { SimEvent, TaskEventType } from './events';
import { EventLog, eventTypeOf, taskEventData } from './events';
import { legsOf, messagingRefsOf, primaryLeg } from './legs';
import { OrderedIndex } from './ordered-index';

export interface NewTask {
  sid: string;
  assignmentStatus: AssignmentStatus;
  attributes: string;
  channel: string;
  taskQueue: SimTaskQueue;
  priority?: number;
  timeout?: number;
  dateCreated: number;
  dateUpdated?: number;
  reason?: string | null;
  closedAt?: number | null;
  reservations?: SimReservation[];
  kind?: TaskKind;
}

export interface NewCall {
  sid: string;
  status: CallStatus;
  direction?: SimCall['direction'];
  from: string;
  to: string;
  dateCreated: number;
  startTime: number | null;
  endTime: number | null;
  queueTimeMs?: number;
}

export interface StatusChange {
  to: AssignmentStatus;
  reason: string | null;
  source: UpdateLogEntry['source'];
  ifMatch: string | null;
  now: number;
  /** Attributes written by the same request (already applied with `replaceAttributes`), for the log. */
  attributes?: string | null;
  /** The change came from closing this interaction channel. */
  viaChannelSid?: string;
}

/** The workspace and account content, indexed so that every request costs about its page size. */
export class SimStore {
  readonly tasks = new Map<string, SimTask>();
  readonly calls = new Map<string, SimCall>();
  readonly taskIndex = new OrderedIndex<AssignmentStatus>();
  readonly callIndex = new OrderedIndex<CallStatus>();
  readonly updateLog: UpdateLogEntry[] = [];
  readonly callFetchLog: CallFetchLogEntry[] = [];
  /** TaskRouter's Events: one per task update applied, plus seeded history (events.ts). */
  readonly events = new EventLog();
  readonly conversations = new Map<string, SimConversation>();
  /** By channel SID (UO…). */
  readonly interactionChannels = new Map<string, SimInteractionChannel>();
  readonly channelUpdateLog: ChannelUpdateLogEntry[] = [];
  readonly messagingFetchLog: MessagingFetchLogEntry[] = [];
  queues: SimTaskQueue[] = [];
  workers: SimWorker[] = [];
  channels = new Map<string, SimTaskChannel>();
  workflow: SimWorkflow;
  private readonly tasksByOrdinal: (SimTask | undefined)[] = [];
  private readonly callsByOrdinal: SimCall[] = [];
  /** Closed tasks in closing order, so expiry only looks at the front. */
  private closedQueue: SimTask[] = [];
  private closedQueueHead = 0;
  /** Numbers update log and call fetch log entries alike, so their order can be compared. */
  private lastSeq = 0;
  /** Numbers events (their SIDs and their order within one millisecond). */
  private lastEventSeq = 0;

  constructor(
    readonly accountSid: string,
    readonly workspaceSid: string,
    workflow: SimWorkflow,
  ) {
    this.workflow = workflow;
  }

  taskAt(ordinal: number): SimTask | undefined {
    return this.tasksByOrdinal[ordinal];
  }

  callAt(ordinal: number): SimCall | undefined {
    return this.callsByOrdinal[ordinal];
  }

  get taskCount(): number {
    return this.tasks.size;
  }

  addTask(input: NewTask): SimTask {
    if (this.tasks.has(input.sid)) throw new Error(`Task ${input.sid} already exists`);
    const channel = this.channels.get(input.channel);
    if (!channel) throw new Error(`Unknown task channel ${input.channel}`);
    const task: SimTask = {
      ordinal: this.tasksByOrdinal.length,
      sid: input.sid,
      assignmentStatus: input.assignmentStatus,
      attributes: input.attributes,
      ...readAttributes(input.attributes),
      priority: input.priority ?? 0,
      reason: input.reason ?? null,
      taskQueueSid: input.taskQueue.sid,
      taskQueueName: input.taskQueue.name,
      channel: channel.uniqueName,
      taskChannelSid: channel.sid,
      workflowSid: this.workflow.sid,
      workflowName: this.workflow.name,
      timeout: input.timeout ?? 86400,
      dateCreated: input.dateCreated,
      dateUpdated: input.dateUpdated ?? input.dateCreated,
      taskQueueEnteredDate: input.dateCreated,
      virtualStartTime: input.dateCreated,
      revision: 0,
      closedAt: null,
      reservations: input.reservations ?? [],
      kind: input.kind ?? 'custom',
    };
    this.tasksByOrdinal.push(task);
    this.tasks.set(task.sid, task);
    this.taskIndex.add(task.assignmentStatus, task.ordinal);
    if (isClosed(task.assignmentStatus)) {
      task.closedAt = input.closedAt ?? task.dateUpdated;
      this.closedQueue.push(task);
    }
    return task;
  }

  addCall(input: NewCall): SimCall {
    if (this.calls.has(input.sid)) throw new Error(`Call ${input.sid} already exists`);
    const call: SimCall = {
      ordinal: this.callsByOrdinal.length,
      sid: input.sid,
      status: input.status,
      direction: input.direction ?? 'inbound',
      from: input.from,
      to: input.to,
      dateCreated: input.dateCreated,
      dateUpdated: input.endTime ?? input.startTime ?? input.dateCreated,
      startTime: input.startTime,
      endTime: input.endTime,
      queueTimeMs: input.queueTimeMs ?? 0,
    };
    this.callsByOrdinal.push(call);
    this.calls.set(call.sid, call);
    this.callIndex.add(call.status, call.ordinal);
    return call;
  }

  etag(task: SimTask): string {
    return String(task.revision);
  }

  /** Moves a task to another status and records it; transition rules are the caller's business. */
  changeTaskStatus(task: SimTask, change: StatusChange): UpdateLogEntry {
    const from = task.assignmentStatus;
    const etagBefore = this.etag(task);
    const primary = primaryLeg(task.legs);
    const call = primary ? this.calls.get(primary.callSid) : undefined;
    const legs = task.legs.map((leg) => ({ ...leg, status: this.calls.get(leg.callSid)?.status ?? null }));
    this.taskIndex.move(from, change.to, task.ordinal);
    task.assignmentStatus = change.to;
    task.dateUpdated = change.now;
    task.revision += 1;
    if (change.reason !== null) task.reason = change.reason;
    updateReservations(task, change.to, change.now);
    if (isClosed(change.to) && task.closedAt === null) {
      task.closedAt = change.now;
      this.closedQueue.push(task);
    }
    const entry: UpdateLogEntry = {
      seq: (this.lastSeq += 1),
      time: new Date(change.now).toISOString(),
      source: change.source,
      taskSid: task.sid,
      from,
      to: change.to,
      callSid: primary ? primary.callSid : null,
      callStatus: call ? call.status : null,
      legs,
      reason: change.reason,
      attributes: change.attributes ?? null,
      ifMatch: change.ifMatch,
      etagBefore,
      etagAfter: this.etag(task),
      ...(change.viaChannelSid === undefined ? {} : { viaChannelSid: change.viaChannelSid }),
    };
    this.updateLog.push(entry);
    this.recordTaskEvent(task, eventTypeOf(change.to), change.reason, change.source, change.now);
    return entry;
  }

  /**
   * Records a TaskRouter event about a task as it is now (after the change). `reason`: the reason
   * the change wrote (a cancel's or complete's reason in event_data).
   */
  recordTaskEvent(
    task: SimTask,
    eventType: TaskEventType,
    reason: string | null,
    source: UpdateLogEntry['source'],
    now: number,
  ): SimEvent {
    const event = this.newEvent({
      eventType,
      dateMs: now,
      task,
      reason,
      actor: source === 'api' ? 'account' : 'workspace',
    });
    this.events.add(event);
    return event;
  }

  /** An event with its SID and sequence number; not yet added to the log. */
  newEvent(input: {
    eventType: TaskEventType;
    dateMs: number;
    task: SimTask;
    reason: string | null;
    actor: SimEvent['actor'];
  }): SimEvent {
    const { eventType, dateMs, task, reason, actor } = input;
    const seq = (this.lastEventSeq += 1);
    const verb = {
      'task.canceled': 'canceled',
      'task.completed': 'completed',
      'task.wrapup': 'wrapping up',
      'task.updated': 'updated',
    }[eventType];
    return {
      sid: `EV${seq.toString(16).padStart(32, '0')}`,
      seq,
      eventType,
      dateMs,
      taskSid: task.sid,
      taskQueueSid: task.taskQueueSid,
      workflowSid: task.workflowSid,
      taskChannel: task.channel,
      taskChannelSid: task.taskChannelSid,
      description: `Task ${task.sid} ${verb}`,
      actor,
      data: taskEventData(task, this.workspaceSid, eventType, reason, dateMs),
    };
  }

  /** Records a conversation or channel fetch answered from the state as it is now. */
  recordMessagingFetch(
    resource: MessagingFetchLogEntry['resource'],
    sid: string,
    status: string | null,
    dateClosed: number | null,
    now: number,
  ): void {
    this.messagingFetchLog.push({
      seq: this.nextSeq(),
      time: new Date(now).toISOString(),
      resource,
      sid,
      status,
      dateClosed: dateClosed === null ? null : new Date(Math.floor(dateClosed / 1000) * 1000).toISOString(),
    });
  }

  /** The next number of the shared sequence (task updates, call fetches, channel updates). */
  nextSeq(): number {
    this.lastSeq += 1;
    return this.lastSeq;
  }

  /** The channel `UO…` of interaction `KD…`; undefined when either is unknown or they do not belong together. */
  channelOf(interactionSid: string, channelSid: string): SimInteractionChannel | undefined {
    const channel = this.interactionChannels.get(channelSid);
    return channel && channel.interactionSid === interactionSid ? channel : undefined;
  }

  /** The open (and wrapping) tasks whose attributes name this channel. */
  tasksOfChannel(channelSid: string): SimTask[] {
    const tasks: SimTask[] = [];
    for (const ordinal of this.taskIndex.ascending(['pending', 'reserved', 'assigned', 'wrapping'])) {
      const task = this.taskAt(ordinal);
      if (task?.messaging?.channelSid === channelSid) tasks.push(task);
    }
    return tasks;
  }

  /** Records a call fetch answered from the state as it is now (`call` undefined: answered 404). */
  recordCallFetch(callSid: string, call: SimCall | undefined, now: number): void {
    this.callFetchLog.push({
      seq: (this.lastSeq += 1),
      time: new Date(now).toISOString(),
      callSid,
      status: call ? call.status : null,
      // What the client sees: RFC 2822 has no milliseconds.
      endTime: !call || call.endTime === null ? null : new Date(Math.floor(call.endTime / 1000) * 1000).toISOString(),
    });
  }

  /** Changes that are not status moves (attributes, priority) still invalidate the ETag. */
  touchTask(task: SimTask, now: number): void {
    task.revision += 1;
    task.dateUpdated = now;
  }

  setTaskAttributes(task: SimTask, attributes: string, now: number): void {
    this.replaceAttributes(task, attributes);
    this.touchTask(task, now);
  }

  /** New attributes without a new ETag: for an update that also changes the status (one change, one ETag). */
  replaceAttributes(task: SimTask, attributes: string): void {
    task.attributes = attributes;
    Object.assign(task, readAttributes(attributes));
  }

  deleteTask(sid: string): boolean {
    const task = this.tasks.get(sid);
    if (!task) return false;
    this.tasks.delete(sid);
    this.tasksByOrdinal[task.ordinal] = undefined;
    this.taskIndex.remove(task.assignmentStatus, task.ordinal);
    return true;
  }

  /** Drops closed tasks whose time-to-live has run out; they answer 404 from then on. */
  expireClosedTasks(now: number, ttlMs: number): void {
    while (this.closedQueueHead < this.closedQueue.length) {
      const task = this.closedQueue[this.closedQueueHead];
      if (task.closedAt === null || task.closedAt + ttlMs > now) break;
      this.closedQueueHead += 1;
      if (this.tasks.get(task.sid) === task) this.deleteTask(task.sid);
    }
    if (this.closedQueueHead > 1024 && this.closedQueueHead * 2 > this.closedQueue.length) {
      this.closedQueue = this.closedQueue.slice(this.closedQueueHead);
      this.closedQueueHead = 0;
    }
  }

  setCallStatus(call: SimCall, status: CallStatus, now: number, endedAt?: number): void {
    const wasLive = LIVE_CALL_STATUSES.includes(call.status);
    const isLive = LIVE_CALL_STATUSES.includes(status);
    this.callIndex.move(call.status, status, call.ordinal);
    call.status = status;
    call.dateUpdated = now;
    if (isLive) {
      call.endTime = null;
      call.startTime = status === 'in-progress' ? (call.startTime ?? now) : call.startTime;
    } else if (wasLive || call.endTime === null) {
      call.endTime = endedAt ?? now;
      if (call.startTime === null && status === 'completed') call.startTime = call.dateCreated;
    } else if (endedAt !== undefined) {
      call.endTime = endedAt;
    }
  }
}

export function isClosed(status: AssignmentStatus): boolean {
  return status === 'completed' || status === 'canceled';
}

export function readAttributes(
  attributes: string,
): Pick<SimTask, 'attributesParseable' | 'callSid' | 'legs' | 'messaging'> {
  const unreadable = { attributesParseable: false, callSid: null, legs: [], messaging: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(attributes);
  } catch {
    return unreadable;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return unreadable;
  const object = parsed as Record<string, unknown>;
  const callSid = object.call_sid;
  return {
    attributesParseable: true,
    callSid: typeof callSid === 'string' && callSid.length > 0 ? callSid : null,
    legs: legsOf(object),
    messaging: messagingRefsOf(object),
  };
}

/** Keeps the reservation list consistent with the task status, as TaskRouter does. */
function updateReservations(task: SimTask, to: AssignmentStatus, now: number): void {
  const current = [...task.reservations].reverse().find((r) => ['pending', 'accepted', 'wrapping'].includes(r.status));
  if (!current) return;
  const next = reservationStatusFor(current.status, to);
  if (next && next !== current.status) {
    current.status = next;
    current.dateUpdated = now;
  }
}

function reservationStatusFor(current: ReservationStatus, task: AssignmentStatus): ReservationStatus | null {
  switch (task) {
    case 'pending':
      return current === 'pending' ? 'rescinded' : null;
    case 'reserved':
      return null;
    case 'assigned':
      return 'accepted';
    case 'wrapping':
      return 'wrapping';
    case 'completed':
      return current === 'pending' ? 'canceled' : 'completed';
    case 'canceled':
      return current === 'pending' ? 'canceled' : 'completed';
  }
}
