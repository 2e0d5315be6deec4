import type { CloseResult, ReviewProblem } from '@plugin-stuck-tasks/contract';
import type { EngineDeps, WorkspaceScan } from '../engine';
import type { Settings } from '../settings';
import { CLOSE_OUTCOMES } from './report';
import { renderTable } from './table';

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function countBy<T extends string>(values: readonly T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** The table a scan prints: how many tasks are stuck, need review, are active or skipped. */
export function renderScanSummary(
  scan: WorkspaceScan,
  settings: Settings,
  elapsedMs: number,
  deps: EngineDeps,
): string {
  const actions = countBy(scan.suspects.map((suspect) => suspect.action));
  const problems = countBy<ReviewProblem>(scan.needsReview.map((item) => item.problem));
  const stats = deps.gateway.stats();
  const table = renderTable(
    ['Category', 'Tasks', 'Detail'],
    [
      [
        'Stuck',
        scan.suspects.length,
        `cancel ${actions.get('cancel') ?? 0} (pending/reserved), complete ${actions.get('complete') ?? 0} (assigned${
          settings.wrapupOverdueMinutes === null ? '' : ', wrapping'
        })${settings.wrapupOverdueMinutes === null ? '' : `; ${scan.counts.wrapupOverdue} overdue wrap-ups`}${
          // Messaging tasks: their interaction channel is closed, never the task itself.
          (actions.get('close_interaction') ?? 0) > 0
            ? `; close interaction channel ${actions.get('close_interaction')} (conversation ended)`
            : ''
        }`,
      ],
      [
        'Needs review',
        scan.needsReview.length,
        [...problems].map(([problem, count]) => `${problem} ${count}`).join(', ') || '-',
      ],
      [
        'Active',
        scan.counts.active,
        `a call leg live, or ended less than ${settings.graceSeconds} s ago${
          settings.wrapupOverdueMinutes === null ? '' : `; wrap-ups younger than ${settings.wrapupOverdueMinutes} min`
        }`,
      ],
      [
        'Skipped',
        scan.counts.skipped,
        settings.messaging === false
          ? 'other channels (messaging too: MESSAGING=off) and excluded queues'
          : 'other channels and excluded queues',
      ],
      [
        'Scanned',
        scan.counts.scanned,
        settings.wrapupOverdueMinutes === null
          ? 'open tasks (pending, reserved, assigned)'
          : 'open and wrapping tasks (pending, reserved, assigned, wrapping)',
      ],
    ],
  );
  return (
    `Workspace ${settings.workspaceSid}: scanned in ${seconds(elapsedMs)} ` +
    `(${plural(stats.totalRequests, 'Twilio request')}, ${stats.throttled} answered 429 and retried).\n\n${table}`
  );
}

/** The per-task outcome table and the totals a close prints once every update has finished. */
export function renderOutcomes(results: readonly CloseResult[], elapsedMs: number): string {
  const table = renderTable(
    ['Task', 'Outcome', 'Message'],
    results.map((result) => [result.taskSid, result.outcome, result.message]),
  );
  const totals = countBy(results.map((result) => result.outcome));
  const summary = CLOSE_OUTCOMES.map((outcome) => `${totals.get(outcome) ?? 0} ${outcome.replace('_', ' ')}`).join(
    ', ',
  );
  return `\n${table}\nTotals: ${summary} (${plural(results.length, 'task')} in ${seconds(elapsedMs)}).\n`;
}
