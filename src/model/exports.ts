import type { CallLeg, CloseResult, HistoryEntry, ReviewItem, Suspect } from '@plugin-stuck-tasks/contract';
import type { CsvValue } from './csv';
import { toCsv } from './csv';

/**
 * The view's CSV exports. The suspects and needs-review lists use the columns of the CLI's
 * `stuck-tasks scan` report, and the close outcomes those of `close --out`, so a file exported from
 * the view is read by `stuck-tasks close --from` and lines up with the CLI's files in an incident report.
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

export const HISTORY_CSV_COLUMNS = [
  'closedAt',
  'taskSid',
  'outcome',
  'closedBy',
  'taskQueueName',
  'taskChannel',
  'reason',
] as const;

type Row<Columns extends readonly string[]> = Record<Columns[number], CsvValue>;

/** Every leg in one cell: `role:CallSid:status`, separated by `; ` (the primary first), as the CLI writes it. */
export function legsCell(legs: readonly CallLeg[]): string {
  return legs.map((leg) => `${leg.role}:${leg.callSid}:${leg.status}`).join('; ');
}

function suspectRow(suspect: Suspect): Row<typeof TASK_CSV_COLUMNS> {
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

function reviewRow(item: ReviewItem): Row<typeof TASK_CSV_COLUMNS> {
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

export function suspectsCsv(suspects: readonly Suspect[]): string {
  return toCsv(suspects.map(suspectRow), TASK_CSV_COLUMNS);
}

export function needsReviewCsv(items: readonly ReviewItem[]): string {
  return toCsv(items.map(reviewRow), TASK_CSV_COLUMNS);
}

/** The results of the last close; `scanned` gives each task's kind, legs and agent as the scan saw them. */
export function outcomesCsv(
  results: readonly CloseResult[],
  scanned: ReadonlyMap<string, Suspect | ReviewItem> = new Map(),
): string {
  return toCsv(
    results.map((result) => {
      const task = scanned.get(result.taskSid);
      const suspect = task !== undefined && 'action' in task ? task : null;
      return {
        taskSid: result.taskSid,
        outcome: result.outcome,
        message: result.message,
        suspectKind: suspect?.kind ?? null,
        assignmentStatus: task?.assignmentStatus ?? null,
        legs: suspect ? legsCell(suspect.legs ?? []) : null,
        workerSid: task?.workerSid ?? null,
        workerName: task?.workerName ?? null,
      };
    }),
    OUTCOME_CSV_COLUMNS,
  );
}

export function historyCsv(entries: readonly HistoryEntry[]): string {
  return toCsv(
    entries.map((entry) => ({ ...entry })),
    HISTORY_CSV_COLUMNS,
  );
}

/** `stuck-tasks-suspects-2026-12-02T10-41-07Z.csv`: sortable, and no character a file system refuses. */
export function exportFileName(what: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
  return `stuck-tasks-${what}-${stamp}.csv`;
}
