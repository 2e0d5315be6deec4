import path from 'node:path';

import { startFlexHost, type FlexHost } from '../flex-host/server';
import {
  MESSAGING_CASES,
  SANDBOX_ORPHAN_CONVERSATIONS,
  startSimulator,
  type ScenarioOptions,
  type Simulator,
} from '../simulator';
import { FLEX_PAGE_BUNDLE, PLUGIN_BUNDLE, REPO_ROOT, ensureBuilt } from './builds';
import { startFunctions, type FunctionInstances, type FunctionsServer } from './functions';
import { PortInUseError, assertPortFree } from './loopback';

export interface SandboxOptions {
  /** Open tasks in the seeded workspace. Default 300. */
  tasks?: number;
  /** Same seed, same workspace. Default 1. */
  seed?: number | string;
  /** More scenario knobs (shares, channel mix…); `tasks` wins over `scenario.openTasks`. */
  scenario?: ScenarioOptions;
  /** Simulated Twilio latency per response, ms. */
  latencyMs?: number;
  /** Twilio requests in flight above this get 429 (code 20429). */
  concurrencyLimit?: number | null;
  /** Share of Twilio requests answered with a random 5xx. */
  errorRate?: number;
  /** Other traffic on the account (Flex's own load): its mean requests in flight. Default 0 (none). */
  otherTrafficMean?: number;
  /** How far the other traffic swings around its mean (over the simulator's 10 s period). Default 0. */
  otherTrafficSwing?: number;
  /** STUCK_GRACE_SECONDS for the Functions and the simulator's oracle. Default 60. */
  graceSeconds?: number;
  /**
   * WRAPUP_OVERDUE_MINUTES for the Functions and the simulator's oracle, so the sandbox shows overdue
   * wrap-ups. Default 30; null = off (the setting is left empty).
   */
  wrapupOverdueMinutes?: number | null;
  /** ALLOWED_ROLES for the Functions and the plugin. Default admin. */
  allowedRoles?: string[];
  /** A fresh process per Function call (`cold`, the default) or one whose modules stay loaded (`warm`). */
  functionInstances?: FunctionInstances;
  /** 0 = a free port (the default for each). */
  ports?: { simulator?: number; functions?: number; host?: number };
  /** Where build and twilio-run logs go. Default artifacts/sandbox. */
  logDir?: string;
  /** Skip the build check (the caller built already). */
  skipBuild?: boolean;
  /** Progress lines while starting. */
  say?: (line: string) => void;
}

export interface Sandbox {
  simulator: Simulator;
  functions: FunctionsServer;
  host: FlexHost;
  /** The page to open. */
  url: string;
  allowedRoles: string[];
  /** Stops everything; safe to call twice. */
  stop(): Promise<void>;
}

export const DEFAULT_SANDBOX_TASKS = 300;
export const DEFAULT_SANDBOX_GRACE_SECONDS = 60;
export const DEFAULT_SANDBOX_WRAPUP_OVERDUE_MINUTES = 30;
const PORT_HINT = 'Stop the program using it, or pick other ports with --port, --functions-port, --simulator-port.';

/**
 * What the simulator seeds for these options. Its seeding places the "recently ended" and "stuck" calls
 * and conversations around the same grace period as the oracle and the Functions use (`graceSeconds`),
 * else with `--grace 1800` the seeded stuck tasks would have ended inside the grace and be listed nowhere.
 */
export function sandboxScenario(options: SandboxOptions): ScenarioOptions {
  return {
    // `npm start` seeds a messaging task in every case, and a few reverse orphans (conversations
    // going that no task names, listed for review); callers giving their own scenario opt in.
    ...(options.scenario === undefined
      ? { messagingShares: MESSAGING_CASES, orphanConversations: SANDBOX_ORPHAN_CONVERSATIONS }
      : {}),
    graceSeconds: options.graceSeconds ?? DEFAULT_SANDBOX_GRACE_SECONDS,
    ...options.scenario,
    openTasks: options.tasks ?? options.scenario?.openTasks ?? DEFAULT_SANDBOX_TASKS,
  };
}

