import type { CloseAction, ReviewProblem, SuspectKind } from '@plugin-stuck-tasks/contract';
import type { SimCall, SimConversation, SimInteractionChannel, SimLeg, SimTask } from './model';
import { LIVE_CALL_STATUSES } from './model';
import { isClosed } from './store';

/**
 * The simulator's oracle: its own verdict on a task, written independently of the engine's rules
 * (serverless/src/engine/rules.ts) so tests can compare the two. Control views only; the Twilio
 * API never uses it.
 *
 * A voice task is judged by every call leg it names (`call_sid` and `conference.participants`): any
 * leg live → active; else any leg unknown to the account → needs review (`call_not_found`); else any
 * leg ended inside the grace period → active; else stuck. With `wrapupOverdueMinutes` set, a
 * `wrapping` voice task unchanged for that long is judged the same way (stuck of kind
 * `wrapup_overdue`, to complete); one changed more recently is active. Without it, wrapping tasks
 * keep the verdict `wrapping`.
 */
export type OracleVerdict = 'stuck' | 'needs_review' | 'active' | 'not_voice' | 'wrapping' | 'closed';

export interface OracleJudgement {
  verdict: OracleVerdict;
  problem: ReviewProblem | null;
  action: CloseAction | null;
  /** Why a stuck task is stuck; null for every other verdict. */
  stuckKind: SuspectKind | null;
}

export interface OracleClock {
  nowMs: number;
  graceSeconds: number;
  /** null: overdue wrap-ups are off, as in the Functions without WRAPUP_OVERDUE_MINUTES. */
  wrapupOverdueMinutes: number | null;
  /** MESSAGING: false = messaging tasks are other channels (`not_voice`). Absent = on. */
  messaging?: boolean;
}

/** A messaging task's conversation and channel as the account has them (undefined: 404). */
export interface JudgedMessaging {
  conversation: SimConversation | undefined;
  channel: SimInteractionChannel | undefined;
}

/** One leg and the call the account has for it (undefined: unknown, Twilio answers 404). */
export interface JudgedLeg extends SimLeg {
  call: SimCall | undefined;
}

export function judgeTask(
  task: SimTask,
  legs: readonly JudgedLeg[],
  clock: OracleClock,
  messaging?: JudgedMessaging,
): OracleJudgement {
  const plain = (verdict: OracleVerdict): OracleJudgement => ({
    verdict,
    problem: null,
    action: null,
    stuckKind: null,
  });
  const review = (problem: ReviewProblem): OracleJudgement => ({
    verdict: 'needs_review',
    problem,
    action: null,
    stuckKind: null,
  });
  if (isClosed(task.assignmentStatus)) return plain('closed');
  const wrapping = task.assignmentStatus === 'wrapping';
  if (wrapping && clock.wrapupOverdueMinutes === null) return plain('wrapping');
  if (task.messaging !== null && clock.messaging !== false) {
    if (wrapping && clock.nowMs - task.dateUpdated < clock.wrapupOverdueMinutes! * 60_000) return plain('active');
    return judgeMessaging(task, messaging ?? { conversation: undefined, channel: undefined }, clock);
  }
  if (task.channel !== 'voice') return plain('not_voice');
  if (wrapping && clock.nowMs - task.dateUpdated < clock.wrapupOverdueMinutes! * 60_000) return plain('active');
  if (!task.attributesParseable) return review('bad_attributes');
  if (legs.length === 0) return review('no_call_sid');
  if (legs.some((leg) => leg.call !== undefined && LIVE_CALL_STATUSES.includes(leg.call.status))) {
    return plain('active');
  }
  if (legs.some((leg) => leg.call === undefined)) return review('call_not_found');
  const graceMs = clock.graceSeconds * 1000;
  // A leg's end: its end time, else when it last changed (as the engine reads a call without end_time).
  if (legs.some((leg) => clock.nowMs - (leg.call!.endTime ?? leg.call!.dateUpdated) < graceMs)) {
    return plain('active');
  }
  if (wrapping) return { verdict: 'stuck', problem: null, action: 'complete', stuckKind: 'wrapup_overdue' };
  return {
    verdict: 'stuck',
    problem: null,
    action: task.assignmentStatus === 'assigned' ? 'complete' : 'cancel',
    stuckKind: 'call_ended',
  };
}

/**
 * A messaging task (Flex Conversations): no interaction SIDs -> needs review (no_interaction); the
 * conversation active, inactive or initializing -> active; the channel paused or in transfer -> active;
 * the conversation closed less than the grace period ago (timers.date_closed, else date_updated) ->
 * active; the channel closed or unknown -> needs review (interaction_closed); else stuck, closed through
 * the channel. A deleted conversation (unknown) ended long ago.
 */
function judgeMessaging(task: SimTask, messaging: JudgedMessaging, clock: OracleClock): OracleJudgement {
  const refs = task.messaging!;
  const review = (problem: ReviewProblem): OracleJudgement => ({
    verdict: 'needs_review',
    problem,
    action: null,
    stuckKind: null,
  });
  const active: OracleJudgement = { verdict: 'active', problem: null, action: null, stuckKind: null };
  if (refs.interactionSid === null || refs.channelSid === null) return review('no_interaction');
  const { conversation, channel } = messaging;
  if (conversation && conversation.state !== 'closed') return active;
  if (channel && (channel.status === 'pause' || channel.status === 'transfer')) return active;
  if (conversation && clock.nowMs - (conversation.dateClosed ?? conversation.dateUpdated) < clock.graceSeconds * 1000) {
    return active;
  }
  if (!channel || channel.status === 'closed') return review('interaction_closed');
  return { verdict: 'stuck', problem: null, action: 'close_interaction', stuckKind: 'conversation_closed' };
}
