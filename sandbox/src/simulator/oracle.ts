import type { CloseAction, ReviewProblem, SuspectKind } from '@plugin-stuck-tasks/contract';
import type { SimCall, SimLeg, SimTask } from './model';
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
}

/** One leg and the call the account has for it (undefined: unknown, Twilio answers 404). */
export interface JudgedLeg extends SimLeg {
  call: SimCall | undefined;
}

export function judgeTask(task: SimTask, legs: readonly JudgedLeg[], clock: OracleClock): OracleJudgement {
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
