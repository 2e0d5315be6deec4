/**
 * The columns and rows of the task reports both sides write: the CLI's `scan` report and `close`
 * outcomes, and the view's CSV exports. One definition, so a file exported from the view is read by
 * `stuck-tasks close --from` and lines up with the CLI's files. Pure: the writers (CSV quoting, the
 * formula guard) stay with each side.
 */
import type { CallLeg, ReviewItem, Suspect } from './index';

/**
 * Column order of the CSV report; `kind` and `taskSid` are what `close --from` reads back. `kind` is
 * the row's list (suspect or needs_review); a suspect's own kind (call_ended, wrapup_overdue,
 * conversation_closed) is `suspectKind`. The conversation and interaction columns are empty for voice
 * tasks; the call columns are empty for messaging tasks. New columns go at the end, so that sheets
 * reading the earlier ones by position keep working.
 */
export const TASK_CSV_COLUMNS = [
  'kind',
  'taskSid',
  'assignmentStatus',
  'suspectKind',
  'action',
  'problem',
  'taskChannel',
  'taskQueueName',
  'ageSeconds',
  'dateCreated',
  'callSid',
  'callStatus',
  'callEndedAt',
  'legs',
  'workerSid',
  'workerName',
  'conversationSid',
  'conversationState',
  'conversationEndedAt',
  'interactionSid',
  'interactionChannelSid',
  'channelType',
] as const;

/** Every leg in one cell: `role:CallSid:status`, separated by `; ` (the primary first). */
export function legsCell(legs: readonly CallLeg[]): string {
  return legs.map((leg) => `${leg.role}:${leg.callSid}:${leg.status}`).join('; ');
}

/** One row of a task report, before CSV quoting (null = empty cell). */
export type TaskCsvRow = Record<(typeof TASK_CSV_COLUMNS)[number], string | number | null>;

export function suspectCsvRow(suspect: Suspect): TaskCsvRow {
  return {
    kind: 'suspect',
    taskSid: suspect.taskSid,
    assignmentStatus: suspect.assignmentStatus,
    suspectKind: suspect.kind,
    action: suspect.action,
    problem: null,
    taskChannel: suspect.taskChannel,
    taskQueueName: suspect.taskQueueName,
    ageSeconds: suspect.ageSeconds,
    dateCreated: suspect.dateCreated,
    callSid: suspect.callSid,
    callStatus: suspect.callStatus,
    callEndedAt: suspect.callEndedAt,
    // A server older than the legs contract sends none.
    legs: legsCell(suspect.legs ?? []),
    workerSid: suspect.workerSid,
    workerName: suspect.workerName,
    // A server older than the messaging contract sends none of these.
    conversationSid: suspect.conversationSid ?? null,
    conversationState: suspect.conversationState ?? null,
    conversationEndedAt: suspect.conversationEndedAt ?? null,
    interactionSid: suspect.interactionSid ?? null,
    interactionChannelSid: suspect.interactionChannelSid ?? null,
    channelType: suspect.channelType ?? null,
  };
}

export function reviewCsvRow(item: ReviewItem): TaskCsvRow {
  return {
    kind: 'needs_review',
    taskSid: item.taskSid,
    assignmentStatus: item.assignmentStatus,
    suspectKind: null,
    action: null,
    problem: item.problem,
    taskChannel: item.taskChannel,
    taskQueueName: item.taskQueueName,
    ageSeconds: item.ageSeconds,
    dateCreated: item.dateCreated,
    callSid: item.callSid,
    callStatus: null,
    callEndedAt: null,
    legs: null,
    workerSid: item.workerSid,
    workerName: item.workerName,
    conversationSid: item.conversationSid ?? null,
    conversationState: null,
    conversationEndedAt: null,
    interactionSid: item.interactionSid ?? null,
    interactionChannelSid: item.interactionChannelSid ?? null,
    channelType: null,
  };
}

/** Columns of the `close --out` CSV: the outcome, then what the scan said about the task (empty when closed from a file). */
export const OUTCOME_CSV_COLUMNS = [
  'taskSid',
  'outcome',
  'message',
  'suspectKind',
  'assignmentStatus',
  'legs',
  'workerSid',
  'workerName',
] as const;

/** Columns of the `history --out` CSV: one closure per row, newest first. */
export const HISTORY_CSV_COLUMNS = [
  'closedAt',
  'taskSid',
  'outcome',
  'closedBy',
  'taskQueueName',
  'taskChannel',
  'reason',
] as const;
