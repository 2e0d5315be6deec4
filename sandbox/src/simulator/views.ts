import type { CloseAction, ReviewProblem } from '@plugin-stuck-tasks/contract';
import type { AssignmentStatus, CallStatus, SimTaskQueue, SimWorker, TaskKind } from './model';
import type { OracleVerdict } from './oracle';
import type { RuntimeOptions } from './runtime-options';

/** What the control plane shows and takes: views of tasks and calls, the state summary, new tasks and calls. */

export interface ReservationView {
  sid: string;
  workerSid: string;
  workerName: string;
  status: string;
}

/** The control plane's view of a task, with the simulator's own judgement of it. */
export interface TaskView {
  sid: string;
  assignmentStatus: AssignmentStatus;
  channel: string;
  taskQueueSid: string;
  taskQueueName: string;
  attributes: string;
  callSid: string | null;
  callStatus: CallStatus | null;
  callEndedAt: string | null;
  dateCreated: string;
  dateUpdated: string;
  closedAt: string | null;
  etag: string;
  reason: string | null;
  priority: number;
  /** What the scenario generator made it. */
  kind: TaskKind;
  /** What it is now, judged by the simulator with `graceSeconds` (independent of the engine). */
  verdict: OracleVerdict;
  problem: ReviewProblem | null;
  action: CloseAction | null;
  reservations: ReservationView[];
}

export interface CallView {
  sid: string;
  status: CallStatus;
  direction: string;
  from: string;
  to: string;
  dateCreated: string;
  startTime: string | null;
  endTime: string | null;
}

export interface StateSummary {
  accountSid: string;
  workspaceSid: string;
  seed: string;
  tasks: number;
  tasksByStatus: Record<AssignmentStatus, number>;
  callsByStatus: Record<CallStatus, number>;
  verdicts: Record<OracleVerdict, number>;
  taskQueues: SimTaskQueue[];
  workers: SimWorker[];
  updates: number;
  config: RuntimeOptions;
}

export interface AddTaskInput {
  assignmentStatus?: AssignmentStatus;
  channel?: string;
  /** Raw attribute string; by default voice attributes pointing at `callSid`. */
  attributes?: string;
  callSid?: string | null;
  taskQueueName?: string;
  ageSeconds?: number;
  priority?: number;
  workerSid?: string;
}

export interface AddCallInput {
  status: CallStatus;
  from?: string;
  to?: string;
  ageSeconds?: number;
  /** For ended calls: seconds since the call ended (default 300). */
  endedSecondsAgo?: number;
}
