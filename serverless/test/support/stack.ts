import type { Simulator, SimulatorOptions } from '@plugin-stuck-tasks/sandbox';
import { startSimulator } from '@plugin-stuck-tasks/sandbox';
import type { ApiAnswer, FunctionsServer } from './functionsServer';
import { post, startFunctionsServer } from './functionsServer';

export type Endpoint = 'scan' | 'task' | 'close';

/** The simulator plus the built Functions pointed at it, as a test file uses them. */
export interface Stack {
  sim: Simulator;
  functions: FunctionsServer;
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
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const sim = await startSimulator(options.simulator);
  let functions: FunctionsServer;
  try {
    functions = await startFunctionsServer({
      ACCOUNT_SID: sim.accountSid,
      AUTH_TOKEN: sim.authToken,
      TASKROUTER_WORKSPACE_SID: sim.workspaceSid,
      TWILIO_API_BASE_URL: sim.url,
      ...options.settings?.(sim),
    });
  } catch (error) {
    await sim.stop();
    throw error;
  }
  const url = (endpoint: Endpoint): string => `${functions.url}/stuck-tasks/${endpoint}`;
  return {
    sim,
    functions,
    url,
    adminToken: () => sim.issueSandboxToken('admin'),
    call: (endpoint, params, encoding) => post(url(endpoint), params, encoding),
    async stop() {
      await Promise.allSettled([functions.stop(), sim.stop()]);
    },
  };
}