/**
 * Starts the whole product on loopback: the Twilio simulator seeded with an outage, the real
 * Functions (twilio-run) pointed at it, and the page running the real Flex UI with the real plugin bundle.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const say = options.say ?? (() => undefined);
  const logDir = options.logDir ?? path.join(REPO_ROOT, 'artifacts', 'sandbox');
  const allowedRoles = options.allowedRoles ?? ['admin'];
  const graceSeconds = options.graceSeconds ?? DEFAULT_SANDBOX_GRACE_SECONDS;
  const wrapupOverdueMinutes =
    options.wrapupOverdueMinutes === undefined ? DEFAULT_SANDBOX_WRAPUP_OVERDUE_MINUTES : options.wrapupOverdueMinutes;
  // A taken port fails the start before anything is built or started.
  const fixedPorts: [number | undefined, string][] = [
    [options.ports?.host, 'Flex sandbox page'],
    [options.ports?.functions, 'Functions service (twilio-run)'],
    [options.ports?.simulator, 'Twilio simulator'],
  ];
  for (const [port, purpose] of fixedPorts) {
    if (port) await assertPortFree(port, purpose, PORT_HINT);
  }
  if (!options.skipBuild) await ensureBuilt(logDir, say);

  const stops: (() => Promise<void>)[] = [];
  let stopping: Promise<void> | null = null;
  const stop = () => {
    // Last started, first stopped: the page, then the Functions, then the simulator they call.
    stopping ??= (async () => {
      for (const stopOne of [...stops].reverse()) {
        await stopOne().catch((error: unknown) => say(`While stopping: ${String(error)}`));
      }
    })();
    return stopping;
  };

  try {
    const simulator = await startSimulator({
      port: options.ports?.simulator ?? 0,
      seed: options.seed ?? 1,
      scenario: sandboxScenario(options),
      latencyMs: options.latencyMs ?? 0,
      concurrencyLimit: options.concurrencyLimit ?? null,
      errorRate: options.errorRate ?? 0,
      otherTrafficMean: options.otherTrafficMean ?? 0,
      otherTrafficSwing: options.otherTrafficSwing ?? 0,
      graceSeconds,
      wrapupOverdueMinutes,
    }).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EADDRINUSE'
        ? new PortInUseError(options.ports?.simulator ?? 0, 'Twilio simulator', PORT_HINT)
        : error;
    });
    stops.push(() => simulator.stop());
    say(`Twilio simulator: ${simulator.url} (${simulator.summary().tasks} tasks)`);

    const functions = await startFunctions({
      port: options.ports?.functions ?? 0,
      logFile: path.join(logDir, 'functions.log'),
      portHint: PORT_HINT,
      instances: options.functionInstances,
      settings: {
        ACCOUNT_SID: simulator.accountSid,
        AUTH_TOKEN: simulator.authToken,
        TASKROUTER_WORKSPACE_SID: simulator.workspaceSid,
        TWILIO_API_BASE_URL: simulator.url,
        ALLOWED_ROLES: allowedRoles.join(','),
        STUCK_GRACE_SECONDS: String(graceSeconds),
        WRAPUP_OVERDUE_MINUTES: wrapupOverdueMinutes === null ? '' : String(wrapupOverdueMinutes),
      },
    });
    stops.push(() => functions.stop());
    say(`Functions (twilio-run, ${options.functionInstances ?? 'cold'} instances): ${functions.url}`);

    const host = await startFlexHost({
      port: options.ports?.host ?? 0,
      pluginBundlePath: PLUGIN_BUNDLE,
      pageScriptPath: FLEX_PAGE_BUNDLE,
      functionsUrl: functions.url,
      accountSid: simulator.accountSid,
      issueToken: (user) => simulator.issueToken(user),
      uiAttributes: { stuck_tasks: { service_url: functions.url, allowed_roles: allowedRoles } },
      portHint: PORT_HINT,
    });
    stops.push(() => host.stop());

    return { simulator, functions, host, url: host.url, allowedRoles, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
