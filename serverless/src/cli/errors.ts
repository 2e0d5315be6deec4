/**
 * Exit codes of `stuck-tasks`, documented in `--help` so scripts can branch on them.
 */
export const EXIT_CODES = {
  ok: 0,
  /** `close`: at least one task ended with outcome `failed`. */
  tasksFailed: 1,
  /** Bad arguments, missing or invalid settings, unreadable `--from` file. */
  usage: 2,
  /** Twilio rejected the credentials (401). */
  unauthorized: 3,
  /** The workspace does not exist in this account (404). */
  workspaceNotFound: 4,
  /** Twilio kept failing after retries, or could not be reached. */
  upstream: 5,
  /** `close` was not confirmed (answered no, or no terminal and no `--yes`). */
  notConfirmed: 6,
  /** `close` stopped by Ctrl-C: the closes in flight finished and were reported (128 + SIGINT). */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** An error the CLI reports as one clear line and a specific exit code (no stack trace). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const EXIT_CODES_HELP = `Exit codes:
  0  done (scan finished; close finished with no failed task)
  1  close: at least one task failed to close
  2  bad arguments, missing or invalid settings, unreadable --from file
  3  Twilio rejected the credentials (401)
  4  workspace not found in this account (404)
  5  Twilio kept failing after retries, or could not be reached
  6  close not confirmed (answered no, or no terminal and no --yes)
  130  close stopped by Ctrl-C after the closes in flight finished (a second Ctrl-C quits at once)`;
