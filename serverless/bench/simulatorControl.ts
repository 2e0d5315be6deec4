/** The Twilio simulator's control API (`/_sim/…`), over HTTP: the bench runs it in another process. */
import type {
  CallView,
  RuntimeOptions,
  ScenarioOptions,
  SimulatorStats,
  StateSummary,
  TaskView,
  UpdateLogEntry,
} from '@plugin-stuck-tasks/sandbox';
// Constants only: the bench's own process never loads the simulator's code (it runs in a child).
import { CONTROL_SECRET_HEADER } from '@plugin-stuck-tasks/sandbox/src/simulator/defaults';

export interface SimulatorAddress {
  url: string;
  accountSid: string;
  authToken: string;
  workspaceSid: string;
  /** The simulator's per-run control secret (X-Sim-Control-Secret). */
  controlSecret: string;
}

export class SimulatorControl {
  constructor(
    private readonly baseUrl: string,
    private readonly controlSecret: string,
  ) {}

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}/_sim${path}`, {
      method,
      headers: {
        [CONTROL_SECRET_HEADER]: this.controlSecret,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Simulator control ${method} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  reset(seed: string, scenario: ScenarioOptions): Promise<unknown> {
    return this.call('POST', '/reset', { seed, scenario });
  }

  configure(options: Partial<RuntimeOptions>): Promise<RuntimeOptions> {
    return this.call('POST', '/configure', options);
  }

  resetStats(): Promise<SimulatorStats> {
    return this.call('POST', '/stats/reset');
  }

  stats(): Promise<SimulatorStats> {
    return this.call('GET', '/stats');
  }

  state(): Promise<StateSummary> {
    return this.call('GET', '/state');
  }

  async updates(): Promise<UpdateLogEntry[]> {
    return (await this.call<{ updates: UpdateLogEntry[] }>('GET', '/updates')).updates;
  }

  async calls(): Promise<CallView[]> {
    return (await this.call<{ calls: CallView[] }>('GET', '/calls')).calls;
  }

  async tasks(filter: { kind?: string; verdict?: string } = {}): Promise<TaskView[]> {
    const query = new URLSearchParams(filter as Record<string, string>).toString();
    return (await this.call<{ tasks: TaskView[] }>('GET', `/tasks${query ? `?${query}` : ''}`)).tasks;
  }
}
