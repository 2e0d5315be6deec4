import type { CloseAction, ReviewProblem } from '@plugin-stuck-tasks/contract';
import type { SimCall, SimTask } from './model';
import { LIVE_CALL_STATUSES } from './model';
import { isClosed } from './store';

/**
 * The simulator's oracle: its own verdict on a task, written independently of the engine's rules
 * (serverless/src/engine/rules.ts) so tests can compare the two. Control views only; the Twilio
 * API never uses it.
 */
export type OracleVerdict = 'stuck' | 'needs_review' | 'active' | 'not_voice' | 'wrapping' | 'closed';

export interface OracleJudgement {
  verdict: OracleVerdict;
  problem: ReviewProblem | null;
  action: CloseAction | null;
}

export function judgeTask(
  task: SimTask,
  call: SimCall | undefined,
  clock: { nowMs: number; graceSeconds: number },
): OracleJudgement {
  const none = { problem: null, action: null };
  if (isClosed(task.assignmentStatus)) return { verdict: 'closed', ...none };
  if (task.assignmentStatus === 'wrapping') return { verdict: 'wrapping', ...none };
  if (task.channel !== 'voice') return { verdict: 'not_voice', ...none };
  if (!task.attributesParseable) return { verdict: 'needs_review', problem: 'bad_attributes', action: null };
  if (!task.callSid) return { verdict: 'needs_review', problem: 'no_call_sid', action: null };
  if (!call) return { verdict: 'needs_review', problem: 'call_not_found', action: null };
  if (LIVE_CALL_STATUSES.includes(call.status)) return { verdict: 'active', ...none };
  if (call.endTime !== null && clock.nowMs - call.endTime < clock.graceSeconds * 1000) {
    return { verdict: 'active', ...none };
  }
  return {
    verdict: 'stuck',
    problem: null,
    action: task.assignmentStatus === 'assigned' ? 'complete' : 'cancel',
  };
}
