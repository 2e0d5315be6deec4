import type { CallStatus, ReviewItem, ScannedAssignmentStatus, Suspect } from '@plugin-stuck-tasks/contract';
import { agentDisplayName, suspectKind } from './suspects';

/** The list a row is in: a suspect's own kind, or the needs-review list. */
export type ListKind = 'call_ended' | 'wrapup_overdue' | 'conversation_closed' | 'needs_review';
export const LIST_KINDS: readonly ListKind[] = ['call_ended', 'wrapup_overdue', 'conversation_closed', 'needs_review'];

/** Stands for "no queue" / "no agent" in a filter, where the task's own value is null. */
export const NONE = '';

/**
 * What the supervisor narrowed the lists to. Each criterion left null matches every row; they combine
 * with AND. Ages are in minutes, both bounds inclusive.
 */
export interface TaskFilter {
  /** A queue name, or NONE for tasks without a queue. */
  queue: string | null;
  status: ScannedAssignmentStatus | null;
  kind: ListKind | null;
  /** The primary leg's status; needs-review rows and messaging suspects have none, so they never match one. */
  callStatus: CallStatus | null;
  /** A Worker SID, or NONE for tasks no agent holds. */
  agent: string | null;
  minAgeMinutes: number | null;
  maxAgeMinutes: number | null;
  /**
   * Matched, case-insensitively, inside the task SID, every call SID the row names, a messaging
   * task's conversation, interaction and channel SIDs, and the From and To of every call leg (phone
   * numbers compared without spaces, dashes, dots, parentheses or a leading +, so "415 555 0100"
   * finds +14155550100).
   */
  text: string;
}

export const EMPTY_FILTER: TaskFilter = {
  queue: null,
  status: null,
  kind: null,
  callStatus: null,
  agent: null,
  minAgeMinutes: null,
  maxAgeMinutes: null,
  text: '',
};

export type FilterableTask = Suspect | ReviewItem;

function isSuspect(task: FilterableTask): task is Suspect {
  return 'action' in task;
}

export function listKind(task: FilterableTask): ListKind {
  return isSuspect(task) ? suspectKind(task) : 'needs_review';
}

export function isFilterActive(filter: TaskFilter): boolean {
  return (
    filter.queue !== null ||
    filter.status !== null ||
    filter.kind !== null ||
    filter.callStatus !== null ||
    filter.agent !== null ||
    filter.minAgeMinutes !== null ||
    filter.maxAgeMinutes !== null ||
    filter.text.trim() !== ''
  );
}

/** Every SID a supervisor might paste in to find a row: the task's, each call leg's, the conversation's. */
function searchableSids(task: FilterableTask): string[] {
  const sids = [task.taskSid];
  if (task.callSid) sids.push(task.callSid);
  if (isSuspect(task)) {
    for (const leg of task.legs ?? []) sids.push(leg.callSid);
  }
  for (const sid of [task.conversationSid, task.interactionSid, task.interactionChannelSid]) {
    if (sid) sids.push(sid);
  }
  return sids;
}

/** Every call leg's From and To (phone numbers, `client:` and SIP addresses). */
function callAddresses(task: FilterableTask): string[] {
  const addresses: string[] = [];
  if (isSuspect(task)) {
    // A server older than the legs' numbers sends none.
    for (const leg of task.legs ?? []) {
      if (leg.from) addresses.push(leg.from);
      if (leg.to) addresses.push(leg.to);
    }
  }
  return addresses;
}

/**
 * A phone number as typed or as Twilio gives it, reduced to what identifies it: lower case, without
 * the spaces, dashes, dots and parentheses people write numbers with, nor a leading +.
 */
export function normalisePhoneText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\s\-.()]/g, '')
    .replace(/^\+/, '');
}

