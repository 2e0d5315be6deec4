import type { CloseAction, CloseResult, ScannedTask, Suspect, SuspectKind } from '@plugin-stuck-tasks/contract';
import { MAX_CLOSE_BATCH } from '@plugin-stuck-tasks/contract';

export type SortKey =
  'taskSid' | 'assignmentStatus' | 'taskQueueName' | 'age' | 'agent' | 'callStatus' | 'ended' | 'action';
export type SortDirection = 'ascending' | 'descending';
export interface SortOrder {
  key: SortKey;
  direction: SortDirection;
}

/** Oldest first: the longest-stuck tasks are the ones agents and customers noticed. */
export const DEFAULT_SORT: SortOrder = { key: 'age', direction: 'descending' };

function endedAtMillis(suspect: Suspect): number | null {
  // A messaging suspect's end is its conversation's close (the table's "Call ended" shows that too).
  const end = suspect.callEndedAt ?? suspect.conversationEndedAt;
  const millis = end === null ? NaN : Date.parse(end);
  return Number.isNaN(millis) ? null : millis;
}

/**
 * The group a suspect is listed in. A suspect without a kind (a server older than the contract) is an
 * open task whose call ended: that is all such a server ever listed.
 */
export function suspectKind(suspect: Suspect): SuspectKind {
  // Kinds a newer server may add fall in with the ended calls rather than vanish.
  return suspect.kind === 'wrapup_overdue' || suspect.kind === 'conversation_closed' ? suspect.kind : 'call_ended';
}

/** The agent as a supervisor knows them: the name, else the Worker SID, else null (no agent holds it). */
export function agentDisplayName(task: Pick<ScannedTask, 'workerSid' | 'workerName'>): string | null {
  const name = task.workerName?.trim();
  return name ? name : (task.workerSid ?? null);
}

/** Distinct agents held by the listed suspects: one agent holding three stuck tasks is one blocked agent. */
export function countBlockedAgents(suspects: Iterable<Suspect>): number {
  const workers = new Set<string>();
  for (const suspect of suspects) {
    if (suspect.workerSid) workers.add(suspect.workerSid);
  }
  return workers.size;
}

export function countKinds(suspects: Iterable<Suspect>): Record<SuspectKind, number> {
  const counts: Record<SuspectKind, number> = { call_ended: 0, wrapup_overdue: 0, conversation_closed: 0 };
  for (const suspect of suspects) {
    counts[suspectKind(suspect)] += 1;
  }
  return counts;
}

// One collator for every comparison: `String.prototype.localeCompare` builds its collation each call,
// which made sorting 2,000 suspects (mostly tie-breaks on the SID) cost a noticeable pause. Same order.
const collator = new Intl.Collator();
const compareText = (a: string, b: string) => collator.compare(a, b);

const COMPARATORS: Record<SortKey, (a: Suspect, b: Suspect) => number> = {
  taskSid: (a, b) => compareText(a.taskSid, b.taskSid),
  assignmentStatus: (a, b) => compareText(a.assignmentStatus, b.assignmentStatus),
  taskQueueName: (a, b) => compareText(a.taskQueueName ?? '', b.taskQueueName ?? ''),
  age: (a, b) => a.ageSeconds - b.ageSeconds,
  // Tasks no agent holds sort before every name, so ascending starts with them and descending ends.
  agent: (a, b) => compareText(agentDisplayName(a) ?? '', agentDisplayName(b) ?? ''),
  // Messaging suspects have no call: their conversation's end state stands in.
  callStatus: (a, b) =>
    compareText(a.callStatus ?? a.conversationState ?? '', b.callStatus ?? b.conversationState ?? ''),
  // "Call ended" reads as time elapsed, so ascending means most recent end first.
  ended: (a, b) => (endedAtMillis(b) ?? 0) - (endedAtMillis(a) ?? 0),
  action: (a, b) => compareText(a.action, b.action),
};

export function sortSuspects(suspects: readonly Suspect[], order: SortOrder): Suspect[] {
  const compare = COMPARATORS[order.key];
  const sign = order.direction === 'ascending' ? 1 : -1;
  // Unknown end times go last either way; ties fall back to the SID so rescans keep the order.
  const unknownLast = (a: Suspect, b: Suspect) =>
    order.key === 'ended' ? Number(endedAtMillis(a) === null) - Number(endedAtMillis(b) === null) : 0;
  return [...suspects].sort((a, b) => unknownLast(a, b) || sign * compare(a, b) || compareText(a.taskSid, b.taskSid));
}

export function splitIntoBatches<T>(items: readonly T[], size: number = MAX_CLOSE_BATCH): T[][] {
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`batch size must be a positive integer, got ${size}`);
  }
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    batches.push(items.slice(start, start + size));
  }
  return batches;
}

export function countActions(suspects: Iterable<Suspect>): Record<CloseAction, number> {
  const counts: Record<CloseAction, number> = { cancel: 0, complete: 0, close_interaction: 0 };
  for (const suspect of suspects) {
    counts[suspect.action] += 1;
  }
  return counts;
}

export interface OutcomeSummary {
  total: number;
  closed: number;
  canceled: number;
  completed: number;
  notStuck: number;
  notFound: number;
  failed: number;
}

export function summariseOutcomes(results: readonly CloseResult[]): OutcomeSummary {
  const summary: OutcomeSummary = {
    total: results.length,
    closed: 0,
    canceled: 0,
    completed: 0,
    notStuck: 0,
    notFound: 0,
    failed: 0,
  };
  for (const { outcome } of results) {
    if (outcome === 'canceled') summary.canceled += 1;
    else if (outcome === 'completed') summary.completed += 1;
    else if (outcome === 'not_stuck') summary.notStuck += 1;
    else if (outcome === 'not_found') summary.notFound += 1;
    else summary.failed += 1;
  }
  summary.closed = summary.canceled + summary.completed;
  return summary;
}

/** Outcomes after which the task has nothing left to do in this list. */
export function leavesTheList(result: CloseResult): boolean {
  return result.outcome === 'canceled' || result.outcome === 'completed' || result.outcome === 'not_found';
}
