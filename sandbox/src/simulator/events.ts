import type { AssignmentStatus, SimTask } from './model';
import { isoDate } from './render';

/**
 * TaskRouter's Event resource (`GET /v1/Workspaces/{WS}/Events`): what happened to the workspace's
 * tasks. The simulator records one event per task update it applies and keeps them for
 * EVENT_RETENTION_MS, as Twilio keeps 30 days of TaskRouter events.
 */

/** TaskRouter keeps 30 days of events. */
export const EVENT_RETENTION_MS = 30 * 24 * 3600 * 1000;

/** The workspace's name in event data (the simulator's workspace has no other name). */
export const WORKSPACE_NAME = 'Flex Task Assignment';

/** The task event types the simulator records. */
export type TaskEventType = 'task.canceled' | 'task.completed' | 'task.wrapup' | 'task.updated';

export interface SimEvent {
  sid: string;
  /** Order of recording: breaks ties between events of the same millisecond. */
  seq: number;
  eventType: TaskEventType;
  dateMs: number;
  /** The task the event is about (resource_sid). */
  taskSid: string;
  taskQueueSid: string;
  workflowSid: string;
  taskChannel: string;
  taskChannelSid: string;
  description: string;
  /** Who made the change: the account (an API request) or the workspace (TaskRouter itself). */
  actor: 'account' | 'workspace';
  /** event_data as Twilio sends it for task events (snake_case). */
  data: Record<string, unknown>;
}

/** The event type a status change records. */
export function eventTypeOf(to: AssignmentStatus | null): TaskEventType {
  switch (to) {
    case 'canceled':
      return 'task.canceled';
    case 'completed':
      return 'task.completed';
    case 'wrapping':
      return 'task.wrapup';
    default:
      return 'task.updated';
  }
}

/**
 * event_data of a task event, with the fields Twilio's task events carry: the task, its queue, channel
 * and workflow, its status after the change and, for a cancel or complete, the reason in
 * `task_canceled_reason` / `task_completed_reason` (also in `reason`).
 */
export function taskEventData(
  task: SimTask,
  workspaceSid: string,
  eventType: TaskEventType,
  reason: string | null,
  nowMs: number,
): Record<string, unknown> {
  return {
    workspace_sid: workspaceSid,
    workspace_name: WORKSPACE_NAME,
    task_sid: task.sid,
    task_attributes: task.attributes,
    task_age: Math.max(0, Math.floor((nowMs - task.dateCreated) / 1000)),
    task_date_created: isoDate(task.dateCreated),
    task_priority: task.priority,
    task_assignment_status: task.assignmentStatus,
    ...(eventType === 'task.canceled' ? { task_canceled_reason: reason } : {}),
    ...(eventType === 'task.completed' ? { task_completed_reason: reason } : {}),
    ...(eventType === 'task.canceled' || eventType === 'task.completed' ? { reason } : {}),
    task_queue_sid: task.taskQueueSid,
    task_queue_name: task.taskQueueName,
    task_queue_entered_date: isoDate(task.taskQueueEnteredDate),
    task_channel_sid: task.taskChannelSid,
    task_channel_unique_name: task.channel,
    task_version: task.revision,
    workflow_sid: task.workflowSid,
    workflow_name: task.workflowName,
  };
}

/** Events kept in (date, seq) order; reads drop what is older than the retention. */
export class EventLog {
  private events: SimEvent[] = [];

  get size(): number {
    return this.events.length;
  }

  /** Adds an event where its date puts it (backdated history goes before newer events). */
  add(event: SimEvent): void {
    const at = this.indexAfter(event.dateMs, event.seq);
    this.events.splice(at, 0, event);
  }

  /** Drops the events older than the retention. */
  expire(nowMs: number): void {
    const cutoff = nowMs - EVENT_RETENTION_MS;
    let drop = 0;
    while (drop < this.events.length && this.events[drop].dateMs < cutoff) drop += 1;
    if (drop > 0) this.events.splice(0, drop);
  }

  /**
   * Events newest first, from just before `before` (exclusive; null = the newest), those `accept`
   * keeps, up to `limit` of them and whether more follow.
   */
  newestFirst(
    before: { dateMs: number; seq: number } | null,
    accept: (event: SimEvent) => boolean,
    limit: number,
  ): { items: SimEvent[]; more: boolean } {
    let index = before === null ? this.events.length - 1 : this.indexAfter(before.dateMs, before.seq - 1) - 1;
    const items: SimEvent[] = [];
    for (; index >= 0; index -= 1) {
      const event = this.events[index];
      if (!accept(event)) continue;
      if (items.length === limit) return { items, more: true };
      items.push(event);
    }
    return { items, more: false };
  }

  /** Every event, oldest first (control views and tests). */
  all(): SimEvent[] {
    return [...this.events];
  }

  /** Index of the first event after (dateMs, seq) in (date, seq) order. */
  private indexAfter(dateMs: number, seq: number): number {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const event = this.events[mid];
      if (event.dateMs < dateMs || (event.dateMs === dateMs && event.seq <= seq)) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
