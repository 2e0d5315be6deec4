import type { ScannedAssignmentStatus, Suspect } from '@plugin-stuck-tasks/contract';
import { NONE } from './filters';

/** The statuses a suspect can have, in the order the picture stacks them. */
export const OUTAGE_STATUSES: readonly ScannedAssignmentStatus[] = ['pending', 'reserved', 'assigned', 'wrapping'];

export interface QueueBar {
  /** The queue name, or NONE. */
  queue: string;
  byStatus: Record<ScannedAssignmentStatus, number>;
  total: number;
}

const zeroByStatus = (): Record<ScannedAssignmentStatus, number> => ({
  pending: 0,
  reserved: 0,
  assigned: 0,
  wrapping: 0,
});

/** Suspects per queue, split by status; the hardest-hit queue first (ties by name). */
export function suspectsByQueue(suspects: Iterable<Suspect>): QueueBar[] {
  const bars = new Map<string, QueueBar>();
  for (const suspect of suspects) {
    const queue = suspect.taskQueueName ?? NONE;
    let bar = bars.get(queue);
    if (!bar) {
      bar = { queue, byStatus: zeroByStatus(), total: 0 };
      bars.set(queue, bar);
    }
    bar.byStatus[suspect.assignmentStatus] = (bar.byStatus[suspect.assignmentStatus] ?? 0) + 1;
    bar.total += 1;
  }
  return [...bars.values()].sort((a, b) => b.total - a.total || a.queue.localeCompare(b.queue));
}

export interface HourBar {
  /** Start of the hour (epoch milliseconds). */
  hourStart: number;
  count: number;
}

export interface EndHours {
  /** Every hour from the first to the last end, empty hours included, so the gaps show. */
  hours: HourBar[];
  /** Suspects whose calls have no end time Twilio reported. */
  unknown: number;
  /** Hours before the shown ones, when the ends spread over more than `maxHours`. */
  earlier: number;
}

const HOUR = 3_600_000;

/**
 * Suspects by the hour their call ended. Hours are cut on the hour in UTC, which is the hour on the
 * reader's clock in every whole-hour time zone. At most `maxHours` bars (the latest ones): an outage is
 * hours, not weeks, and the older ends are counted in `earlier`.
 */
export function suspectsByEndHour(suspects: Iterable<Suspect>, maxHours = 48): EndHours {
  const counts = new Map<number, number>();
  let unknown = 0;
  for (const suspect of suspects) {
    // A messaging suspect has no call: its conversation's end stands in.
    const endedAt = suspect.callEndedAt ?? suspect.conversationEndedAt ?? null;
    const millis = endedAt === null ? NaN : Date.parse(endedAt);
    if (Number.isNaN(millis)) {
      unknown += 1;
      continue;
    }
    const hourStart = Math.floor(millis / HOUR) * HOUR;
    counts.set(hourStart, (counts.get(hourStart) ?? 0) + 1);
  }
  if (counts.size === 0) return { hours: [], unknown, earlier: 0 };
  const last = Math.max(...counts.keys());
  const first = Math.max(Math.min(...counts.keys()), last - (maxHours - 1) * HOUR);
  let earlier = 0;
  for (const [hourStart, count] of counts) if (hourStart < first) earlier += count;
  const hours: HourBar[] = [];
  for (let hourStart = first; hourStart <= last; hourStart += HOUR) {
    hours.push({ hourStart, count: counts.get(hourStart) ?? 0 });
  }
  return { hours, unknown, earlier };
}
