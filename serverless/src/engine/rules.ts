/**
 * The domain rules: when is a voice Task stuck, and what closes it. Pure functions, no I/O, so that
 * the scan, the detail view and the re-check before closing all judge a task the same way.
 */
import { CALL_SID_PATTERN, OPEN_ASSIGNMENT_STATUSES, TERMINAL_CALL_STATUSES } from '@plugin-stuck-tasks/contract';
import type {
  AssignmentStatus,
  CallStatus,
  CloseAction,
  OpenAssignmentStatus,
  ReviewProblem,
} from '@plugin-stuck-tasks/contract';
import type { TwilioCall, TwilioTask } from '../gateway/types';

export const VOICE_CHANNEL = 'voice';

export interface RuleContext {
  nowMs: number;
  graceSeconds: number;
  /** TaskQueue SIDs or names. */
  excludedTaskQueues: readonly string[];
}

/** What is known about a task's call. */
export type CallObservation =
  /** Seen in the account's list of live calls (or fetched and found live). */
  | { kind: 'live'; status: CallStatus }
  /** Fetched individually: authoritative. */
  | { kind: 'fetched'; call: TwilioCall }
  /** Fetching it answered 404. */
  | { kind: 'not_found' };

export interface CallFacts {
  callSid: string;
  callStatus: CallStatus;
  /** ISO 8601, or null when Twilio gave no end time (or the call is live). */
  callEndedAt: string | null;
}

export type Classification =
  | { verdict: 'closed'; assignmentStatus: AssignmentStatus }
  | { verdict: 'skipped'; reason: 'not_voice' | 'excluded_queue' }
  | {
      verdict: 'needs_review';
      problem: ReviewProblem;
      callSid: string | null;
      /** What a forced close would do. */
      action: CloseAction;
    }
  | ({ verdict: 'active'; reason: 'call_live' | 'call_settling' } & CallFacts)
  | ({ verdict: 'stuck'; action: CloseAction } & CallFacts);

/** A judgement that needs the call first. */
export interface CallNeeded {
  verdict: 'needs_call';
  callSid: string;
}

export function isOpenStatus(status: AssignmentStatus): status is OpenAssignmentStatus {
  return (OPEN_ASSIGNMENT_STATUSES as readonly string[]).includes(status);
}

export function isTerminalCallStatus(status: CallStatus): boolean {
  return TERMINAL_CALL_STATUSES.includes(status);
}

/** Never assigned: cancel. Assigned to an agent: complete (cancel is refused from assigned). */
export function actionFor(status: OpenAssignmentStatus): CloseAction {
  return status === 'assigned' ? 'complete' : 'cancel';
}

