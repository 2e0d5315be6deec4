import { Command, InvalidArgumentError, Option } from 'commander';
import { HISTORY_DAYS_DEFAULT, HISTORY_DAYS_MAX, HISTORY_DAYS_MIN } from '@plugin-stuck-tasks/contract';
import type { HistoryCommandOptions } from './commands/history';
import type { OrphansCommandOptions } from './commands/orphans';
import type { CloseOptions } from './commands/close';
import type { ScanOptions } from './commands/scan';
import type { CliIo } from './context';
import { EXIT_CODES_HELP } from './errors';
import { REPORT_FORMATS } from './report';
import { printableText } from './terminal';

/** Largest --account-limit (and --concurrency) accepted, as for TWILIO_ACCOUNT_CONCURRENCY_LIMIT. */
const MAX_ACCOUNT_LIMIT = 10_000;

function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < min || number > max) {
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}.`);
    }
    return number;
  };
}

function withCommonOptions(command: Command): Command {
  return command
    .allowExcessArguments(false)
    .option('--env-file <file>', 'read settings from this file (default: .env in the working directory, if any)')
    .addOption(
      new Option(
        '-c, --concurrency <requests>',
        'most Twilio requests in flight at once, a ceiling over the adaptive window (default: ' +
          'TWILIO_MAX_CONCURRENT_REQUESTS, else the account limit)',
      ).argParser(wholeNumber(1, MAX_ACCOUNT_LIMIT)),
    )
    .addOption(
      new Option(
        '--account-limit <requests>',
        "the account's limit of concurrent Twilio requests (default: TWILIO_ACCOUNT_CONCURRENCY_LIMIT, else 100)",
      ).argParser(wholeNumber(1, MAX_ACCOUNT_LIMIT)),
    )
    .addOption(
      new Option(
        '--headroom <requests>',
        'requests in flight left to Flex and everything else on the account; the tool slows down when the ' +
          "account's total reaches limit - headroom (default: TWILIO_CONCURRENCY_HEADROOM, else 15)",
      ).argParser(wholeNumber(0, MAX_ACCOUNT_LIMIT - 1)),
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
  WRAPUP_OVERDUE_MINUTES     list wrapping tasks unchanged this long (1-1440), every leg ended (default off)
  INSIGHTS_OUTCOME           conversations.outcome written by each close (default "Closed stuck task"; empty: off)
  TWILIO_ACCOUNT_CONCURRENCY_LIMIT  the account's concurrent request limit (default 100)
  TWILIO_CONCURRENCY_HEADROOM       requests left to Flex and the rest of the account (default 15)
  TWILIO_MAX_CONCURRENT_REQUESTS    fixed cap of requests in flight (default: limit - headroom)
  TWILIO_API_BASE_URL        sandbox and tests only: send every Twilio request to this base URL

${EXIT_CODES_HELP}
`;

/** What each command does once commander has parsed its options. */
export interface CommandActions {
  scan: (options: ScanOptions) => Promise<void>;
  close: (options: CloseOptions) => Promise<void>;
  history: (options: HistoryCommandOptions) => Promise<void>;
  orphans: (options: OrphansCommandOptions) => Promise<void>;
}

/**
 * The `stuck-tasks` command line: commands, options and help. Commander throws instead of exiting
 * (exitOverride) and writes through `io`, printable text only.
 */
export function createProgram(io: CliIo, actions: CommandActions): Command {
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
  ).action(actions.scan);

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
  ).action(actions.close);

  withCommonOptions(
    program
      .command('history')
      .description(
        'list the tasks this service closed in the last days (from TaskRouter events, kept 30 days), newest first: ' +
          'when, task, outcome, who (from the reason), queue, channel',
      )
      .addOption(
        new Option('-d, --days <days>', `how many days back, ${HISTORY_DAYS_MIN}-${HISTORY_DAYS_MAX}`)
          .argParser(wholeNumber(HISTORY_DAYS_MIN, HISTORY_DAYS_MAX))
          .default(HISTORY_DAYS_DEFAULT),
      )
      .option('-o, --out <file>', 'also write every closure to this file (CSV, or JSON); "-" = standard output')
      .addOption(overwriteOption())
      .addOption(formatOption()),
  ).action(actions.history);

  withCommonOptions(
    program
      .command('orphans')
      .description(
        'list the conversations still going (active or inactive) that no open task names, idle longer than ' +
          'STUCK_GRACE_SECONDS: review only, nothing is closed',
      )
      .option('-o, --out <file>', 'also write every one to this file (CSV, or JSON); "-" = standard output')
      .addOption(overwriteOption())
      .addOption(formatOption()),
  ).action(actions.orphans);

  return program;
}