/** Builds the test once per filter, so a list of thousands is walked without re-reading the filter. */
export function compileFilter(filter: TaskFilter): (task: FilterableTask) => boolean {
  const needle = filter.text.trim().toLowerCase();
  const phoneNeedle = normalisePhoneText(needle);
  const minSeconds = filter.minAgeMinutes === null ? null : filter.minAgeMinutes * 60;
  const maxSeconds = filter.maxAgeMinutes === null ? null : filter.maxAgeMinutes * 60;
  return (task) => {
    if (filter.queue !== null && (task.taskQueueName ?? NONE) !== filter.queue) return false;
    if (filter.status !== null && task.assignmentStatus !== filter.status) return false;
    if (filter.kind !== null && listKind(task) !== filter.kind) return false;
    if (filter.callStatus !== null && (!isSuspect(task) || task.callStatus !== filter.callStatus)) return false;
    if (filter.agent !== null && (task.workerSid ?? NONE) !== filter.agent) return false;
    if (minSeconds !== null && task.ageSeconds < minSeconds) return false;
    if (maxSeconds !== null && task.ageSeconds > maxSeconds) return false;
    if (needle !== '' && !matchesText(task, needle, phoneNeedle)) return false;
    return true;
  };
}

function matchesText(task: FilterableTask, needle: string, phoneNeedle: string): boolean {
  if (searchableSids(task).some((sid) => sid.toLowerCase().includes(needle))) return true;
  // A needle of only separators ("+", "-") would match every number.
  return phoneNeedle !== '' && callAddresses(task).some((address) => normalisePhoneText(address).includes(phoneNeedle));
}

/** The rows the filter lets through, in their order; the same array when no filter is set. */
export function filterTasks<T extends FilterableTask>(tasks: readonly T[], filter: TaskFilter): readonly T[] {
  if (!isFilterActive(filter)) return tasks;
  const matches = compileFilter(filter);
  return tasks.filter(matches);
}

export interface AgentOption {
  /** Worker SID, or NONE. */
  value: string;
  /** The name, else the SID; null for NONE (the view says "No agent"). */
  name: string | null;
}

export interface FilterOptions {
  /** Queue names (NONE for tasks without one), sorted. */
  queues: string[];
  statuses: ScannedAssignmentStatus[];
  callStatuses: CallStatus[];
  agents: AgentOption[];
}

const STATUS_ORDER: readonly ScannedAssignmentStatus[] = ['pending', 'reserved', 'assigned', 'wrapping'];

/** The values the listed rows actually have, so every choice offered matches something. */
export function filterOptions(tasks: Iterable<FilterableTask>): FilterOptions {
  const queues = new Set<string>();
  const statuses = new Set<ScannedAssignmentStatus>();
  const callStatuses = new Set<CallStatus>();
  const agents = new Map<string, string | null>();
  for (const task of tasks) {
    queues.add(task.taskQueueName ?? NONE);
    statuses.add(task.assignmentStatus);
    if (isSuspect(task) && task.callStatus !== null) callStatuses.add(task.callStatus);
    agents.set(task.workerSid ?? NONE, task.workerSid ? agentDisplayName(task) : null);
  }
  const byName = (a: string, b: string) => a.localeCompare(b);
  return {
    queues: [...queues].sort(byName),
    statuses: [...statuses].sort((a, b) => rank(STATUS_ORDER, a) - rank(STATUS_ORDER, b) || byName(a, b)),
    callStatuses: [...callStatuses].sort(byName),
    agents: [...agents]
      .map(([value, name]) => ({ value, name }))
      // "No agent" first, then by the name the supervisor reads.
      .sort((a, b) => Number(a.value !== NONE) - Number(b.value !== NONE) || byName(a.name ?? '', b.name ?? '')),
  };
}

function rank<T>(order: readonly T[], value: T): number {
  const index = order.indexOf(value);
  return index === -1 ? order.length : index;
}

/** How many of the selected tasks the filter hides (they are still closed by "Close stuck tasks"). */
export function countHiddenSelected(selected: ReadonlySet<string>, shown: Iterable<{ taskSid: string }>): number {
  let shownSelected = 0;
  for (const task of shown) if (selected.has(task.taskSid)) shownSelected += 1;
  return selected.size - shownSelected;
}

/**
 * Reads an age bound typed in minutes: empty means no bound, a whole number of minutes ≥ 0 is one,
 * anything else is 'invalid' (the view says so and ignores it).
 */
export function parseAgeMinutes(text: string): number | null | 'invalid' {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (!/^\d{1,7}$/.test(trimmed)) return 'invalid';
  return Number(trimmed);
}
