import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { z } from 'zod';
import {
  HISTORY_CSV_COLUMNS,
  OUTCOME_CSV_COLUMNS,
  TASK_CSV_COLUMNS,
  TASK_SID_PATTERN,
  legsCell,
  reviewCsvRow,
  suspectCsvRow,
} from '@plugin-stuck-tasks/contract';
import type {
  CloseOutcome,
  CloseResult,
  HistoryEntry,
  OrphanConversation,
  OrphanConversationsCounts,
  ReviewItem,
  ScanCounts,
  Suspect,
} from '@plugin-stuck-tasks/contract';
import { CliError, EXIT_CODES } from './errors';

export type ReportFormat = 'csv' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['csv', 'json'];

/** What `scan` found in the whole workspace; also the JSON report's shape. */
export interface WorkspaceReport {
  workspaceSid: string;
  generatedAt: string;
  graceSeconds: number;
  counts: ScanCounts;
  suspects: Suspect[];
  needsReview: ReviewItem[];
}

export type ReportKind = 'suspect' | 'needs_review';

// Queue names, channel names and Twilio's messages are free text; a spreadsheet would run a cell
// starting with one of these as a formula, so such cells get a leading apostrophe (the OWASP advice
// for CSV exports).
const FORMULA_TRIGGER = /^[=+\-@\t\r]/;

/**
 * Every CSV the CLI writes goes through here: RFC 4180 quoting, CRLF, a header row, and the formula
 * guard on every string cell.
 */
export function toCsv<Column extends string>(
  rows: readonly Record<Column, string | number | null>[],
  columns: readonly Column[],
): string {
  return stringifyCsv([...rows], {
    header: true,
    columns: [...columns],
    record_delimiter: 'windows',
    // csv-stringify quotes a field holding the whole record delimiter (CRLF) but not a lone LF or CR,
    // which readers then take as the end of the record: quote every field with a line break.
    quoted_match: /[\r\n]/,
    cast: { string: (value) => (FORMULA_TRIGGER.test(value) ? `'${value}` : value) },
  });
}

export function formatReport(report: WorkspaceReport, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  const rows = [...report.suspects.map(suspectCsvRow), ...report.needsReview.map(reviewCsvRow)];
  return toCsv(rows, TASK_CSV_COLUMNS);
}

/** Picks the format from an explicit choice, else from the file name (`.json`), else CSV. */
export function reportFormatFor(file: string | undefined, explicit: ReportFormat | undefined): ReportFormat {
  if (explicit) return explicit;
  return file !== undefined && /\.json$/i.test(file) ? 'json' : 'csv';
}

/** Task SIDs read back from a report, split by what the scan said about them. */
export interface CloseTargets {
  suspects: string[];
  needsReview: string[];
  /** SIDs listed more than once; each is closed once. */
  duplicates: string[];
}

function badFile(file: string, problem: string): CliError {
  return new CliError(`Cannot use ${file} with --from: ${problem}`, EXIT_CODES.usage);
}

interface ListedTask {
  taskSid: unknown;
  kind: ReportKind;
  where: string;
}

function listedFromJson(file: string, text: string): ListedTask[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw badFile(file, `it is not valid JSON (${(error as Error).message}).`);
  }
  const shape = z.object({ suspects: z.array(z.unknown()), needsReview: z.array(z.unknown()).optional() });
  const parsed = shape.safeParse(data);
  if (!parsed.success) {
    throw badFile(file, 'expected the JSON written by `stuck-tasks scan --format json` (an object with "suspects").');
  }
  const { suspects, needsReview } = parsed.data;
  const sidOf = (entry: unknown) =>
    typeof entry === 'object' && entry !== null ? (entry as { taskSid?: unknown }).taskSid : entry;
  return [
    ...suspects.map((entry, index) => ({
      taskSid: sidOf(entry),
      kind: 'suspect' as const,
      where: `suspects[${index}]`,
    })),
    ...(needsReview ?? []).map((entry, index) => ({
      taskSid: sidOf(entry),
      kind: 'needs_review' as const,
      where: `needsReview[${index}]`,
    })),
  ];
}

