import type { FunctionInstances, FunctionsServer } from '@plugin-stuck-tasks/sandbox/src/start/functions';
import { startFunctions } from '@plugin-stuck-tasks/sandbox/src/start/functions';
import path from 'path';
import type { Simulator, SimulatorOptions } from '@plugin-stuck-tasks/sandbox';
import { startSimulator } from '@plugin-stuck-tasks/sandbox';
import type { ApiAnswer } from './http';
import { post } from './http';
import type { TwilioFront } from './twilioFront';
import { startTwilioFront } from './twilioFront';

export type Endpoint = 'scan' | 'task' | 'close' | 'history' | 'orphan-conversations';

/**
 * How the Functions reach "Twilio":
 * - `baseUrl`: TWILIO_API_BASE_URL points every request at the stand-in (sandbox configuration);
 * - `realHosts`: no base URL, as deployed: the unmodified token validator and twilio-node call
 *   iam/taskrouter/api.twilio.com, and a test-only preload answers those hosts from the stand-in.
 */
export type TwilioRoute = 'baseUrl' | 'realHosts';

/** Test-only preload that answers the real Twilio hosts from TWILIO_HOSTS_TARGET_URL. */
export const TWILIO_HOSTS_PRELOAD = path.join(__dirname, 'twilio-hosts.js');

/** The Functions under twilio-run with their settings, pointed at `twilioUrl` the way `route` says. */
export async function startFunctionsFor(
  settings: Record<string, string>,
  twilioUrl: string,
  route: TwilioRoute = 'baseUrl',
  instances: FunctionInstances = 'cold',
): Promise<FunctionsServer> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { buildIfStale } = require('../../scripts/build.js') as { buildIfStale: () => Promise<void> };
  await buildIfStale();
  return route === 'baseUrl'
    ? startFunctions({ port: 0, instances, settings: { ...settings, TWILIO_API_BASE_URL: twilioUrl } })
    : startFunctions({
        port: 0,
        instances,
        settings: { ...settings, TWILIO_HOSTS_TARGET_URL: twilioUrl },
        preload: [TWILIO_HOSTS_PRELOAD],
      });
}

/** The simulator plus the built Functions pointed at it, as a test file uses them. */
export interface Stack {
  sim: Simulator;
  functions: FunctionsServer;
  /** The proxy between the Functions and the simulator, when asked for. */
  front: TwilioFront | null;
  /** Absolute URL of an endpoint. */
  url(endpoint: Endpoint): string;
  /** A valid token of the sandbox admin (role admin). */
  adminToken(): string;
  call<Body = unknown>(
    endpoint: Endpoint,
    params: Record<string, unknown>,
    encoding?: 'form' | 'json',
  ): Promise<ApiAnswer<Body>>;
  stop(): Promise<void>;
}

export interface StackOptions {
  simulator?: SimulatorOptions;
  /** Extra settings for the env file, given the running simulator (e.g. its queue SIDs). */
  settings?: (sim: Simulator) => Record<string, string>;
  /** Default `baseUrl`. */
  route?: TwilioRoute;
  /** Put a front between the Functions and the simulator, to make token validation fail on cue. */
  front?: boolean;
  /** Default `cold`: a fresh process per call. */
  instances?: FunctionInstances;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const sim = await startSimulator(options.simulator);
  let front: TwilioFront | null = null;
  let functions: FunctionsServer;
  try {
    if (options.front) front = await startTwilioFront(sim.url);
    functions = await startFunctionsFor(
      {
        ACCOUNT_SID: sim.accountSid,
        AUTH_TOKEN: sim.authToken,
        TASKROUTER_WORKSPACE_SID: sim.workspaceSid,
        ...options.settings?.(sim),
      },
      front?.url ?? sim.url,
      options.route,
      options.instances,
    );
  } catch (error) {
    await Promise.allSettled([sim.stop(), front?.stop()]);
    throw error;
  }
  const url = (endpoint: Endpoint): string => `${functions.url}/stuck-tasks/${endpoint}`;
  return {
    sim,
    functions,
    front,
    url,
    adminToken: () => sim.issueSandboxToken('admin'),
    call: (endpoint, params, encoding) => post(url(endpoint), params, encoding),
    async stop() {
      await Promise.allSettled([functions.stop(), sim.stop(), front?.stop()]);
    },
  };
}
