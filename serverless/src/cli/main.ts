import fs from 'fs';
import os from 'os';
import path from 'path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { CloseResult, ReviewProblem } from '@plugin-stuck-tasks/contract';
import { createEngineDeps, MAX_IDENTITY_LENGTH, sanitizeIdentity } from '../engine';
import type { EngineDeps, EngineDepsOptions } from '../engine';
import { UpstreamError } from '../gateway';
import type { Settings } from '../settings';
import { environmentWithDotenv, loadCliSettings } from './config';
import { confirm } from './confirm';
import { CliError, EXIT_CODES, EXIT_CODES_HELP } from './errors';
import { checkOutputFile, writeOutputFile } from './outputFile';
import { startProgress } from './progress';
import {
  CLOSE_OUTCOMES,
  formatOutcomes,
  formatReport,
  parseCloseTargets,
  REPORT_FORMATS,
  reportFormatFor,
} from './report';
import type { ReportFormat, WorkspaceReport } from './report';
import { renderTable } from './table';
import { printableLine, printableText } from './terminal';
import { closeAll, NOT_ATTEMPTED, scanWorkspace } from '../engine';
import type { WorkspaceScan } from '../engine';

type Writable = NodeJS.WritableStream & { isTTY?: boolean };

/** Tests only: knobs the command line does not expose (fast retries against the simulator). */
export interface CliTuning {
  gateway?: EngineDepsOptions['gateway'];
  scanPageDeadlineMs?: number;
  scanPageRetryDelayMs?: number;
  closeBatchDeadlineMs?: number;
}

/** Everything the CLI touches outside itself, so tests can run it in-process. */
export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
  cwd: string;
  /**
   * Listens for Ctrl-C (SIGINT) while tasks are being closed; returns how to stop listening. The bin
   * wires it to the process; without it Ctrl-C is not handled here.
   */
  onInterrupt?: (listener: () => void) => () => void;
}

/** Twilio allows 100 concurrent requests per account, shared with Flex itself. */
const MAX_CONCURRENCY = 100;
const DEFAULT_CONCURRENCY = 20;

interface CommonOptions {
  envFile?: string;
  concurrency: number;
}

interface ScanOptions extends CommonOptions {
  out?: string;
  overwrite: boolean;
  format?: ReportFormat;
}

interface CloseOptions extends CommonOptions {
  from?: string;
  yes: boolean;
  force: boolean;
  identity?: string;
  out?: string;
  overwrite: boolean;
  format?: ReportFormat;
}

function parseConcurrency(value: string): number {
  const concurrency = Number(value);
  if (!/^\d+$/.test(value) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new InvalidArgumentError(`must be a whole number from 1 to ${MAX_CONCURRENCY}.`);
  }
  return concurrency;
}

function withCommonOptions(command: Command): Command {
  return command
    .allowExcessArguments(false)
    .option('--env-file <file>', 'read settings from this file (default: .env in the working directory, if any)')
    .addOption(
      new Option('-c, --concurrency <requests>', `most Twilio requests in flight at once, 1-${MAX_CONCURRENCY}`)
        .argParser(parseConcurrency)
        .default(DEFAULT_CONCURRENCY),
    );
}

const overwriteOption = () =>
  new Option('--overwrite', 'replace the --out file if it exists (a symbolic link is never followed)').default(false);

const formatOption = () =>
  new Option('-f, --format <format>', 'file format (default: json for a .json file name, else csv)').choices(
    REPORT_FORMATS,
  );

const SETTINGS_HELP = `
Settings (environment, or a .env file; the shell wins over the file):
  TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN, or TWILIO_ACCOUNT_SID + TWILIO_API_KEY + TWILIO_API_SECRET
  TASKROUTER_WORKSPACE_SID   the Flex TaskRouter workspace (WS...)
  STUCK_GRACE_SECONDS        a call that ended more recently is still settling (default 60)
  EXCLUDED_TASK_QUEUES       comma list of queue SIDs or names never judged
  CLOSE_REASON               reason written on each closed task, followed by "Closed by <identity>."
  TWILIO_API_BASE_URL        sandbox and tests only: send every Twilio request to this base URL

${EXIT_CODES_HELP}
`;

/**
 * Runs `stuck-tasks` with the given arguments (without `node` and the script) and returns the exit
 * code. Never calls process.exit.
 */
