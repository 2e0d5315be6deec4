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

/**
 * What closing a stuck Task means: cancel if it was never assigned, complete if it was;
 * `close_interaction` for a messaging task: its Flex Interaction Channel is closed (Interactions API),
 * never the Task itself (Twilio's Flex Conversations best practice), and Flex moves the task on.
 */
export type CloseAction = 'cancel' | 'complete' | 'close_interaction';

/**
 * Why a Task cannot be judged automatically and needs a person to look at it:
 * - voice: `no_call_sid`, `call_not_found`, `bad_attributes`;
 * - messaging: `no_interaction` (a conversation but no interaction SIDs: it cannot be closed safely),
 *   `interaction_closed` (the interaction channel is already closed or unknown, yet the task is open).
 */
export type ReviewProblem =
  'no_call_sid' | 'call_not_found' | 'bad_attributes' | 'no_interaction' | 'interaction_closed';

export type Verdict = 'stuck' | 'needs_review' | 'active' | 'not_voice' | 'closed';

/**
 * Why a suspect is stuck (`conversation_closed`: a messaging task, see below):
 * - `call_ended`: an open task (pending, reserved, assigned) whose every call leg ended longer ago than
 *   the grace period;
 * - `wrapup_overdue`: a `wrapping` task unchanged for longer than WRAPUP_OVERDUE_MINUTES whose every
 *   call leg ended longer ago than the grace period (listed only when that setting is on);
 * - `conversation_closed`: an open messaging task (Flex Conversations) whose conversation is closed or
 *   deleted and ended longer ago than the grace period, and whose interaction channel is neither paused,
 *   in transfer nor closed. Closed with `close_interaction`.
 */
export type SuspectKind = 'call_ended' | 'wrapup_overdue' | 'conversation_closed';
export const SUSPECT_KINDS: readonly SuspectKind[] = ['call_ended', 'wrapup_overdue', 'conversation_closed'];

/** How a messaging suspect's conversation ended: `closed`, or `deleted` (Conversations answers 404). */
export type ConversationEndState = 'closed' | 'deleted';

/** Conversation states (Conversations v1). */
export type ConversationState = 'active' | 'inactive' | 'initializing' | 'closed';
export const CONVERSATION_STATES: readonly ConversationState[] = ['active', 'inactive', 'initializing', 'closed'];

/** Interaction channel statuses (Flex v1 Interactions). */
export type InteractionChannelStatus = 'setup' | 'active' | 'failed' | 'closed' | 'inactive' | 'pause' | 'transfer';
export const INTERACTION_CHANNEL_STATUSES: readonly InteractionChannelStatus[] = [
  'setup',
  'active',
  'failed',
  'closed',
  'inactive',
  'pause',
  'transfer',
];

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
  /**
   * The call's `From` and `To` as Twilio gives them (E.164 such as `+14155550100` for a phone, or a
   * `client:…` / SIP address); null when Twilio gives none, or from a server older than these fields.
   * An inbound call's customer is `from`, an outbound one's `to`.
   */
  from: string | null;
  to: string | null;
}

/** Most Task SIDs one `close` call accepts. */
export const MAX_CLOSE_BATCH = 50;

/**
 * `close` calls the plugin keeps in flight at once. Defined here because the Functions share Twilio's
 * per-account Interactions API rate (20 requests a second per endpoint) among that many calls.
 */
export const PARALLEL_CLOSE_CALLS = 4;

/** `WT` followed by 32 hex digits. */
export const TASK_SID_PATTERN = /^WT[0-9a-fA-F]{32}$/;

/** `CA` followed by 32 hex digits. */
export const CALL_SID_PATTERN = /^CA[0-9a-fA-F]{32}$/;

/** A Conversations v1 Conversation: `CH` followed by 32 hex digits. */
export const CONVERSATION_SID_PATTERN = /^CH[0-9a-fA-F]{32}$/;

/** A Flex Interaction: `KD` followed by 32 hex digits. */
export const INTERACTION_SID_PATTERN = /^KD[0-9a-fA-F]{32}$/;

/** A Flex Interaction Channel: `UO` followed by 32 hex digits. */
export const INTERACTION_CHANNEL_SID_PATTERN = /^UO[0-9a-fA-F]{32}$/;

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
  /** Every leg the task names, the primary first; empty for a messaging suspect. */
  legs: CallLeg[];
  /** The primary leg: `call_sid`, else `customer`, else the first leg. null for a messaging suspect. */
  callSid: string | null;
  /** null for a messaging suspect. */
  callStatus: CallStatus | null;
  /** The latest end among the legs (ISO 8601), or null when Twilio gives no end time (or messaging). */
  callEndedAt: string | null;
  action: CloseAction;
  /** Messaging (`conversation_closed`): the task's conversation (CH…); null on voice suspects. */
  conversationSid: string | null;
  /** Messaging: `closed`, or `deleted` when Conversations answers 404; null on voice suspects. */
  conversationState: ConversationEndState | null;
  /** Messaging: when the conversation closed (ISO 8601; null when deleted or unreadable, and on voice). */
  conversationEndedAt: string | null;
  /** Messaging: the Flex Interaction (KD…); null on voice suspects. */
  interactionSid: string | null;
  /** Messaging: the Interaction Channel (UO…) a close closes; null on voice suspects. */
  interactionChannelSid: string | null;
  /** Messaging: the channel's type (`sms`, `whatsapp`, `web`, `email`…); null on voice or when unknown. */
  channelType: string | null;
}

