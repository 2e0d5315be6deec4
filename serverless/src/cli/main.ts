// The CLI's entry point (serverless/bin/stuck-tasks.js loads this file): parses the arguments, runs
// the command and turns its failure into a message and an exit code. The commands are in commands/,
// the command line and its help in program.ts, what is printed in summary.ts.
import { CommanderError } from 'commander';
import { environmentWithDotenv, loadCliSettings, withConcurrencyOptions } from './config';
import { runClose } from './commands/close';
import { runHistory } from './commands/history';
import { runOrphans } from './commands/orphans';
import { runScan } from './commands/scan';
import type { CliIo, CliTuning, CommandContext, CommonOptions } from './context';
import { EXIT_CODES } from './errors';
import { describeFailure, talkingToTwilio } from './failures';
import { createProgram } from './program';
import { printableText } from './terminal';

export type { CliIo, CliTuning } from './context';

/**
 * Runs `stuck-tasks` with the given arguments (without `node` and the script) and returns the exit
 * code. Never calls process.exit.
 */
export async function runCli(argv: readonly string[], io: CliIo, tuning: CliTuning = {}): Promise<number> {
  let exitCode: number = EXIT_CODES.ok;
  const action =
    <O extends CommonOptions>(command: (context: CommandContext, options: O) => Promise<number>) =>
    async (options: O): Promise<void> => {
      const settings = withConcurrencyOptions(
        loadCliSettings(environmentWithDotenv(io.env, io.cwd, options.envFile)),
        options,
      );
      exitCode = await talkingToTwilio(settings, () => command({ settings, io, tuning }, options));
    };
  const program = createProgram(io, {
    scan: action(runScan),
    close: action(runClose),
    history: action(runHistory),
    orphans: action(runOrphans),
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
