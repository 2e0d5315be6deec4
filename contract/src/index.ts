/**
 * The Functions API contract: what `POST /stuck-tasks/scan`, `/stuck-tasks/task` and
 * `/stuck-tasks/close` accept and answer. The Functions, the plugin and the CLI all import these
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

/** Most Task SIDs one `close` call accepts. */
export const MAX_CLOSE_BATCH = 50;

/** `WT` followed by 32 hex digits. */
export const TASK_SID_PATTERN = /^WT[0-9a-fA-F]{32}$/;

/** `CA` followed by 32 hex digits. */
export const CALL_SID_PATTERN = /^CA[0-9a-fA-F]{32}$/;

/** What a scan reports about every open task it lists, suspect or needing review. */
export interface ScannedTask {
  taskSid: string;
  assignmentStatus: OpenAssignmentStatus;
  taskChannel: string;
  taskQueueName: string | null;
  ageSeconds: number;
  /** ISO 8601. */
  dateCreated: string;
}

export interface Suspect extends ScannedTask {
  callSid: string;
  callStatus: CallStatus;
  /** ISO 8601, or null when Twilio gives no end time. */
  callEndedAt: string | null;
  action: CloseAction;
}

export interface ReviewItem extends ScannedTask {
  callSid: string | null;
  problem: ReviewProblem;
}

export interface ScanCounts {
  /** Open tasks looked at in this page. */
  scanned: number;
  stuck: number;
  needsReview: number;
  /** Voice tasks whose call is live or ended inside the grace period. */
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

export interface ReservationSummary {
  workerSid: string;
  workerName: string | null;
  status: string;
}

export interface TaskDetailResponse {
  task: TaskDetails;
  call: CallDetails | null;
  reservations: ReservationSummary[];
  verdict: Verdict;
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