export async function runCli(argv: readonly string[], io: CliIo, tuning: CliTuning = {}): Promise<number> {
  let exitCode: number = EXIT_CODES.ok;
  const program = new Command('stuck-tasks')
    .description(
      'Find voice TaskRouter Tasks whose call has ended (stuck) and close them safely: cancel if pending or ' +
        'reserved, complete if assigned. Tasks whose call is live are never touched.',
    )
    .exitOverride()
    .configureOutput({
      // Commander echoes what was typed (an unknown option, a bad value): printed safely too.
      writeOut: (text) => io.stdout.write(printableText(text)),
      writeErr: (text) => io.stderr.write(printableText(text)),
    })
    .showHelpAfterError('(run stuck-tasks --help for usage)')
    .addHelpText('after', SETTINGS_HELP);

  withCommonOptions(
    program
      .command('scan', { isDefault: true })
      .description('dry run: walk the whole workspace and write the stuck and needs-review tasks to a file')
      .option('-o, --out <file>', 'where to write the report; "-" = standard output (default: a new file here)')
      .addOption(overwriteOption())
      .addOption(formatOption()),
  ).action(async (options: ScanOptions) => {
    const settings = loadSettingsFor(options, io);
    exitCode = await talkingToTwilio(settings, () => runScan(settings, options, io, tuning));
  });

  withCommonOptions(
    program
      .command('close')
      .description(
        'close the stuck tasks a fresh scan finds (or those listed in --from), after confirmation; each task is ' +
          're-checked just before its update',
      )
      .option('--from <file>', 'close the tasks listed in this report written by scan (CSV or JSON) instead')
      .option('-y, --yes', 'do not ask for confirmation (unattended runs)', false)
      .option('--force', 'also close needs-review tasks (never one whose call is live)', false)
      .option('--identity <name>', 'who is closing, written into each task\'s reason (default: "cli:<os user>")')
      .option('-o, --out <file>', 'also write the per-task outcomes to this file')
      .addOption(overwriteOption())
      .addOption(formatOption()),
  ).action(async (options: CloseOptions) => {
    const settings = loadSettingsFor(options, io);
    exitCode = await talkingToTwilio(settings, () => runClose(settings, options, io, tuning));
  });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    }
    const { message, exitCode: code } = describeFailure(error);
    io.stderr.write(`stuck-tasks: ${printableText(message)}\n`);
    return code;
  }
}

function describeFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof UpstreamError) {
    return { message: `Twilio is not answering usefully: ${error.message}`, exitCode: EXIT_CODES.upstream };
  }
  throw error;
}

/** Twilio's refusals that mean a setting is wrong, said in the operator's terms. */
function explainTwilioFailure(error: unknown, settings: Settings): unknown {
  if (!(error instanceof UpstreamError)) return error;
  const answer = `HTTP ${error.status}${error.twilioCode ? `, Twilio error ${error.twilioCode}` : ''}`;
  if (error.status === 401 || error.status === 403) {
    const credentials = settings.apiKey
      ? `the API key ${settings.apiKey.sid} (TWILIO_API_KEY, TWILIO_API_SECRET)`
      : 'TWILIO_AUTH_TOKEN';
    return new CliError(
      `Twilio rejected the credentials (${answer}). Check TWILIO_ACCOUNT_SID (${settings.accountSid}) and ${credentials}.`,
      EXIT_CODES.unauthorized,
    );
  }
  if (error.status === 404) {
    return new CliError(
      `Workspace ${settings.workspaceSid} was not found in account ${settings.accountSid} (${answer}). ` +
        'Check TASKROUTER_WORKSPACE_SID.',
      EXIT_CODES.workspaceNotFound,
    );
  }
  return error;
}

/** Runs a command's Twilio work, turning refusals into clear errors. */
async function talkingToTwilio<T>(settings: Settings, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw explainTwilioFailure(error, settings);
  }
}

function loadSettingsFor(options: CommonOptions, io: CliIo): Settings {
  return loadCliSettings(environmentWithDotenv(io.env, io.cwd, options.envFile));
}

