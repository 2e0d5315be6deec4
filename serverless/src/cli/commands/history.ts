import path from 'path';
import type { HistoryEntry, HistoryResponse } from '@plugin-stuck-tasks/contract';
import { historyPage } from '../../engine';
import { engineFor } from '../context';
import type { CommandContext, CommonOptions } from '../context';
import { EXIT_CODES } from '../errors';
import { checkOutputFile, writeOutputFile } from '../outputFile';
import { formatHistory, reportFormatFor } from '../report';
import type { HistoryReport, ReportFormat } from '../report';
import { plural, seconds } from '../summary';
import { renderTable } from '../table';
import { printableLine } from '../terminal';

export interface HistoryCommandOptions extends CommonOptions {
  days: number;
  out?: string;
  overwrite: boolean;
  format?: ReportFormat;
}

/** Rows shown in the terminal; the file has them all. */
export const HISTORY_TABLE_ROWS = 50;
/** No Function time limit here: each page may take longer and carry more than the endpoint's. */
const CLI_PAGE_DEADLINE_MS = 30_000;
const CLI_PAGE_ENTRIES = 5_000;

/**
 * `stuck-tasks history`: the closures this service made in the last N days (from TaskRouter's
 * events, as the history endpoint reads them), newest first; a table, and the whole list in --out.
 */
export async function runHistory(context: CommandContext, options: HistoryCommandOptions): Promise<number> {
  const { settings, io } = context;
  const toStdout = options.out === '-';
  const format = reportFormatFor(toStdout || options.out === undefined ? undefined : options.out, options.format);
  const outFile = toStdout || options.out === undefined ? null : path.resolve(io.cwd, options.out);
  if (outFile) checkOutputFile(outFile, options.overwrite);

  const deps = engineFor(context, options);
  const started = Date.now();
  const entries: HistoryEntry[] = [];
  let pageToken: string | null = null;
  do {
    const page: HistoryResponse = await historyPage(
      deps,
      { days: pageToken === null ? options.days : null, pageToken },
      { deadlineMs: CLI_PAGE_DEADLINE_MS, maxEntries: CLI_PAGE_ENTRIES },
    );
    entries.push(...page.entries);
    pageToken = page.nextPageToken;
  } while (pageToken !== null);

  const report: HistoryReport = {
    workspaceSid: settings.workspaceSid,
    generatedAt: new Date().toISOString(),
    days: options.days,
    entries,
  };
  // With the file on standard output, the human-readable part goes to standard error.
  const humans = toStdout ? io.stderr : io.stdout;
  humans.write(renderHistory(entries, options.days, Date.now() - started));
  if (toStdout) {
    io.stdout.write(formatHistory(report, format));
  } else if (outFile) {
    writeOutputFile(outFile, formatHistory(report, format), options.overwrite);
    humans.write(
      `\nWrote ${plural(entries.length, 'closure')} (${format.toUpperCase()}) to ${printableLine(outFile)}\n`,
    );
  }
  return EXIT_CODES.ok;
}

function renderHistory(entries: readonly HistoryEntry[], days: number, elapsedMs: number): string {
  const canceled = entries.filter((entry) => entry.outcome === 'canceled').length;
  const lines = [
    `${plural(entries.length, 'task')} closed by this service in the last ${plural(days, 'day')} ` +
      `(${canceled} canceled, ${entries.length - canceled} completed), newest first (${seconds(elapsedMs)}):`,
    '',
  ];
  if (entries.length === 0) return `${lines[0]}\n`;
  const shown = entries.slice(0, HISTORY_TABLE_ROWS);
  const table = renderTable(
    ['Closed at', 'Task', 'Outcome', 'Closed by', 'Queue', 'Channel'],
    shown.map((entry) => [
      entry.closedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      entry.taskSid,
      entry.outcome,
      entry.closedBy ?? '-',
      entry.taskQueueName ?? '',
      entry.taskChannel ?? '',
    ]),
  );
  const more =
    entries.length > shown.length ? `... and ${entries.length - shown.length} older (all of them in --out FILE)\n` : '';
  return `${lines.join('\n')}\n${table}${more}`;
}