export interface ReviewItem extends ScannedTask {
  /** The primary leg's SID as the task names it (it may not be a Call SID), or null when it names none. */
  callSid: string | null;
  problem: ReviewProblem;
  /** Messaging tasks: the conversation (CH…) the attributes name; absent or null for voice. */
  conversationSid?: string | null;
  /** Messaging tasks: the Flex Interaction (KD…), null when the attributes carry none. */
  interactionSid?: string | null;
  /** Messaging tasks: the Interaction Channel (UO…), null when the attributes carry none. */
  interactionChannelSid?: string | null;
}

export interface ScanCounts {
  /** Open tasks (and, with WRAPUP_OVERDUE_MINUTES on, wrapping tasks) looked at in this page. */
  scanned: number;
  /** Suspects of every kind: the length of `suspects`. */
  stuck: number;
  /** How many of the suspects are overdue wrap-ups (`kind: "wrapup_overdue"`). */
  wrapupOverdue: number;
  /** How many of the suspects are messaging tasks whose conversation ended (`kind: "conversation_closed"`). */
  conversationClosed: number;
  needsReview: number;
  /**
   * Voice tasks with a live leg or a leg ended inside the grace period, wrap-ups not overdue, and
   * messaging tasks whose conversation is still going (or ended inside the grace period) or whose
   * channel is paused or in transfer.
   */
  active: number;
  /** Other channels (messaging too with MESSAGING=off) and excluded queues. */
  skipped: number;
}

/** No task looked at yet: where a scan's running totals start. */
export const ZERO_SCAN_COUNTS: Readonly<ScanCounts> = Object.freeze({
  scanned: 0,
  stuck: 0,
  wrapupOverdue: 0,
  conversationClosed: 0,
  needsReview: 0,
  active: 0,
  skipped: 0,
});

/** Running totals of a scan's pages (a count an older server does not send adds 0). */
export function addScanCounts(total: Readonly<ScanCounts>, page: Readonly<Partial<ScanCounts>>): ScanCounts {
  const sum = { ...total };
  for (const key of Object.keys(sum) as (keyof ScanCounts)[]) sum[key] += page[key] ?? 0;
  return sum;
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

/** A messaging task's conversation in the detail view. */
export interface ConversationSummary {
  conversationSid: string;
  /** null when Conversations does not know it (404: deleted). */
  state: ConversationState | null;
  /** ISO 8601: `timers.date_closed`, else null. */
  dateClosed: string | null;
  dateUpdated: string | null;
  friendlyName: string | null;
}

/** A messaging task's interaction channel in the detail view. */
export interface InteractionChannelSummary {
  interactionSid: string;
  channelSid: string;
  /** null when Flex does not know it (404). */
  status: InteractionChannelStatus | null;
  type: string | null;
}

export interface TaskDetailResponse {
  task: TaskDetails;
  /** A messaging task's conversation (null for voice, or when the attributes name none). */
  conversation: ConversationSummary | null;
  /** A messaging task's interaction channel (null for voice, or when the attributes name none). */
  interactionChannel: InteractionChannelSummary | null;
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
  /**
   * `true`: also close voice tasks whose verdict is needs_review. Never a task whose call is live; never
   * a messaging task needing review (there is no safe way to close it).
   */
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

/*
 * Reverse orphans (`POST /stuck-tasks/orphan-conversations`): conversations still going (`active` or
 * `inactive`) that no open task (pending, reserved, assigned or wrapping) names, idle longer than
 * STUCK_GRACE_SECONDS. Listed for review only: nothing in this service ever closes them.
 */

/** A conversation still going that no open task names. */
export interface OrphanConversation {
  conversationSid: string;
  state: 'active' | 'inactive';
  friendlyName: string | null;
  /** ISO 8601. */
  dateCreated: string;
  /** ISO 8601: the conversation's last change. */
  dateUpdated: string;
  /** Seconds since `dateUpdated`. */
  idleSeconds: number;
}

export interface OrphanConversationsRequest {
  Token: string;
  PageToken?: string;
}

export interface OrphanConversationsCounts {
  /** Conversations still going (active or inactive) looked at in this page. */
  scanned: number;
  /** Of those, named by an open task. */
  withOpenTask: number;
  /** Of those, changed inside STUCK_GRACE_SECONDS (not listed yet). */
  recent: number;
  /** The length of `conversations`. */
  orphaned: number;
}

export interface OrphanConversationsResponse {
  conversations: OrphanConversation[];
  counts: OrphanConversationsCounts;
  nextPageToken: string | null;
}

export * from './csvReports';