function engineFor(settings: Settings, options: CommonOptions, tuning: CliTuning): EngineDeps {
  return createEngineDeps(settings, { concurrency: options.concurrency, gateway: tuning.gateway });
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

async function scanWithProgress(deps: EngineDeps, io: CliIo, tuning: CliTuning): Promise<WorkspaceScan> {
  const progress = startProgress(io.stderr, 'scan', 0, { pages: 0, stuck: 0, needsReview: 0 });
  try {
    return await scanWorkspace(deps, {
      pageDeadlineMs: tuning.scanPageDeadlineMs,
      pageRetryDelayMs: tuning.scanPageRetryDelayMs,
      onPage: ({ pages, counts }) =>
        progress.update(counts.scanned, { pages, stuck: counts.stuck, needsReview: counts.needsReview }),
    });
  } finally {
    progress.stop();
  }
}

function countBy<T extends string>(values: readonly T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

function renderScanSummary(scan: WorkspaceScan, settings: Settings, elapsedMs: number, deps: EngineDeps): string {
  const actions = countBy(scan.suspects.map((suspect) => suspect.action));
  const problems = countBy<ReviewProblem>(scan.needsReview.map((item) => item.problem));
  const stats = deps.gateway.stats();
  const table = renderTable(
    ['Category', 'Tasks', 'Detail'],
    [
      [
        'Stuck',
        scan.suspects.length,
        `cancel ${actions.get('cancel') ?? 0} (pending/reserved), complete ${actions.get('complete') ?? 0} (assigned)`,
      ],
      [
        'Needs review',
        scan.needsReview.length,
        [...problems].map(([problem, count]) => `${problem} ${count}`).join(', ') || '-',
      ],
      ['Active', scan.counts.active, `call live, or ended less than ${settings.graceSeconds} s ago`],
      ['Skipped', scan.counts.skipped, 'other channels and excluded queues'],
      ['Scanned', scan.counts.scanned, 'open tasks (pending, reserved, assigned)'],
    ],
  );
  return (
    `Workspace ${settings.workspaceSid}: scanned in ${seconds(elapsedMs)} ` +
    `(${plural(stats.totalRequests, 'Twilio request')}, ${stats.throttled} answered 429 and retried).\n\n${table}`
  );
}

function defaultReportName(kind: 'scan' | 'close', format: ReportFormat): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `stuck-tasks-${kind}-${stamp}.${format}`;
}

async function runScan(settings: Settings, options: ScanOptions, io: CliIo, tuning: CliTuning): Promise<number> {
  const toStdout = options.out === '-';
  const format = reportFormatFor(toStdout ? undefined : options.out, options.format);
  const outFile = toStdout ? null : path.resolve(io.cwd, options.out ?? defaultReportName('scan', format));
  if (outFile) checkOutputFile(outFile, options.overwrite);

  const deps = engineFor(settings, options, tuning);
  const started = Date.now();
  const scan = await scanWithProgress(deps, io, tuning);
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

function operatorName(env: Record<string, string | undefined>): string {
  try {
    return os.userInfo().username;
  } catch {
    // Containers may run under a uid with no passwd entry.
    return env.USER ?? env.USERNAME ?? 'unknown';
  }
}

/** The identity as it will be written into each reason: refused rather than silently changed. */
function identityFor(options: CloseOptions, io: CliIo): string {
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

interface CloseTargetsPlan {
  taskSids: string[];
  /** Human-readable lines describing what will be closed and what is left alone. */
  description: string[];
}

function readTargetsFile(file: string, options: CloseOptions, io: CliIo): CloseTargetsPlan {
  const resolved = path.resolve(io.cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(resolved, 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read ${resolved}: ${(error as Error).message}`, EXIT_CODES.usage);
  }
  const targets = parseCloseTargets(resolved, text, options.format);
  const taskSids = options.force ? [...targets.suspects, ...targets.needsReview] : targets.suspects;
  const description = [
    `${resolved} lists ${plural(targets.suspects.length, 'stuck task')} and ${targets.needsReview.length} needing review.`,
  ];
  if (targets.duplicates.length > 0) {
    description.push(`${plural(targets.duplicates.length, 'task is', 'tasks are')} listed twice; each is closed once.`);
  }
  if (targets.needsReview.length > 0) {
    description.push(
      options.force
        ? `--force: the ${targets.needsReview.length} needing review are closed too, unless their call is live.`
        : `The ${targets.needsReview.length} needing review are left alone (add --force to close them too).`,
    );
  }
  return { taskSids, description };
}

async function scanTargets(
  deps: EngineDeps,
  settings: Settings,
  options: CloseOptions,
  io: CliIo,
  tuning: CliTuning,
): Promise<CloseTargetsPlan> {
  const started = Date.now();
  const scan = await scanWithProgress(deps, io, tuning);
  io.stdout.write(renderScanSummary(scan, settings, Date.now() - started, deps));
  const taskSids = scan.suspects.map((suspect) => suspect.taskSid);
  const description: string[] = [];
  if (scan.needsReview.length > 0) {
    if (options.force) {
      taskSids.push(...scan.needsReview.map((item) => item.taskSid));
      description.push(
        `--force: the ${scan.needsReview.length} needing review are closed too, unless their call is live.`,
      );
    } else {
      description.push(`The ${scan.needsReview.length} needing review are left alone (add --force to close them too).`);
    }
  }
  return { taskSids, description };
}

function renderOutcomes(results: readonly CloseResult[], elapsedMs: number): string {
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

async function runClose(settings: Settings, options: CloseOptions, io: CliIo, tuning: CliTuning): Promise<number> {
  const identity = identityFor(options, io);
  if (!options.yes && !io.stdin.isTTY) {
    throw new CliError(
      'close needs a confirmation, but standard input is not a terminal. Re-run with --yes to close without ' +
        'asking (unattended runs), or run it in a terminal. Nothing was scanned or closed.',
      EXIT_CODES.notConfirmed,
    );
  }
  const outFile = options.out === undefined ? null : path.resolve(io.cwd, options.out);
  if (outFile) checkOutputFile(outFile, options.overwrite);

  const deps = engineFor(settings, options, tuning);
  const plan = options.from
    ? readTargetsFile(options.from, options, io)
    : await scanTargets(deps, settings, options, io, tuning);
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
      concurrency: options.concurrency,
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
    writeOutputFile(outFile, formatOutcomes(settings.workspaceSid, results, format), options.overwrite);
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
