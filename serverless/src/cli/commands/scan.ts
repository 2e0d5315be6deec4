import path from 'path';
import { EXIT_CODES } from '../errors';
import { engineFor } from '../context';
import type { CommandContext, CommonOptions } from '../context';
import { checkOutputFile, writeOutputFile } from '../outputFile';
import { formatReport, reportFormatFor } from '../report';
import type { ReportFormat, WorkspaceReport } from '../report';
import { plural, renderScanSummary } from '../summary';
import { printableLine } from '../terminal';
import { scanWithProgress } from './scanWithProgress';

export interface ScanOptions extends CommonOptions {
  out?: string;
  overwrite: boolean;
  format?: ReportFormat;
}

function defaultReportName(kind: 'scan' | 'close', format: ReportFormat): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `stuck-tasks-${kind}-${stamp}.${format}`;
}

/** `stuck-tasks scan`: the dry run. Prints the summary and writes the report. */
export async function runScan(context: CommandContext, options: ScanOptions): Promise<number> {
  const { settings, io } = context;
  const toStdout = options.out === '-';
  const format = reportFormatFor(toStdout ? undefined : options.out, options.format);
  const outFile = toStdout ? null : path.resolve(io.cwd, options.out ?? defaultReportName('scan', format));
  if (outFile) checkOutputFile(outFile, options.overwrite);

  const deps = engineFor(context, options);
  const started = Date.now();
  const scan = await scanWithProgress(deps, context);
  const report: WorkspaceReport = {
    workspaceSid: settings.workspaceSid,
    generatedAt: new Date().toISOString(),
    graceSeconds: settings.graceSeconds,
    counts: scan.counts,
    suspects: scan.suspects,
    needsReview: scan.needsReview,
  };
  // With the report on standard output, the human-readable part goes to standard error.
  const humans = toStdout ? io.stderr : io.stdout;
  humans.write(renderScanSummary(scan, settings, Date.now() - started, deps));
  const rows = scan.suspects.length + scan.needsReview.length;
  if (outFile === null) {
    io.stdout.write(formatReport(report, format));
    return EXIT_CODES.ok;
  }
  writeOutputFile(outFile, formatReport(report, format), options.overwrite);
  humans.write(`\nWrote ${plural(rows, 'task')} (${format.toUpperCase()}) to ${printableLine(outFile)}\n`);
  if (scan.suspects.length > 0) {
    const relative = path.relative(io.cwd, outFile) || outFile;
    humans.write(`To close them after review: stuck-tasks close --from ${printableLine(relative)}\n`);
  }
  return EXIT_CODES.ok;
}
