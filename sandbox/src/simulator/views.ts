import type { CloseAction, ReviewProblem, SuspectKind } from '@plugin-stuck-tasks/contract';
import type {
  AssignmentStatus,
  CallStatus,
  ConversationState,
  InteractionChannelStatus,
  SimTaskQueue,
  SimWorker,
  TaskKind,
} from './model';
import type { OracleVerdict } from './oracle';
import type { RuntimeOptions } from './runtime-options';

/** What the control plane shows and takes: views of tasks and calls, the state summary, new tasks and calls. */

export interface ReservationView {
  sid: string;
  workerSid: string;
  workerName: string;
  status: string;
}

/** One call leg of a task as the control plane shows it, with its call as it is now. */
export interface LegView {
  role: string;
  callSid: string;
  /** null: the account has no such call (Twilio answers 404). */
  status: CallStatus | null;
  endedAt: string | null;
}

/** The control plane's view of a task, with the simulator's own judgement of it. */
export interface TaskView {
  sid: string;
  assignmentStatus: AssignmentStatus;
  channel: string;
  taskQueueSid: string;
  taskQueueName: string;
  attributes: string;
  /** The primary leg (`call_sid`, else `customer`, else the first leg); null when the task names none. */
  callSid: string | null;
  callStatus: CallStatus | null;
  /** The latest end among the legs that ended; null when none did. */
  callEndedAt: string | null;
  /** Every leg the attributes name, the primary first. */
  legs: LegView[];
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
  /**
   * For `stuck`: `call_ended` (open task), `wrapup_overdue` (wrapping, with wrapupOverdueMinutes on) or
   * `conversation_closed` (a messaging task).
   */
  stuckKind: SuspectKind | null;
  /** A messaging task: its conversation (null for voice). */
  conversationSid: string | null;
  /** Its state now, `deleted` when the account no longer has it; null for voice. */
  conversationState: string | null;
  interactionSid: string | null;
  interactionChannelSid: string | null;
  /** The channel's status now; null for voice or an unknown channel. */
  interactionChannelStatus: string | null;
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
  /** Stuck tasks by why they are stuck (with wrapupOverdueMinutes off, `wrapup_overdue` is 0). */
  stuckByKind: Record<SuspectKind, number>;
  taskQueues: SimTaskQueue[];
  workers: SimWorker[];
  updates: number;
  config: RuntimeOptions;
}

export interface AddTaskInput {
  assignmentStatus?: AssignmentStatus;
  channel?: string;
  /** Raw attribute string; by default voice attributes pointing at `callSid` (and `participants`). */
  attributes?: string;
  /** The `call_sid` attribute; undefined: a new live call (unless `participants` are given); null: none. */
  callSid?: string | null;
  /** Conference legs, e.g. `{customer: 'CA…', worker: 'CA…'}`, put under `conference.participants`. */
  participants?: Record<string, string>;
  /** Seconds since the task last changed (date_updated), e.g. how long a wrap-up has lasted. Default: its age. */
  updatedSecondsAgo?: number;
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

/** The control plane's view of a conversation (conversations.twilio.com), dates in ISO 8601. */
export interface ConversationView {
  sid: string;
  state: ConversationState;
  friendlyName: string;
  dateCreated: string;
  dateUpdated: string;
  /** `timers.date_closed`: null while open. */
  dateClosed: string | null;
  dateInactive: string | null;
}

/** The control plane's view of a Flex interaction channel, with the open tasks that name it. */
export interface InteractionChannelView {
  sid: string;
  interactionSid: string;
  type: string;
  status: InteractionChannelStatus;
  conversationSid: string | null;
  dateUpdated: string;
  /** The open (and wrapping) tasks whose attributes name this channel. */
  openTaskSids: string[];
}

/** `addMessagingTask`: a messaging task, its conversation and its interaction channel. */
export interface AddMessagingTaskInput {
  assignmentStatus?: AssignmentStatus;
  /** Task channel (default `sms`). */
  channel?: string;
  channelType?: 'sms' | 'whatsapp' | 'web' | 'chat' | 'email';
  /** Default `closed`; `deleted`: the conversation does not exist (404). */
  conversationState?: ConversationState | 'deleted';
  /** For a closed conversation: how long ago it closed (default 600). */
  closedSecondsAgo?: number;
  /** Default `active`. */
  channelStatus?: InteractionChannelStatus;
  /** false: the attributes carry no interaction SIDs. */
  interaction?: boolean;
  ageSeconds?: number;
  updatedSecondsAgo?: number;
  workerSid?: string;
  taskQueueName?: string;
}