/** The attributes as an object, or null when they are missing or not a JSON object. */
export function parseAttributes(raw: string | null): Record<string, unknown> | null {
  if (raw === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : null;
}

/** The `call_sid` attribute as written, or null when absent or empty. */
export function callSidOf(attributes: Record<string, unknown>): string | null {
  const value = attributes.call_sid;
  if (typeof value !== 'string' || value.trim() === '') return null;
  return value.trim();
}

export function isExcludedQueue(task: TwilioTask, excluded: readonly string[]): boolean {
  return excluded.some(
    (entry) =>
      (task.task_queue_sid !== null && entry.toUpperCase() === task.task_queue_sid.toUpperCase()) ||
      (task.task_queue_friendly_name !== null && entry === task.task_queue_friendly_name),
  );
}

/** What a task's attributes say about its call: the SID to look up, or what stops the lookup. */
export type CallReference = { callSid: string; problem: null } | { callSid: string | null; problem: ReviewProblem };

export function callReferenceOf(task: TwilioTask): CallReference {
  const attributes = parseAttributes(task.attributes);
  if (attributes === null) return { callSid: null, problem: 'bad_attributes' };
  const callSid = callSidOf(attributes);
  if (callSid === null) return { callSid: null, problem: 'no_call_sid' };
  // A value that is not a Call SID names no call; it is never put into a request URL.
  if (!CALL_SID_PATTERN.test(callSid)) return { callSid, problem: 'call_not_found' };
  return { callSid, problem: null };
}

/**
 * Everything that can be decided from the task alone; otherwise the call SID to look up. Cheap checks
 * come first so non-voice tasks and excluded queues never cost a request.
 */
export function precheckTask(task: TwilioTask, context: RuleContext): Classification | CallNeeded {
  if (!isOpenStatus(task.assignment_status)) return { verdict: 'closed', assignmentStatus: task.assignment_status };
  if (task.task_channel_unique_name !== VOICE_CHANNEL) return { verdict: 'skipped', reason: 'not_voice' };
  if (isExcludedQueue(task, context.excludedTaskQueues)) return { verdict: 'skipped', reason: 'excluded_queue' };
  const reference = callReferenceOf(task);
  if (reference.problem === null) return { verdict: 'needs_call', callSid: reference.callSid };
  const action = actionFor(task.assignment_status);
  return { verdict: 'needs_review', problem: reference.problem, callSid: reference.callSid, action };
}

/**
 * The full judgement. `call` is what is known about the call named by the task (ignored when the
 * task alone decides). A task whose call has not been observed is never stuck.
 */
export function classifyTask(
  task: TwilioTask,
  call: CallObservation | undefined,
  context: RuleContext,
): Classification {
  const precheck = precheckTask(task, context);
  if (precheck.verdict !== 'needs_call') return precheck;
  const { callSid } = precheck;
  const action = actionFor(task.assignment_status as OpenAssignmentStatus);
  if (call === undefined) {
    throw new Error(`classifyTask: the call ${callSid} of task ${task.sid} must be looked up first`);
  }
  if (call.kind === 'not_found') return { verdict: 'needs_review', problem: 'call_not_found', callSid, action };
  if (call.kind === 'live') {
    return { verdict: 'active', reason: 'call_live', callSid, callStatus: call.status, callEndedAt: null };
  }
  const fetched = call.call;
  const endedAtMs = callEndedAtMs(fetched);
  const callEndedAt = fetched.end_time === null || endedAtMs === null ? null : new Date(endedAtMs).toISOString();
  const facts: CallFacts = { callSid, callStatus: fetched.status, callEndedAt };
  if (!isTerminalCallStatus(fetched.status)) return { verdict: 'active', reason: 'call_live', ...facts };
  if (endedRecently(fetched, context)) return { verdict: 'active', reason: 'call_settling', ...facts };
  return { verdict: 'stuck', action, ...facts };
}

/**
 * When the call ended: its end time, else the last change to the call (when its status became
 * terminal). null when Twilio gives neither.
 */
export function callEndedAtMs(call: TwilioCall): number | null {
  for (const value of [call.end_time, call.date_updated]) {
    const ms = value === null ? NaN : Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  return null;
}

/** Inside the grace period orchestration may still be moving the task on its own. */
export function endedRecently(call: TwilioCall, context: GraceContext): boolean {
  return endedWithinGrace(callEndedAtMs(call), context);
}

export type GraceContext = Pick<RuleContext, 'nowMs' | 'graceSeconds'>;

/** Whether a call that ended at `endedAtMs` (null: not known) ended less than the grace period before now. */
export function endedWithinGrace(endedAtMs: number | null, context: GraceContext): boolean {
  return endedAtMs !== null && context.nowMs - endedAtMs < context.graceSeconds * 1000;
}

/** Whole seconds since the task was created (Twilio's `age` when the creation date is unreadable). */
export function taskAgeSeconds(task: TwilioTask, nowMs: number): number {
  const created = task.date_created === null ? NaN : Date.parse(task.date_created);
  if (Number.isNaN(created)) return Math.max(0, task.age ?? 0);
  return Math.max(0, Math.floor((nowMs - created) / 1000));
}
