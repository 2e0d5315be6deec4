import path from 'path';
import type { CliIo } from './context';
import { checkOutputFile, writeOutputFile } from './outputFile';
import { reportFormatFor } from './report';
import type { ReportFormat } from './report';
import { printableLine } from './terminal';

/**
 * Where a listing command (`history`, `orphans`) sends its report: `--out -` to standard output (the
 * human-readable part then goes to standard error, so the file can be piped), `--out <file>` to that
 * file (checked before any Twilio request), no `--out` only the terminal's table.
 */
export interface ListingOutput {
  format: ReportFormat;
  /** Where the table and the summary go. */
  humans: CliIo['stdout'];
  /** Writes the report where `--out` said; `what` names what it holds, e.g. "12 closures". */
  deliver(report: string, what: string): void;
}

export function listingOutput(
  io: CliIo,
  options: { out?: string; format?: ReportFormat; overwrite: boolean },
): ListingOutput {
  const toStdout = options.out === '-';
  const format = reportFormatFor(toStdout || options.out === undefined ? undefined : options.out, options.format);
  const outFile = toStdout || options.out === undefined ? null : path.resolve(io.cwd, options.out);
  if (outFile) checkOutputFile(outFile, options.overwrite);
  const humans = toStdout ? io.stderr : io.stdout;
  return {
    format,
    humans,
    deliver(report, what) {
      if (toStdout) {
        io.stdout.write(report);
      } else if (outFile) {
        writeOutputFile(outFile, report, options.overwrite);
        humans.write(`\nWrote ${what} (${format.toUpperCase()}) to ${printableLine(outFile)}\n`);
      }
    },
  };
}
