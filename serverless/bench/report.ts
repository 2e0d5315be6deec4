/** The bench's printed figures: the tables (plain or Markdown) and what each column means. */
import { renderTable } from '../src/cli/table';
import type { BenchOptions } from './options';
import type { RowFigures } from './runners';
import { GRACE_SECONDS } from './runners';

const REQUEST_KINDS = ['tasks.list', 'tasks.fetch', 'tasks.update', 'calls.list', 'calls.fetch'] as const;

/** The engine gateway's request kinds, in the order a scan uses them (updateTask: the close only). */
const SCAN_REQUEST_KINDS = [
  'listTasks',
  'listCalls',
  'fetchCall',
  'listReservations',
  'fetchTask',
  'updateTask',
] as const;

export const seconds = (ms: number | null) => (ms === null ? '-' : (ms / 1000).toFixed(1));

/** ", wrap-ups overdue after 30 min" for engine rows with the setting on; "" otherwise. */
export function wrapupLabel(row: RowFigures): string {
  return row.wrapupOverdueMinutes === null ? '' : `, wrap-ups overdue after ${row.wrapupOverdueMinutes} min`;
}

const ratio = (ms: number, floorMs: number | null) => (floorMs ? `${(ms / floorMs).toFixed(2)}x` : '-');

export function printTables(rows: RowFigures[], options: BenchOptions, write: (text: string) => void): void {
  const render = options.markdown ? renderMarkdown : renderTable;
  if (options.only !== 'scan') printRunTables(rows, render, write);
  printScanTable(rows, render, write);
}

type Render = (header: readonly string[], rows: readonly (readonly (string | number)[])[]) => string;

/**
 * The scan phase of each engine row on its own, its requests by kind as the engine's gateway counted
 * them: what listing the live calls, fetching the other legs and listing the reservations of suspects
 * cost.
 */
function printScanTable(rows: RowFigures[], render: Render, write: (text: string) => void): void {
  const scanned = rows.filter((row) => row.scan !== null);
  if (scanned.length === 0) return;
  write("\nScan phase (requests by kind as the engine's gateway counted them, retries included):\n\n");
  write(
    render(
      [
        'tasks',
        'runner',
        'scan s',
        'requests',
        ...SCAN_REQUEST_KINDS,
        '429s',
        'floor s',
        'scan/floor',
        'stuck',
        'overdue wrap-ups',
        'review',
        'active',
      ],
      scanned.map((row) => {
        const scan = row.scan as NonNullable<RowFigures['scan']>;
        return [
          row.size,
          `${row.runner.label}${wrapupLabel(row)}`,
          seconds(scan.ms),
          scan.totalRequests,
          ...SCAN_REQUEST_KINDS.map((kind) => scan.requests[kind] ?? 0),
          scan.throttled,
          seconds(scan.floorMs),
          ratio(scan.ms, scan.floorMs),
          scan.counts.stuck,
          scan.counts.wrapupOverdue ?? '-',
          scan.counts.needsReview,
          scan.counts.active,
        ];
      }),
    ),
  );
}

function printRunTables(rows: RowFigures[], render: Render, write: (text: string) => void): void {
  write(
    render(
      [
        'tasks',
        'runner',
        'wall s',
        'scan s',
        'close s',
        'requests',
        '429s',
        'peak in flight',
        'closed',
        'failures',
        'stuck left open',
        'wrongly closed',
        'floor s',
        'wall/floor',
      ],
      rows.map((row) => [
        row.size,
        `${row.runner.label}${wrapupLabel(row)}`,
        seconds(row.wallMs),
        seconds(row.scanMs),
        seconds(row.closeMs),
        row.totalRequests,
        row.throttled,
        row.peakInFlight,
        row.closed,
        row.failures,
        row.stuckLeftOpen,
        row.wronglyClosed,
        seconds(row.floorMs),
        ratio(row.wallMs, row.floorMs),
      ]),
    ),
  );
  write('\nRequests by kind (every HTTP request the simulator received, 429s and retries included):\n\n');
  write(
    render(
      ['tasks', 'runner', ...REQUEST_KINDS, 'note'],
      rows.map((row) => [
        row.size,
        `${row.runner.label}${wrapupLabel(row)}`,
        ...REQUEST_KINDS.map((kind) => row.requests[kind] ?? 0),
        row.note,
      ]),
    ),
  );
}

export function renderMarkdown(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n') + '\n';
}

/** What each column means, and the bench's wall time. */
export function printLegend(write: (text: string) => void, benchWallMs: number): void {
  write(
    [
      '',
      "floor = requests the engine's plan needed (429s excluded) x latency / concurrency limit: the best any client",
      'could do with that plan (at concurrency 20 the engine cannot go below 5x of it). Scan phase: the same for the',
      "scan's requests and time alone; stuck includes overdue wrap-ups; review = needs review.",
      'closed = tasks closed by the run; more than the seeded stuck share when calls that had ended less than the',
      'grace period before the run crossed it while the run was going (then closing them is right).',
      'failures = engine: outcome "failed"; naive: tasks whose call fetch or update threw (its "Error processing task").',
      'stuck left open = tasks seeded stuck that the run did not close.',
      `wrongly closed = closed while the call was live or had ended less than ${GRACE_SECONDS} s (the grace period)`,
      'before the update.',
      `Bench wall time ${seconds(benchWallMs)} s.`,
      '',
    ].join('\n'),
  );
}
