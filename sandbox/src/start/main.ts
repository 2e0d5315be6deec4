/**
 * `npm start`: the whole product on this machine, offline. See `--help`.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';

import { REPO_ROOT } from './builds';
import { PortInUseError } from './loopback';
import { DEFAULT_SANDBOX_TASKS, startSandbox, type Sandbox, type SandboxOptions } from './sandbox';

const DEFAULT_PORTS = { host: 3000, functions: 3001, simulator: 3002 };

const HELP = `Usage: npm start [-- options]

Starts on 127.0.0.1, offline: a Twilio simulator seeded with an outage, the real Functions
(twilio-run) pointed at it, and a Flex stand-in page running the real plugin bundle.
Builds the plugin and the Functions first when their output is missing or stale.

Options (each also as an environment variable):
  --port N               Flex page port                       SANDBOX_PORT (default ${DEFAULT_PORTS.host})
  --functions-port N     Functions (twilio-run) port           SANDBOX_FUNCTIONS_PORT (default ${DEFAULT_PORTS.functions})
  --simulator-port N     Twilio simulator port                 SANDBOX_SIMULATOR_PORT (default ${DEFAULT_PORTS.simulator})
  --tasks N              open tasks in the workspace           SANDBOX_TASKS (default ${DEFAULT_SANDBOX_TASKS})
  --seed S               same seed, same workspace             SANDBOX_SEED (default 1)
  --latency MS           simulated Twilio latency per request  SANDBOX_LATENCY_MS (default 0)
  --concurrency-limit N  Twilio answers 429 above N in flight  SANDBOX_CONCURRENCY_LIMIT (default none)
  --error-rate R         share of random Twilio 5xx, 0..1      SANDBOX_ERROR_RATE (default 0)
  --grace S              STUCK_GRACE_SECONDS                   SANDBOX_GRACE_SECONDS (default 60)
  --allowed-roles LIST   ALLOWED_ROLES, comma-separated        SANDBOX_ALLOWED_ROLES (default admin)
  -h, --help             show this help

Examples:
  npm start
  npm start -- --tasks 10000 --latency 100 --concurrency-limit 100
`;

class UsageError extends Error {}

type Parsed = ReturnType<typeof parse>;

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      'functions-port': { type: 'string' },
      'simulator-port': { type: 'string' },
      tasks: { type: 'string' },
      seed: { type: 'string' },
      latency: { type: 'string' },
      'concurrency-limit': { type: 'string' },
      'error-rate': { type: 'string' },
      grace: { type: 'string' },
      'allowed-roles': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
}

function setting(values: Parsed, flag: keyof Parsed, envName: string): string | undefined {
  const fromFlag = values[flag];
  if (typeof fromFlag === 'string') return fromFlag;
  const fromEnv = process.env[envName];
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

function integer(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < min || number > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return number;
}

function rate(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0 || number > 1) {
    throw new UsageError(`${name} must be a number from 0 to 1, got "${value}"`);
  }
  return number;
}

export function optionsFromCommandLine(argv: string[]): SandboxOptions | 'help' {
  let values: Parsed;
  try {
    values = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const port = (flag: keyof Parsed, env: string, fallback: number) =>
    integer(setting(values, flag, env), `--${flag}`, 1, 65535) ?? fallback;
  const roles = setting(values, 'allowed-roles', 'SANDBOX_ALLOWED_ROLES')
    ?.split(',')
    .map((role) => role.trim())
    .filter(Boolean);
  if (roles !== undefined && roles.length === 0) throw new UsageError('--allowed-roles must name at least one role');
  const ports = {
    host: port('port', 'SANDBOX_PORT', DEFAULT_PORTS.host),
    functions: port('functions-port', 'SANDBOX_FUNCTIONS_PORT', DEFAULT_PORTS.functions),
    simulator: port('simulator-port', 'SANDBOX_SIMULATOR_PORT', DEFAULT_PORTS.simulator),
  };
  if (new Set(Object.values(ports)).size !== 3) throw new UsageError('The three ports must differ');
  return {
    ports,
    tasks: integer(setting(values, 'tasks', 'SANDBOX_TASKS'), '--tasks', 0, 200_000),
    seed: setting(values, 'seed', 'SANDBOX_SEED'),
    latencyMs: integer(setting(values, 'latency', 'SANDBOX_LATENCY_MS'), '--latency', 0, 60_000),
    concurrencyLimit: integer(
      setting(values, 'concurrency-limit', 'SANDBOX_CONCURRENCY_LIMIT'),
      '--concurrency-limit',
      1,
      100_000,
    ),
    errorRate: rate(setting(values, 'error-rate', 'SANDBOX_ERROR_RATE'), '--error-rate'),
    graceSeconds: integer(setting(values, 'grace', 'SANDBOX_GRACE_SECONDS'), '--grace', 0, 86_400),
    allowedRoles: roles,
  };
}

function guide(sandbox: Sandbox, seconds: number, options: SandboxOptions): string {
  const { simulator } = sandbox;
  const verdicts = simulator.summary().verdicts;
  const open = simulator.summary().tasksByStatus;
  const openTasks = open.pending + open.reserved + open.assigned;
  const logs = path.relative(REPO_ROOT, sandbox.functions.logFile);
  const knobs = [
    options.latencyMs ? `${options.latencyMs} ms latency` : null,
    options.concurrencyLimit ? `429 above ${options.concurrencyLimit} requests in flight` : null,
    options.errorRate ? `${options.errorRate * 100} % random 5xx` : null,
  ].filter(Boolean);
  const roles = sandbox.allowedRoles.join(', ');
  return `
Stuck-tasks sandbox is running (ready in ${seconds.toFixed(1)} s).

  Open  ${sandbox.url}/?user=admin

  The workspace has ${openTasks} open tasks: ${verdicts.stuck} stuck (call ended), ${verdicts.needs_review} that need
  review, ${verdicts.active} voice tasks with a live or just-ended call, ${verdicts.not_voice} chat/SMS tasks.${
    knobs.length ? `\n  Simulated Twilio: ${knobs.join(', ')}.` : ''
  }

  Try it:
    1. As Ada Admin, open "Close stuck tasks" in the side navigation; the scan starts by itself.
    2. Click a task to review it in the side panel (task, attributes, call, worker, verdict).
    3. Select all and press "Close stuck tasks"; watch the progress and each row's outcome.
    4. Switch user ("Signed in as", top right) to Sam Supervisor or Alex Agent: without the
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
