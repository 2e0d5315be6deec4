import { createEngineDeps } from '../engine';
import type { EngineDeps, EngineDepsOptions } from '../engine';
import type { Settings } from '../settings';

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

/** The options every command takes. */
export interface CommonOptions {
  envFile?: string;
  /** --concurrency: overrides TWILIO_MAX_CONCURRENT_REQUESTS (default: the account limit). */
  concurrency?: number;
  /** --account-limit: overrides TWILIO_ACCOUNT_CONCURRENCY_LIMIT. */
  accountLimit?: number;
  /** --headroom: overrides TWILIO_CONCURRENCY_HEADROOM. */
  headroom?: number;
}

/** What a command runs with, besides its own options. */
export interface CommandContext {
  settings: Settings;
  io: CliIo;
  tuning: CliTuning;
}

export function engineFor({ settings, tuning }: CommandContext, options: CommonOptions): EngineDeps {
  return createEngineDeps(settings, { concurrency: options.concurrency, gateway: tuning.gateway });
}
