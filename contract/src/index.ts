/**
 * The Functions API contract: what `POST /stuck-tasks/scan`, `/stuck-tasks/task`, `/stuck-tasks/close` and
 * `/stuck-tasks/history` accept and answer. The Functions, the plugin and the CLI all import these
 * types from here so that a change to the contract is a compile error on every side.
 *
 * Keep this module free of runtime dependencies: the plugin bundles it.
 */

/** TaskRouter assignment statuses. */
export type AssignmentStatus = 'pending' | 'reserved' | 'assigned' | 'wrapping' | 'completed' | 'canceled';
export const ASSIGNMENT_STATUSES: readonly AssignmentStatus[] = [
  'pending',
  'reserved',
  'assigned',
  'wrapping',
  'completed',
  'canceled',
];

/** The statuses a Task can be stuck in: it is still open and holds an agent or a queue slot. */
export type OpenAssignmentStatus = 'pending' | 'reserved' | 'assigned';
export const OPEN_ASSIGNMENT_STATUSES: readonly OpenAssignmentStatus[] = ['pending', 'reserved', 'assigned'];

/**
 * The statuses a scan lists a task in: the open ones, and `wrapping` for an overdue wrap-up
 * (only when the service's WRAPUP_OVERDUE_MINUTES is set).
 */
export type ScannedAssignmentStatus = OpenAssignmentStatus | 'wrapping';

/** Call statuses (REST API 2010). */
export type CallStatus =
  'queued' | 'ringing' | 'in-progress' | 'canceled' | 'completed' | 'failed' | 'busy' | 'no-answer';

/** A call in one of these states is over; `canceled` included (the sample script forgot it). */
export const TERMINAL_CALL_STATUSES: readonly CallStatus[] = ['completed', 'failed', 'busy', 'no-answer', 'canceled'];

/** A call in one of these states is live: its task is never stuck. */
export const LIVE_CALL_STATUSES: readonly CallStatus[] = ['queued', 'ringing', 'in-progress'];

/** What closing a stuck Task means: cancel if it was never assigned, complete if it was. */
export type CloseAction = 'cancel' | 'complete';

/** Why a Task cannot be judged automatically and needs a person to look at it. */
export type ReviewProblem = 'no_call_sid' | 'call_not_found' | 'bad_attributes';

export type Verdict = 'stuck' | 'needs_review' | 'active' | 'not_voice' | 'closed';

/**
 * Why a suspect is stuck:
 * - `call_ended`: an open task (pending, reserved, assigned) whose every call leg ended longer ago than
 *   the grace period;
 * - `wrapup_overdue`: a `wrapping` task unchanged for longer than WRAPUP_OVERDUE_MINUTES whose every
 *   call leg ended longer ago than the grace period (listed only when that setting is on).
 */
export type SuspectKind = 'call_ended' | 'wrapup_overdue';
export const SUSPECT_KINDS: readonly SuspectKind[] = ['call_ended', 'wrapup_overdue'];

/** The role of the leg named by the task's `call_sid` attribute; other legs take their key under `conference.participants`. */
export const CALL_SID_LEG_ROLE = 'call_sid';

/**
 * One call leg of a voice task: its `call_sid` (role `call_sid`), or a Call SID under
 * `conference.participants` (role = the participant key, e.g. `customer`, `worker`).
 */
export interface CallLeg {
  callSid: string;
  role: string;
  status: CallStatus;
  /** ISO 8601, or null when Twilio gives no end time. */
  endedAt: string | null;
}

/** Most Task SIDs one `close` call accepts. */
export const MAX_CLOSE_BATCH = 50;

/** `WT` followed by 32 hex digits. */
export const TASK_SID_PATTERN = /^WT[0-9a-fA-F]{32}$/;

/** `CA` followed by 32 hex digits. */
export const CALL_SID_PATTERN = /^CA[0-9a-fA-F]{32}$/;

/** What a scan reports about every open task it lists, suspect or needing review. */
export interface ScannedTask {
  taskSid: string;
  /** `wrapping` only for an overdue wrap-up (a suspect of kind `wrapup_overdue`, or one needing review). */
  assignmentStatus: ScannedAssignmentStatus;
  taskChannel: string;
  taskQueueName: string | null;
  ageSeconds: number;
  /** ISO 8601. */
  dateCreated: string;
  /** The agent holding a reserved, assigned or wrapping task (from its reservations); null for pending. */
  workerSid: string | null;
  workerName: string | null;
}

export interface Suspect extends ScannedTask {
  kind: SuspectKind;
  /** Every leg the task names, the primary first. */
  legs: CallLeg[];
  /** The primary leg: `call_sid`, else `customer`, else the first leg. */
  callSid: string;
  callStatus: CallStatus;
  /** The latest end among the legs (ISO 8601), or null when Twilio gives no end time. */
  callEndedAt: string | null;
  action: CloseAction;
}

export interface ReviewItem extends ScannedTask {
  /** The primary leg's SID as the task names it (it may not be a Call SID), or null when it names none. */
  callSid: string | null;
  problem: ReviewProblem;
}

