import os from 'os';
import path from 'path';
import type { CloseResult } from '@plugin-stuck-tasks/contract';
import { closeAll, MAX_IDENTITY_LENGTH, NOT_ATTEMPTED, sanitizeIdentity } from '../../engine';
import { confirm } from '../confirm';
import { engineFor } from '../context';
import type { CommandContext, CommonOptions } from '../context';
import { CliError, EXIT_CODES } from '../errors';
import { checkOutputFile, writeOutputFile } from '../outputFile';
import { startProgress } from '../progress';
import { formatOutcomes, reportFormatFor } from '../report';
import type { ReportFormat } from '../report';
import { plural, renderOutcomes } from '../summary';
import { printableLine } from '../terminal';
import { fixedConcurrencyCap } from '../../settings';
import { readTargetsFile, scanTargets } from './closeTargets';

export interface CloseOptions extends CommonOptions {
  from?: string;
  yes: boolean;
  force: boolean;
  identity?: string;
  out?: string;
  overwrite: boolean;
  format?: ReportFormat;
}

function operatorName(env: Record<string, string | undefined>): string {
  try {
    return os.userInfo().username;
  } catch {
    // Containers may run under a uid with no passwd entry.
    return env.USER ?? env.USERNAME ?? 'unknown';
  }
}

/** The identity as it will be written into each reason: refused rather than silently changed. */
function identityFor(options: CloseOptions, { io }: CommandContext): string {
  const identity = (options.identity ?? `cli:${operatorName(io.env)}`).trim();
  if (identity === '' || sanitizeIdentity(identity) !== identity) {
    throw new CliError(
      `--identity must be 1 to ${MAX_IDENTITY_LENGTH} printable characters (no control or invisible formatting ` +
        'characters, no runs of spaces).',
      EXIT_CODES.usage,
    );
  }
  return identity;
}

/** `stuck-tasks close`: confirms, closes (each task re-checked by the engine) and reports every outcome. */
export async function runClose(context: CommandContext, options: CloseOptions): Promise<number> {
  const { settings, io, tuning } = context;
  const identity = identityFor(options, context);
  if (!options.yes && !io.stdin.isTTY) {
    throw new CliError(
      'close needs a confirmation, but standard input is not a terminal. Re-run with --yes to close without ' +
        'asking (unattended runs), or run it in a terminal. Nothing was scanned or closed.',
      EXIT_CODES.notConfirmed,
    );
  }
  const outFile = options.out === undefined ? null : path.resolve(io.cwd, options.out);
  if (outFile) checkOutputFile(outFile, options.overwrite);

  const deps = engineFor(context, options);
  const plan = options.from
    ? readTargetsFile(options.from, options, context)
    : await scanTargets(deps, options, context);
  for (const line of plan.description) io.stdout.write(`${printableLine(line)}\n`);
  if (plan.taskSids.length === 0) {
    io.stdout.write('Nothing to close.\n');
    return EXIT_CODES.ok;
  }

  const question =
    `Close ${plural(plan.taskSids.length, 'task')} in workspace ${settings.workspaceSid} as "${identity}"? ` +
    'Each is re-checked just before its update.';
  if (!options.yes && !(await confirm(io.stdin, io.stderr, question))) {
    io.stderr.write('Not confirmed. Nothing was closed.\n');
    return EXIT_CODES.notConfirmed;
  }

  io.stdout.write(`Closing ${plural(plan.taskSids.length, 'task')} as "${identity}"...\n`);
  const started = Date.now();
  const progress = startProgress(io.stderr, 'close', plan.taskSids.length, { failed: 0 });
  // A first Ctrl-C starts no further task and lets those in flight finish, so their real outcomes are
  // reported. The listener goes at once: a second Ctrl-C gets Node's default and ends the process.
  const stop = new AbortController();
  let stopListening = io.onInterrupt?.(() => {
    stopListening?.();
    stopListening = undefined;
    stop.abort();
    io.stderr.write(
      '\nStopping: no further task is started; waiting for those in flight to report. Ctrl-C again quits at once.\n',
    );
  });
  let results: CloseResult[];
  try {
    results = await closeAll(deps, {
      taskSids: plan.taskSids,
      force: options.force,
      identity,
      concurrency: fixedConcurrencyCap(settings, options.concurrency),
      batchDeadlineMs: tuning.closeBatchDeadlineMs,
      onProgress: (done, failed) => progress.update(done, { failed }),
      signal: stop.signal,
    });
  } finally {
    stopListening?.();
    progress.stop();
  }
  io.stdout.write(renderOutcomes(results, Date.now() - started));
  if (outFile) {
    const format = reportFormatFor(outFile, options.format);
    writeOutputFile(outFile, formatOutcomes(settings.workspaceSid, results, format, plan.scanned), options.overwrite);
    io.stdout.write(`Wrote the outcomes (${format.toUpperCase()}) to ${printableLine(outFile)}\n`);
  }
  if (stop.signal.aborted) {
    const notAttempted = results.filter((result) => result.message === NOT_ATTEMPTED).length;
    io.stderr.write(
      `Stopped by Ctrl-C: ${plural(notAttempted, 'task was', 'tasks were')} not attempted and left unchanged.\n`,
    );
    return EXIT_CODES.interrupted;
  }
  const failed = results.filter((result) => result.outcome === 'failed').length;
  if (failed > 0) {
    io.stderr.write(`${plural(failed, 'task')} failed to close; run scan again to see where they stand.\n`);
    return EXIT_CODES.tasksFailed;
  }
  return EXIT_CODES.ok;
}
