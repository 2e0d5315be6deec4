/**
 * The command line of `npm start`: flags, their environment variables, and what they mean.
 */
import { parseArgs } from 'node:util';

import { FUNCTION_INSTANCES, type FunctionInstances } from './functions';
import { DEFAULT_SANDBOX_TASKS, DEFAULT_SANDBOX_WRAPUP_OVERDUE_MINUTES, type SandboxOptions } from './sandbox';

export const DEFAULT_PORTS = { host: 3000, functions: 3001, simulator: 3002 };

export const HELP = `Usage: npm start [-- options]

Starts on 127.0.0.1, offline: a Twilio simulator seeded with an outage, the real Functions
(twilio-run) pointed at it, and a page running the real Flex UI with the real plugin bundle.
Builds the plugin, the Functions and the Flex page first when missing or stale.

Options (each also as an environment variable):
  --port N               Flex page port                       SANDBOX_PORT (default ${DEFAULT_PORTS.host})
  --functions-port N     Functions (twilio-run) port           SANDBOX_FUNCTIONS_PORT (default ${DEFAULT_PORTS.functions})
  --simulator-port N     Twilio simulator port                 SANDBOX_SIMULATOR_PORT (default ${DEFAULT_PORTS.simulator})
  --tasks N              open tasks in the workspace           SANDBOX_TASKS (default ${DEFAULT_SANDBOX_TASKS})
  --seed S               same seed, same workspace             SANDBOX_SEED (default 1)
  --latency MS           simulated Twilio latency per request  SANDBOX_LATENCY_MS (default 0)
  --concurrency-limit N  Twilio answers 429 above N in flight  SANDBOX_CONCURRENCY_LIMIT (default none)
  --error-rate R         share of random Twilio 5xx, 0..1      SANDBOX_ERROR_RATE (default 0)
  --other-traffic N      other traffic on the account (Flex's  SANDBOX_OTHER_TRAFFIC (default 0: none)
                         own load): N requests in flight on
                         average, refused with 429 like anyone
                         else when the account is full
  --other-traffic-swing N
                         how far it swings around N, up and    SANDBOX_OTHER_TRAFFIC_SWING (default 0)
                         down over 10 s; at most N
  --grace S              STUCK_GRACE_SECONDS                   SANDBOX_GRACE_SECONDS (default 60)
  --wrapup-overdue-minutes N
                         WRAPUP_OVERDUE_MINUTES, 1..1440;      SANDBOX_WRAPUP_OVERDUE_MINUTES
                         empty or 0 = off                      (default ${DEFAULT_SANDBOX_WRAPUP_OVERDUE_MINUTES})
  --allowed-roles LIST   ALLOWED_ROLES, comma-separated        SANDBOX_ALLOWED_ROLES (default admin)
  --function-instances cold|warm
                         cold: a fresh process per Function    SANDBOX_FUNCTION_INSTANCES (default cold)
                         call; warm: one process whose modules
                         stay loaded between calls, as Twilio
                         reuses a warm Function container
  -h, --help             show this help

Examples:
  npm start
  npm start -- --tasks 10000 --latency 100 --concurrency-limit 100
  npm start -- --tasks 10000 --latency 100 --concurrency-limit 100 --other-traffic 50 --other-traffic-swing 20
`;

/** A flag or environment variable the sandbox cannot use; the message says which and why. */
export class UsageError extends Error {}

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
      'other-traffic': { type: 'string' },
      'other-traffic-swing': { type: 'string' },
      grace: { type: 'string' },
      'wrapup-overdue-minutes': { type: 'string' },
      'allowed-roles': { type: 'string' },
      'function-instances': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
}

type Env = Record<string, string | undefined>;

/** A raw setting and where it came from, so an error can name the flag or variable the user set. */
interface Raw {
  value: string;
  source: string;
}

function setting(values: Parsed, env: Env, flag: keyof Parsed, envName: string): Raw | undefined {
  const fromFlag = values[flag];
  if (typeof fromFlag === 'string') return { value: fromFlag, source: `--${flag}` };
  const fromEnv = env[envName];
  return fromEnv === undefined || fromEnv === '' ? undefined : { value: fromEnv, source: envName };
}

function integer(raw: Raw | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const number = Number(raw.value);
  if (!/^\d+$/.test(raw.value.trim()) || !Number.isSafeInteger(number) || number < min || number > max) {
    throw new UsageError(`${raw.source} must be a whole number from ${min} to ${max}, got "${raw.value}"`);
  }
  return number;
}

