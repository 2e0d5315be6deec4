import type { HistoryEntry, HistoryResponse } from '@plugin-stuck-tasks/contract';
import { historyPage } from '../../engine';
import { engineFor } from '../context';
import type { CommandContext, CommonOptions } from '../context';
import { EXIT_CODES } from '../errors';
import { listingOutput } from '../listingOutput';
import { formatHistory } from '../report';
import type { HistoryReport, ReportFormat } from '../report';
import { plural, seconds } from '../summary';
import { renderTable } from '../table';

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
  const output = listingOutput(io, options);

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
  output.humans.write(renderHistory(entries, options.days, Date.now() - started));
  output.deliver(formatHistory(report, output.format), plural(entries.length, 'closure'));
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
