import type { CloseResult, HistoryEntry, ReviewItem, Suspect } from '@plugin-stuck-tasks/contract';
import {
  HISTORY_CSV_COLUMNS,
  OUTCOME_CSV_COLUMNS,
  TASK_CSV_COLUMNS,
  legsCell,
  reviewCsvRow,
  suspectCsvRow,
} from '@plugin-stuck-tasks/contract';
import { toCsv } from './csv';

/**
 * The view's CSV exports, in the columns and rows of the CLI's reports (`csvReports` in the contract),
 * so a file exported from the view is read by `stuck-tasks close --from` and lines up with the CLI's
 * files in an incident report.
 */

export function suspectsCsv(suspects: readonly Suspect[]): string {
  return toCsv(suspects.map(suspectCsvRow), TASK_CSV_COLUMNS);
}

export function needsReviewCsv(items: readonly ReviewItem[]): string {
  return toCsv(items.map(reviewCsvRow), TASK_CSV_COLUMNS);
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
