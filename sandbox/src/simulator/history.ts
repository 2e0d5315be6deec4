import { SANDBOX_CLOSE_REASON, SANDBOX_USERS } from './defaults';
import type { SimEvent } from './events';
import { EVENT_RETENTION_MS } from './events';
import type { SimTask } from './model';
import type { Random } from './random';
import { sid } from './scenario';
import type { SimStore } from './store';

/**
 * Closures from earlier days, as TaskRouter's Events API would still list them: some made by the
 * stuck-tasks service (reason `<CLOSE_REASON> Closed by <identity>.`, by the sandbox admin and
 * supervisor and by CLI operators), some by anyone else (other reasons). Only events: the tasks
 * themselves are long gone (closed tasks answer 404 after their TTL).
 */

export interface HistoryOptions {
  /** Closures made by this service. Default 24. */
  ours?: number;
  /** Closures made by anyone else (orchestration, agents, other tools). Default 12. */
  others?: number;
  /** Spread over this many days before now (1-30). Default 14. */
  days?: number;
}

/** Who made the seeded closures: the sandbox's Flex users and two CLI operators (`cli:<os user>`). */
export const HISTORY_IDENTITIES: readonly string[] = [
  SANDBOX_USERS.admin.identity,
  SANDBOX_USERS.supervisor.identity,
  'cli:ops',
  'cli:night-shift',
];

/** Reasons other people and systems close tasks with: never this service's. */
export const OTHER_CLOSE_REASONS: readonly string[] = [
  'hangup',
  'Task canceled by the customer hanging up',
  'Completed by agent',
  'Wrap-up ended by the supervisor',
  'Transferred to the overflow workspace',
];

/** What a closure added by hand (`addClosureEvent`) looks like. */
export interface AddClosureInput {
  status: 'canceled' | 'completed';
  /** The reason recorded (task_canceled_reason / task_completed_reason). */
  reason: string | null;
  /** How long ago it happened; at most 30 days (older events are gone). */
  closedSecondsAgo: number;
  /** Default the first queue. */
  taskQueueName?: string;
  /** Default voice. */
  channel?: string;
  /** Default a new Task SID. */
  taskSid?: string;
}

export interface EventView {
  sid: string;
  eventType: string;
  eventDate: string;
  taskSid: string;
  reason: string | null;
  taskQueueName: string;
  taskChannel: string;
}

export function eventView(event: SimEvent): EventView {
  const data = event.data;
  const reason = data.task_canceled_reason ?? data.task_completed_reason ?? null;
  return {
    sid: event.sid,
    eventType: event.eventType,
    eventDate: new Date(event.dateMs).toISOString(),
    taskSid: event.taskSid,
    reason: typeof reason === 'string' ? reason : null,
    taskQueueName: String(data.task_queue_name),
    taskChannel: String(data.task_channel_unique_name),
  };
}

/** Adds one closure event in the past, for a task that no longer exists. */
export function addClosure(store: SimStore, rng: Random, input: AddClosureInput, nowMs: number): SimEvent {
  if (input.status !== 'canceled' && input.status !== 'completed') {
    throw new Error(`A closure is canceled or completed, not ${String(input.status)}`);
  }
  if (!Number.isFinite(input.closedSecondsAgo) || input.closedSecondsAgo < 0) {
    throw new Error('closedSecondsAgo must be a number of seconds, 0 or more');
  }
  if (input.closedSecondsAgo * 1000 > EVENT_RETENTION_MS) {
    throw new Error('closedSecondsAgo is beyond the 30 days TaskRouter keeps events');
  }
  const queue = input.taskQueueName ? store.queues.find((q) => q.name === input.taskQueueName) : store.queues[0];
  if (!queue) throw new Error(`Unknown task queue ${String(input.taskQueueName)}`);
  const channel = store.channels.get(input.channel ?? 'voice');
  if (!channel) throw new Error(`Unknown task channel ${String(input.channel)}`);
  if (input.taskSid !== undefined && !/^WT[0-9a-f]{32}$/.test(input.taskSid)) {
    throw new Error(`taskSid must be WT followed by 32 hexadecimal digits, not ${input.taskSid}`);
  }
  const closedAt = nowMs - Math.round(input.closedSecondsAgo * 1000);
  const createdAt = closedAt - rng.int(5, 240) * 60_000;
  const task: SimTask = {
    ordinal: -1,
    sid: input.taskSid ?? sid(rng, 'WT'),
    assignmentStatus: input.status,
    attributes: '{"type":"inbound","direction":"inbound"}',
    attributesParseable: true,
    callSid: null,
    legs: [],
    messaging: null,
    priority: 0,
    reason: input.reason,
    taskQueueSid: queue.sid,
    taskQueueName: queue.name,
    channel: channel.uniqueName,
    taskChannelSid: channel.sid,
    workflowSid: store.workflow.sid,
    workflowName: store.workflow.name,
    timeout: 86400,
    dateCreated: createdAt,
    dateUpdated: closedAt,
    taskQueueEnteredDate: createdAt,
    virtualStartTime: createdAt,
    revision: 3,
    closedAt,
    reservations: [],
    kind: 'closed',
  };
  const event = store.newEvent({
    eventType: input.status === 'canceled' ? 'task.canceled' : 'task.completed',
    dateMs: closedAt,
    task,
    reason: input.reason,
    actor: 'account',
  });
  store.events.add(event);
  return event;
}

/** Seeds the history: `ours` closures by this service and `others` by anyone else, over `days` days. */
export function seedHistory(store: SimStore, rng: Random, options: HistoryOptions | undefined, nowMs: number): void {
  const ours = wholeNumber(options?.ours ?? 24, 'history.ours');
  const others = wholeNumber(options?.others ?? 12, 'history.others');
  const days = options?.days ?? 14;
  if (!Number.isInteger(days) || days < 1 || days > 30)
    throw new Error('history.days must be a whole number from 1 to 30');
  // From an hour ago back to the start of the window: the sandbox's own closures come later.
  const earliest = days * 86_400 - 600;
  const secondsAgo = () => rng.int(3600, Math.max(3600, earliest));
  const queues = store.queues.map((q) => q.name);
  for (let i = 0; i < ours; i += 1) {
    const identity = HISTORY_IDENTITIES[i % HISTORY_IDENTITIES.length];
    addClosure(
      store,
      rng,
      {
        status: i % 3 === 2 ? 'completed' : 'canceled',
        reason: `${SANDBOX_CLOSE_REASON} Closed by ${identity}.`,
        closedSecondsAgo: secondsAgo(),
        taskQueueName: rng.pick(queues),
      },
      nowMs,
    );
  }
  for (let i = 0; i < others; i += 1) {
    addClosure(
      store,
      rng,
      {
        status: i % 2 === 0 ? 'canceled' : 'completed',
        reason: OTHER_CLOSE_REASONS[i % OTHER_CLOSE_REASONS.length],
        closedSecondsAgo: secondsAgo(),
        taskQueueName: rng.pick(queues),
        channel: i % 4 === 3 ? 'chat' : 'voice',
      },
      nowMs,
    );
  }
}

function wholeNumber(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, 0 or more`);
  return value;
}
