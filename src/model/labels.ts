import type {
  AssignmentStatus,
  CallStatus,
  CloseAction,
  CloseOutcome,
  ReviewProblem,
  SuspectKind,
  Verdict,
} from '@plugin-stuck-tasks/contract';
import { CALL_SID_LEG_ROLE } from '@plugin-stuck-tasks/contract';
import type { StringKey, Translate } from '../strings';
import type { ListKind } from './filters';

const STATUS_KEYS: Record<AssignmentStatus, StringKey> = {
  pending: 'StuckTasksStatusPending',
  reserved: 'StuckTasksStatusReserved',
  assigned: 'StuckTasksStatusAssigned',
  wrapping: 'StuckTasksStatusWrapping',
  completed: 'StuckTasksStatusCompleted',
  canceled: 'StuckTasksStatusCanceled',
};

const CALL_STATUS_KEYS: Record<CallStatus, StringKey> = {
  queued: 'StuckTasksCallQueued',
  ringing: 'StuckTasksCallRinging',
  'in-progress': 'StuckTasksCallInProgress',
  canceled: 'StuckTasksCallCanceled',
  completed: 'StuckTasksCallCompleted',
  failed: 'StuckTasksCallFailed',
  busy: 'StuckTasksCallBusy',
  'no-answer': 'StuckTasksCallNoAnswer',
};

const OUTCOME_KEYS: Record<CloseOutcome, StringKey> = {
  canceled: 'StuckTasksOutcomeCanceled',
  completed: 'StuckTasksOutcomeCompleted',
  not_stuck: 'StuckTasksOutcomeNotStuck',
  not_found: 'StuckTasksOutcomeNotFound',
  failed: 'StuckTasksOutcomeFailed',
};

const PROBLEM_KEYS: Record<ReviewProblem, StringKey> = {
  no_call_sid: 'StuckTasksProblemNoCallSid',
  call_not_found: 'StuckTasksProblemCallNotFound',
  bad_attributes: 'StuckTasksProblemBadAttributes',
  no_interaction: 'StuckTasksProblemNoInteraction',
  interaction_closed: 'StuckTasksProblemInteractionClosed',
};

const ACTION_KEYS: Record<CloseAction, StringKey> = {
  cancel: 'StuckTasksActionCancel',
  complete: 'StuckTasksActionComplete',
  close_interaction: 'StuckTasksActionCloseInteraction',
};

const VERDICT_KEYS: Record<Verdict, StringKey> = {
  stuck: 'StuckTasksVerdictStuck',
  needs_review: 'StuckTasksVerdictNeedsReview',
  active: 'StuckTasksVerdictActive',
  not_voice: 'StuckTasksVerdictNotVoice',
  closed: 'StuckTasksVerdictClosed',
};

// Values outside the contract (a newer server) are shown raw rather than hidden.
const lookup = <T extends string>(keys: Record<T, StringKey>, value: T, t: Translate): string =>
  Object.prototype.hasOwnProperty.call(keys, value) ? t(keys[value]) : value;

export const statusLabel = (status: AssignmentStatus, t: Translate) => lookup(STATUS_KEYS, status, t);
export const callStatusLabel = (status: CallStatus, t: Translate) => lookup(CALL_STATUS_KEYS, status, t);
export const outcomeLabel = (outcome: CloseOutcome, t: Translate) => lookup(OUTCOME_KEYS, outcome, t);
export const problemText = (problem: ReviewProblem, t: Translate) => lookup(PROBLEM_KEYS, problem, t);
export const actionLabel = (action: CloseAction, t: Translate) => lookup(ACTION_KEYS, action, t);

export function verdictText(
  verdict: Verdict,
  problem: ReviewProblem | undefined,
  t: Translate,
  kind?: SuspectKind,
): string {
  if (!Object.prototype.hasOwnProperty.call(VERDICT_KEYS, verdict)) {
    return verdict;
  }
  if (verdict === 'stuck' && kind === 'wrapup_overdue') {
    return t('StuckTasksVerdictWrapupOverdue');
  }
  if (verdict === 'stuck' && kind === 'conversation_closed') {
    return t('StuckTasksVerdictConversationClosed');
  }
  return t(VERDICT_KEYS[verdict], { problem: problem ? problemText(problem, t) : '' });
}

const LEG_ROLE_KEYS: Record<string, StringKey> = {
  [CALL_SID_LEG_ROLE]: 'StuckTasksLegRoleCallSid',
  customer: 'StuckTasksLegRoleCustomer',
  worker: 'StuckTasksLegRoleWorker',
};

/** Well-known leg roles in words; any other participant key (a transfer target, a supervisor) as the task names it. */
export const legRoleLabel = (role: string, t: Translate) => lookup(LEG_ROLE_KEYS, role, t);

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function formatDuration(totalSeconds: number, t: Translate): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  if (seconds < 60) {
    return t('StuckTasksDurationSeconds', { seconds });
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return t('StuckTasksDurationMinutes', { minutes });
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    return t('StuckTasksDurationHours', { hours, minutes: minutes % 60 });
  }
  return t('StuckTasksDurationDays', { days: Math.floor(hours / 24), hours: hours % 24 });
}

/** How long ago an ISO instant was, or null when there is no usable instant. */
export function formatAgo(iso: string | null, now: number, t: Translate): string | null {
  const millis = iso === null ? NaN : Date.parse(iso);
  if (Number.isNaN(millis)) {
    return null;
  }
  return t('StuckTasksAgo', { duration: formatDuration((now - millis) / 1000, t) });
}

export function formatInstant(iso: string | null): string | null {
  const millis = iso === null ? NaN : Date.parse(iso);
  return Number.isNaN(millis) ? null : new Date(millis).toLocaleString();
}

const LIST_KIND_KEYS: Record<ListKind, StringKey> = {
  call_ended: 'StuckTasksKindCallEnded',
  wrapup_overdue: 'StuckTasksKindWrapupOverdue',
  conversation_closed: 'StuckTasksKindConversationClosed',
  needs_review: 'StuckTasksKindNeedsReview',
};

export const listKindLabel = (kind: ListKind, t: Translate) => lookup(LIST_KIND_KEYS, kind, t);
