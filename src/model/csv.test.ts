import type { CloseResult } from '@plugin-stuck-tasks/contract';
import { parse } from 'csv-parse/sync';
// The CLI's writer (csv-stringify): the plugin's must write the same bytes. Test-only import.
import { formatOutcomes, formatReport, toCsv as cliToCsv } from '../../serverless/src/cli/report';
import { makeReviewItem, makeSuspect, makeWrapup, taskSid } from '../test/fixtures';
import { toCsv } from './csv';
import { exportFileName, historyCsv, needsReviewCsv, outcomesCsv, suspectsCsv } from './exports';

const AWKWARD = [
  'plain',
  '',
  'comma, inside',
  'quote " inside',
  '"quoted"',
  'line\nbreak',
  'carriage\rreturn',
  'crlf\r\nend',
  '=SUM(A1:A2)',
  '+1 555 0100',
  '-minus',
  '@at',
  '\ttab first',
  '\rCR first',
  ' leading space',
  'trailing space ',
  "'already",
  'unicode – é ✓',
  '=with "quote", and comma',
];

describe('toCsv', () => {
  const columns = ['text', 'number', 'empty'] as const;
  const rows = AWKWARD.map((text, index) => ({ text, number: index % 2 ? -index : index * 1.5, empty: null }));

  it('writes exactly what the CLI writes for the same rows (RFC 4180, CRLF, formula guard)', () => {
    expect(toCsv(rows, columns)).toBe(cliToCsv(rows, columns));
  });

  it('quotes a lone CR or LF too, as the CLI does (a reader would take a bare one as the end of the record)', () => {
    const loneBreaks = [{ text: 'line\nbreak' }, { text: 'carriage\rreturn' }];
    expect(toCsv(loneBreaks, ['text'])).toBe('text\r\n"line\nbreak"\r\n"carriage\rreturn"\r\n');
    expect(cliToCsv(loneBreaks, ['text'])).toBe(toCsv(loneBreaks, ['text']));
  });

  it('reads back to the values, formulas defused by a leading apostrophe', () => {
    const parsed = parse(toCsv(rows, columns), { columns: true, relax_column_count: false }) as Record<
      string,
      string
    >[];
    expect(parsed.map((row) => row.text)).toEqual(
      AWKWARD.map((text) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text)),
    );
    expect(parsed[3].number).toBe('-3');
    expect(parsed.every((row) => row.empty === '')).toBe(true);
  });

  it('writes the header alone for no rows', () => {
    expect(toCsv([], columns)).toBe('text,number,empty\r\n');
  });
});

describe('exports', () => {
  const suspects = [
    makeSuspect(1, { taskQueueName: '=HYPERLINK("http://x")', workerName: 'Dana, "D" Smith' }),
    makeWrapup(2),
    makeSuspect(3, { callEndedAt: null, workerSid: null, workerName: null }),
  ];
  const needsReview = [makeReviewItem(4), makeReviewItem(5, { callSid: '+15550100', problem: 'call_not_found' })];
  const report = (s: typeof suspects, r: typeof needsReview) =>
    formatReport(
      { workspaceSid: 'WS1', generatedAt: '', graceSeconds: 0, counts: {} as never, suspects: s, needsReview: r },
      'csv',
    );

  it('writes the suspects and the needs-review list as `stuck-tasks scan` writes them', () => {
    expect(suspectsCsv(suspects)).toBe(report(suspects, []));
    expect(needsReviewCsv(needsReview)).toBe(report([], needsReview));
  });

  it('writes close outcomes as `stuck-tasks close --out` does, with what the scan knew', () => {
    const results: CloseResult[] = [
      { taskSid: taskSid(1), outcome: 'canceled', message: 'Canceled (was pending).' },
      { taskSid: taskSid(2), outcome: 'failed', message: '-Twilio said no, twice' },
      { taskSid: taskSid(9), outcome: 'not_found', message: 'Task not found.' },
    ];
    const scanned = new Map([...suspects, ...needsReview].map((task) => [task.taskSid, task]));
    expect(outcomesCsv(results, scanned)).toBe(formatOutcomes('WS1', results, 'csv', scanned));
  });

  it('writes the history with its own columns', () => {
    const csv = historyCsv([
      {
        taskSid: taskSid(7),
        closedAt: '2026-12-01T10:00:00.000Z',
        outcome: 'completed',
        closedBy: 'admin@example.com',
        reason: 'Closed by stuck-tasks. Closed by admin@example.com.',
        taskQueueName: '+Sales',
        taskChannel: 'voice',
      },
    ]);
    expect(csv).toBe(
      'closedAt,taskSid,outcome,closedBy,taskQueueName,taskChannel,reason\r\n' +
        `2026-12-01T10:00:00.000Z,${taskSid(7)},completed,admin@example.com,'+Sales,voice,Closed by stuck-tasks. Closed by admin@example.com.\r\n`,
    );
  });

  it('names files by what they hold and when, without colons', () => {
    expect(exportFileName('suspects', new Date('2026-12-02T10:41:07.123Z'))).toBe(
      'stuck-tasks-suspects-2026-12-02T10-41-07Z.csv',
    );
  });
});