export interface ScanCounts {
  /** Open tasks (and, with WRAPUP_OVERDUE_MINUTES on, wrapping tasks) looked at in this page. */
  scanned: number;
  /** Suspects of every kind: the length of `suspects`. */
  stuck: number;
  /** How many of the suspects are overdue wrap-ups (`kind: "wrapup_overdue"`). */
  wrapupOverdue: number;
  needsReview: number;
  /** Voice tasks with a live leg or a leg ended inside the grace period, and wrap-ups not overdue. */
  active: number;
  /** Other channels and excluded queues. */
  skipped: number;
}

export interface ScanRequest {
  Token: string;
  PageToken?: string;
}

export interface ScanResponse {
  suspects: Suspect[];
  needsReview: ReviewItem[];
  counts: ScanCounts;
  nextPageToken: string | null;
}

export interface TaskDetailRequest {
  Token: string;
  TaskSid: string;
}

export interface TaskDetails {
  taskSid: string;
  assignmentStatus: AssignmentStatus;
  taskChannel: string;
  taskQueueSid: string | null;
  taskQueueName: string | null;
  workflowName: string | null;
  ageSeconds: number;
  dateCreated: string;
  dateUpdated: string;
  priority: number | null;
  reason: string | null;
  /** Parsed attributes, or null when they are not a JSON object. */
  attributes: Record<string, unknown> | null;
}

export interface CallDetails {
  callSid: string;
  status: CallStatus;
  direction: string | null;
  from: string | null;
  to: string | null;
  startTime: string | null;
  endTime: string | null;
  durationSeconds: number | null;
}

/** One leg of the task in the detail view. */
export interface LegDetails {
  role: string;
  /** As the task names it (it may not be a Call SID). */
  callSid: string;
  /** null when Twilio does not know the call (404) or the value is not a Call SID. */
  call: CallDetails | null;
}

export interface ReservationSummary {
  workerSid: string;
  workerName: string | null;
  status: string;
}

export interface TaskDetailResponse {
  task: TaskDetails;
  /** The primary leg (`call_sid`, else `customer`, else the first), or null when there is none or Twilio does not know it. */
  call: CallDetails | null;
  /** Every leg the task names, the primary first. */
  legs: LegDetails[];
  reservations: ReservationSummary[];
  /**
   * The agent holding the task, by the scan's rule (the reservation matching a reserved, assigned or
   * wrapping task); both null for a pending or closed task, or when no reservation holds it.
   */
  workerSid: string | null;
  workerName: string | null;
  verdict: Verdict;
  /** With `stuck`: which kind of stuck. */
  kind?: SuspectKind;
  problem?: ReviewProblem;
  /**
   * The server's close action (engine/rules.ts): for `stuck` what a close does, for `needs_review` what a
   * forced close would do; absent for the other verdicts. Clients show it and never work it out themselves.
   */
  action?: CloseAction;
}

export interface CloseRequest {
  Token: string;
  /** JSON array or comma-separated list, 1 to MAX_CLOSE_BATCH distinct Task SIDs. */
  TaskSids: string[] | string;
  /** `true`: also close tasks whose verdict is needs_review. Never a task whose call is live. */
  Force?: boolean | string;
}

export type CloseOutcome = 'canceled' | 'completed' | 'not_stuck' | 'not_found' | 'failed';

export interface CloseResult {
  taskSid: string;
  outcome: CloseOutcome;
  message: string;
}

export interface CloseResponse {
  results: CloseResult[];
}

export type ApiErrorCode = 'bad_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'upstream';

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string };
}

/** HTTP status for each error code. */
export const API_ERROR_STATUS: Readonly<Record<ApiErrorCode, number>> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  upstream: 502,
};

/*
 * History of closures (`POST /stuck-tasks/history`): the closures this service made, read from
 * TaskRouter's Events API (`task.canceled`, `task.completed`) whose reason starts with CLOSE_REASON.
 */

/** Days of history one request may cover: TaskRouter keeps 30 days of events. */
export const HISTORY_DAYS_MIN = 1;
export const HISTORY_DAYS_MAX = 30;
export const HISTORY_DAYS_DEFAULT = 7;

export type HistoryOutcome = 'canceled' | 'completed';

export interface HistoryEntry {
  taskSid: string;
  /** ISO 8601: when TaskRouter recorded the closure. */
  closedAt: string;
  outcome: HistoryOutcome;
  /** The identity in the reason's "Closed by <identity>." (the CLI's operator included), else null. */
  closedBy: string | null;
  /** The task's reason as recorded with the event. */
  reason: string;
  taskQueueName: string | null;
  taskChannel: string | null;
}

export interface HistoryRequest {
  Token: string;
  /** 1 to HISTORY_DAYS_MAX, default HISTORY_DAYS_DEFAULT. */
  Days?: number | string;
  PageToken?: string;
}

export interface HistoryResponse {
  /** Newest first. */
  entries: HistoryEntry[];
  nextPageToken: string | null;
}