/** Empty or 0 turns overdue wrap-ups off (null); unset leaves the sandbox's default (undefined). */
function wrapupMinutes(values: Parsed, env: Env): number | null | undefined {
  const fromFlag = values['wrapup-overdue-minutes'];
  const raw: Raw | undefined =
    typeof fromFlag === 'string'
      ? { value: fromFlag, source: '--wrapup-overdue-minutes' }
      : env.SANDBOX_WRAPUP_OVERDUE_MINUTES === undefined
        ? undefined
        : { value: env.SANDBOX_WRAPUP_OVERDUE_MINUTES, source: 'SANDBOX_WRAPUP_OVERDUE_MINUTES' };
  if (raw === undefined) return undefined;
  if (raw.value.trim() === '' || raw.value.trim() === '0') return null;
  return integer(raw, 1, 1440);
}

function rate(raw: Raw | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const number = Number(raw.value);
  if (raw.value.trim() === '' || !Number.isFinite(number) || number < 0 || number > 1) {
    throw new UsageError(`${raw.source} must be a number from 0 to 1, got "${raw.value}"`);
  }
  return number;
}

function functionInstances(raw: Raw | undefined): FunctionInstances | undefined {
  if (raw === undefined) return undefined;
  const value = raw.value.trim();
  if (!(FUNCTION_INSTANCES as readonly string[]).includes(value)) {
    throw new UsageError(`${raw.source} must be one of ${FUNCTION_INSTANCES.join(', ')}, got "${raw.value}"`);
  }
  return value as FunctionInstances;
}

/** Flags win over environment variables, which win over the defaults. */
export function optionsFromCommandLine(argv: string[], env: Env = process.env): SandboxOptions | 'help' {
  let values: Parsed;
  try {
    values = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const get = (flag: keyof Parsed, envName: string) => setting(values, env, flag, envName);
  const ports = {
    host: integer(get('port', 'SANDBOX_PORT'), 1, 65535) ?? DEFAULT_PORTS.host,
    functions: integer(get('functions-port', 'SANDBOX_FUNCTIONS_PORT'), 1, 65535) ?? DEFAULT_PORTS.functions,
    simulator: integer(get('simulator-port', 'SANDBOX_SIMULATOR_PORT'), 1, 65535) ?? DEFAULT_PORTS.simulator,
  };
  if (new Set(Object.values(ports)).size !== 3) {
    throw new UsageError(`The page, Functions and simulator ports must differ, got ${Object.values(ports).join(', ')}`);
  }
  const rolesSetting = get('allowed-roles', 'SANDBOX_ALLOWED_ROLES');
  const allowedRoles = rolesSetting?.value
    .split(',')
    .map((role) => role.trim())
    .filter(Boolean);
  if (rolesSetting && allowedRoles?.length === 0) {
    throw new UsageError(`${rolesSetting.source} must name at least one role`);
  }
  const otherTrafficMean = integer(get('other-traffic', 'SANDBOX_OTHER_TRAFFIC'), 0, 100_000);
  const swingSetting = get('other-traffic-swing', 'SANDBOX_OTHER_TRAFFIC_SWING');
  const otherTrafficSwing = integer(swingSetting, 0, 100_000);
  if (swingSetting && otherTrafficSwing !== undefined && otherTrafficSwing > (otherTrafficMean ?? 0)) {
    throw new UsageError(
      `${swingSetting.source} (${otherTrafficSwing}) must not exceed the other traffic's mean (${otherTrafficMean ?? 0}, --other-traffic)`,
    );
  }
  return {
    ports,
    tasks: integer(get('tasks', 'SANDBOX_TASKS'), 0, 200_000),
    seed: get('seed', 'SANDBOX_SEED')?.value,
    latencyMs: integer(get('latency', 'SANDBOX_LATENCY_MS'), 0, 60_000),
    concurrencyLimit: integer(get('concurrency-limit', 'SANDBOX_CONCURRENCY_LIMIT'), 1, 100_000),
    errorRate: rate(get('error-rate', 'SANDBOX_ERROR_RATE')),
    otherTrafficMean,
    otherTrafficSwing,
    graceSeconds: integer(get('grace', 'SANDBOX_GRACE_SECONDS'), 0, 86_400),
    wrapupOverdueMinutes: wrapupMinutes(values, env),
    allowedRoles,
    functionInstances: functionInstances(get('function-instances', 'SANDBOX_FUNCTION_INSTANCES')),
  };
}
