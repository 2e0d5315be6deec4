/**
 * `npm start`: the whole product on this machine, offline. See `--help`.
 */
import path from 'node:path';

import { REPO_ROOT } from './builds';
import { PortInUseError } from './loopback';
import { HELP, UsageError, optionsFromCommandLine } from './options';
import { SANDBOX_ORPHAN_CONVERSATIONS } from '../simulator';
import { startSandbox, type Sandbox, type SandboxOptions } from './sandbox';

function guide(sandbox: Sandbox, seconds: number, options: SandboxOptions): string {
  const { simulator } = sandbox;
  const { verdicts, stuckByKind, tasksByStatus: open, config } = simulator.summary();
  const wrapups =
    config.wrapupOverdueMinutes === null
      ? 'overdue wrap-ups off (--wrapup-overdue-minutes)'
      : `${stuckByKind.wrapup_overdue} wrap-ups overdue (over ${config.wrapupOverdueMinutes} min)`;
  const openTasks = open.pending + open.reserved + open.assigned;
  const closures =
    simulator.listEvents({ type: 'task.canceled' }).length + simulator.listEvents({ type: 'task.completed' }).length;
  // What sandbox.ts seeds: its few reverse orphans, unless the caller gave a scenario of its own.
  const orphans =
    options.scenario === undefined ? SANDBOX_ORPHAN_CONVERSATIONS : (options.scenario.orphanConversations ?? 0);
  const logs = path.relative(REPO_ROOT, sandbox.functions.logFile);
  const knobs = [
    options.latencyMs ? `${options.latencyMs} ms latency` : null,
    options.concurrencyLimit ? `429 above ${options.concurrencyLimit} requests in flight` : null,
    options.errorRate ? `${options.errorRate * 100} % random 5xx` : null,
    options.otherTrafficMean
      ? `other traffic ${options.otherTrafficMean} in flight` +
        (options.otherTrafficSwing ? ` (± ${options.otherTrafficSwing})` : '') +
        ` — its 429s: ${sandbox.simulator.url}/_sim/stats (otherTraffic)`
      : null,
  ].filter(Boolean);
  const roles = sandbox.allowedRoles.join(', ');
  return `
Stuck-tasks sandbox is running (ready in ${seconds.toFixed(1)} s).

  Open  ${sandbox.url}/?user=admin   (the real Flex UI: give it a few seconds to boot)

  The workspace has ${openTasks} open tasks and ${open.wrapping} wrap-ups: ${stuckByKind.call_ended} stuck voice tasks
  (every call leg ended), ${wrapups}, ${stuckByKind.conversation_closed} messaging tasks whose
  conversation ended (closed through their interaction channel), ${verdicts.needs_review} that need review,
  ${verdicts.active} active (a live or just-ended leg, a recent wrap-up, a conversation still going),
  ${verdicts.not_voice} of other channels; ${closures} closures from earlier days in TaskRouter's events; and
  ${orphans} conversations still going that no task names (reverse orphans, listed for review only).${
    knobs.length ? `\n  Simulated Twilio: ${knobs.join(', ')}.` : ''
  }

  Try it:
    1. As Ada Admin, open "Close stuck tasks" in Flex's side bar (the crossed-out phone; the menu
       button at the top left shows the labels); the scan starts by itself.
    2. Click a task to review it in the side panel (task, attributes, call legs or conversation and
       interaction channel, agent, verdict).
    3. Narrow the lists with the filters (queue, status, kind, agent, age, a SID), export them as
       CSV; the picture at the top shows suspects by queue and status and by the hour they ended.
    4. Select all and press "Close stuck tasks"; watch the progress and each row's outcome.
    5. Below the lists, "Conversations without an open task": the reverse orphans, for review only
       (nothing closes them; the text says what to do in Flex or the Console).
    6. Open the History tab: this tool's closures of the last days (yours at the top, with your
       identity), as CSV too.
    7. Switch user ("Signed in as", top right) to Sam Supervisor or Alex Agent: without the
       ${roles} role the plugin adds nothing, and the Functions answer 403.

  Functions   ${sandbox.functions.url}   (log: ${logs})
  Simulator   ${simulator.url}   (state: ${simulator.url}/_sim/state)

  Ctrl-C stops everything.
`;
}

async function main(): Promise<void> {
  const started = Date.now();
  const options = optionsFromCommandLine(process.argv.slice(2));
  if (options === 'help') {
    process.stdout.write(HELP);
    return;
  }
  const say = (line: string) => process.stdout.write(`  ${line}\n`);
  say('Starting the stuck-tasks sandbox…');

  let sandbox: Sandbox | null = null;
  let shuttingDown = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      process.stdout.write(`\n${signal} again: exiting now.\n`);
      process.exit(130);
    }
    shuttingDown = true;
    process.stdout.write(`\n${signal}: stopping the page, the Functions and the simulator…\n`);
    void (sandbox?.stop() ?? Promise.resolve()).then(
      () => {
        process.stdout.write('Stopped.\n');
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`Could not stop cleanly: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  sandbox = await startSandbox({ ...options, say });
  if (shuttingDown) {
    await sandbox.stop();
    return;
  }
  process.stdout.write(guide(sandbox, (Date.now() - started) / 1000, options));
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n\n${HELP}`);
    process.exit(2);
  }
  if (error instanceof PortInUseError) {
    process.stderr.write(`\n${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`\nThe sandbox could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
