import { TASK_SID_PATTERN } from '@plugin-stuck-tasks/contract';
import type { HistoryEntry, HistoryOutcome } from '@plugin-stuck-tasks/contract';
import type { TwilioEvent } from '../gateway/types';
import { parseClosedBy } from './closeReason';
import { closureByMarker } from './closureMarker';

/**
 * What the history of closures is made of (pure, no I/O): which TaskRouter events are closures this
 * service made, and the entry each becomes.
 */

/** The event type of each closure outcome, as TaskRouter names them. */
export const CLOSURE_EVENT_TYPES: Readonly<Record<HistoryOutcome, string>> = {
  canceled: 'task.canceled',
  completed: 'task.completed',
};

export const HISTORY_OUTCOMES: readonly HistoryOutcome[] = ['canceled', 'completed'];

const DAY_MS = 86_400_000;

/** The window a history of `days` days covers, ending now: both bounds inclusive. */
export function historyWindow(nowMs: number, days: number): { startMs: number; endMs: number } {
  return { startMs: nowMs - days * DAY_MS, endMs: nowMs };
}

export function outcomeOf(eventType: string): HistoryOutcome | null {
  if (eventType === CLOSURE_EVENT_TYPES.canceled) return 'canceled';
  if (eventType === CLOSURE_EVENT_TYPES.completed) return 'completed';
  return null;
}

/**
 * The reason a closure event carries: `task_canceled_reason` or `task_completed_reason` (where
 * TaskRouter puts it for that event type), else the generic `reason`.
 */
export function closureReasonOf(event: TwilioEvent, outcome: HistoryOutcome): string | null {
  const data = event.event_data ?? {};
  const specific = data[`task_${outcome}_reason`];
  if (typeof specific === 'string') return specific;
  return typeof data.reason === 'string' ? data.reason : null;
}

/** When the event happened, in milliseconds: `event_date_ms`, else `event_date`; null when neither reads. */
export function eventTimeMs(event: TwilioEvent): number | null {
  if (event.event_date_ms !== null && Number.isFinite(event.event_date_ms)) return event.event_date_ms;
  const parsed = event.event_date === null ? NaN : Date.parse(event.event_date);
  return Number.isNaN(parsed) ? null : parsed;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/**
 * The history entry of an event, or null when it is not a closure this service made: a
 * `task.canceled` / `task.completed` event whose reason starts with the service's `closeReason` (a
 * close through the Task API), else whose `task_attributes` carry the service's closure marker written
 * shortly before the event (a close through the interaction channel, closureMarker.ts). `closedBy` is
 * the identity in the reason's "Closed by <identity>." (null when the reason has none), or the
 * marker's; `closedAt` the event's time (ISO 8601). The event's own reason wins over a marker.
 */
export function toHistoryEntry(event: TwilioEvent, closeReason: string): HistoryEntry | null {
  const outcome = outcomeOf(event.event_type);
  if (outcome === null || closeReason === '') return null;
  const data = event.event_data ?? {};
  const taskSid = stringOrNull(data.task_sid) ?? event.resource_sid;
  const atMs = eventTimeMs(event);
  if (taskSid === null || !TASK_SID_PATTERN.test(taskSid) || atMs === null) return null;
  const reason = closureReasonOf(event, outcome);
  const closure =
    reason !== null && reason.startsWith(closeReason)
      ? { reason, closedBy: parseClosedBy(reason, closeReason) }
      : closureByMarker(data.task_attributes, atMs, closeReason);
  if (closure === null) return null;
  return {
    taskSid,
    closedAt: new Date(atMs).toISOString(),
    outcome,
    closedBy: closure.closedBy,
    reason: closure.reason,
    taskQueueName: stringOrNull(data.task_queue_name),
    taskChannel: stringOrNull(data.task_channel_unique_name),
  };
}

/**
 * Which of two events comes first in a history listed newest first: the later one; at the same
 * moment, the greater SID, so that the order is the same on every call.
 */
export function newerFirst(a: TwilioEvent, b: TwilioEvent): number {
  const difference = (eventTimeMs(b) ?? 0) - (eventTimeMs(a) ?? 0);
  if (difference !== 0) return difference;
  return a.sid < b.sid ? 1 : a.sid > b.sid ? -1 : 0;
}