function listedFromCsv(file: string, text: string): ListedTask[] {
  let records: Record<string, string>[];
  try {
    records = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (error) {
    throw badFile(file, `it is not valid CSV (${(error as Error).message}).`);
  }
  if (records.length > 0 && !('taskSid' in records[0])) {
    throw badFile(file, 'the CSV has no "taskSid" column.');
  }
  return records.map((record, index) => {
    const kind = record.kind === undefined || record.kind === '' ? 'suspect' : record.kind;
    if (kind !== 'suspect' && kind !== 'needs_review') {
      throw badFile(file, `line ${index + 2}: kind "${kind}" is neither "suspect" nor "needs_review".`);
    }
    return { taskSid: record.taskSid, kind, where: `line ${index + 2}` };
  });
}

/**
 * Reads the Task SIDs to close from a report written by `scan` (CSV or JSON). A hand-edited CSV with
 * only a `taskSid` column also works: its rows count as suspects. Every bad row is reported at once.
 */
export function parseCloseTargets(file: string, text: string, format: ReportFormat | undefined): CloseTargets {
  const looksLikeJson = /^\s*[[{]/.test(text);
  const listed =
    (format ?? (looksLikeJson ? 'json' : 'csv')) === 'json' ? listedFromJson(file, text) : listedFromCsv(file, text);
  const invalid = listed.filter((entry) => typeof entry.taskSid !== 'string' || !TASK_SID_PATTERN.test(entry.taskSid));
  if (invalid.length > 0) {
    const shown = invalid
      .slice(0, 10)
      .map((entry) => `${entry.where}: ${JSON.stringify(entry.taskSid ?? null)}`)
      .join('; ');
    const more = invalid.length > 10 ? ` and ${invalid.length - 10} more` : '';
    throw badFile(file, `${invalid.length} entries are not Task SIDs (WT + 32 hex): ${shown}${more}.`);
  }
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  const targets: CloseTargets = { suspects: [], needsReview: [], duplicates: [] };
  for (const entry of listed) {
    const sid = entry.taskSid as string;
    if (seen.has(sid)) {
      duplicates.add(sid);
      continue;
    }
    seen.add(sid);
    (entry.kind === 'suspect' ? targets.suspects : targets.needsReview).push(sid);
  }
  targets.duplicates = [...duplicates];
  return targets;
}

export const CLOSE_OUTCOMES: readonly CloseOutcome[] = ['canceled', 'completed', 'not_stuck', 'not_found', 'failed'];

/** What the scan that chose a task said about it: the suspect or review item, by Task SID. */
export type ScannedTasks = ReadonlyMap<string, Suspect | ReviewItem>;

/** The scan's view of a closed task, as the outcome reports carry it; null fields when the scan is not known. */
function scannedFields(scanned: Suspect | ReviewItem | undefined) {
  const suspect = scanned !== undefined && 'kind' in scanned ? scanned : null;
  return {
    suspectKind: suspect?.kind ?? null,
    assignmentStatus: scanned?.assignmentStatus ?? null,
    legs: suspect?.legs ?? null,
    workerSid: scanned?.workerSid ?? null,
    workerName: scanned?.workerName ?? null,
  };
}

/**
 * The per-task outcomes of `close --out`, with totals in the JSON form. With `scanned` (a close that
 * scanned first), each result also carries the task's kind, legs and agent as the scan saw them.
 */
export function formatOutcomes(
  workspaceSid: string,
  results: readonly CloseResult[],
  format: ReportFormat,
  scanned: ScannedTasks = new Map(),
): string {
  const rows = results.map((result) => ({ ...result, ...scannedFields(scanned.get(result.taskSid)) }));
  if (format === 'json') {
    const totals = Object.fromEntries(CLOSE_OUTCOMES.map((outcome) => [outcome, 0]));
    for (const result of results) totals[result.outcome] += 1;
    const document = { workspaceSid, finishedAt: new Date().toISOString(), totals, results: rows };
    return `${JSON.stringify(document, null, 2)}\n`;
  }
  return toCsv(
    rows.map((row) => ({ ...row, legs: row.legs === null ? null : legsCell(row.legs) })),
    OUTCOME_CSV_COLUMNS,
  );
}

/** What `history` found; also the JSON form's shape. */
export interface HistoryReport {
  workspaceSid: string;
  generatedAt: string;
  days: number;
  entries: HistoryEntry[];
}

/** The history of closures as CSV (through toCsv: RFC 4180 and the formula guard) or JSON. */
export function formatHistory(report: HistoryReport, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  return toCsv(
    report.entries.map((entry) => ({ ...entry })),
    HISTORY_CSV_COLUMNS,
  );
}

/** What `orphans` found; also the JSON form's shape. */
export interface OrphansReport {
  workspaceSid: string;
  generatedAt: string;
  graceSeconds: number;
  counts: OrphanConversationsCounts;
  conversations: OrphanConversation[];
}

/** The columns of the reverse orphans' CSV: the contract's fields, in its order. */
export const ORPHAN_CSV_COLUMNS = [
  'conversationSid',
  'state',
  'friendlyName',
  'dateCreated',
  'dateUpdated',
  'idleSeconds',
] as const satisfies readonly (keyof OrphanConversation)[];

/** Reverse orphans as CSV (through toCsv: RFC 4180 and the formula guard) or JSON. */
export function formatOrphans(report: OrphansReport, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  return toCsv(
    report.conversations.map((conversation) => ({ ...conversation })),
    ORPHAN_CSV_COLUMNS,
  );
}
