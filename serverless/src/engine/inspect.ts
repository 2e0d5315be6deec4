import { TASK_SID_PATTERN } from '@plugin-stuck-tasks/contract';
import type { TaskDetailResponse } from '@plugin-stuck-tasks/contract';
import { DeadlineExceededError, UpstreamError } from '../gateway/errors';
import type { RequestBudget } from '../gateway/types';
import type { EngineDeps } from './deps';
import { ruleContextOf } from './deps';
import { fetchLegCalls, observationsOf } from './legCalls';
import { agentOf, toLegDetails, toReservationSummary, toTaskDetails } from './present';
import { classifyTask, isCallSid, primaryLeg, taskLegs } from './rules';

export const DEFAULT_INSPECT_DEADLINE_MS = 7_000;

/** Everything about one task and the verdict on it; null when the task does not exist (404). */
export async function inspectTask(
  deps: EngineDeps,
  taskSid: string,
  options: { deadlineMs?: number } = {},
): Promise<TaskDetailResponse | null> {
  if (!TASK_SID_PATTERN.test(taskSid)) return null;
  const budget: RequestBudget = { deadline: Date.now() + (options.deadlineMs ?? DEFAULT_INSPECT_DEADLINE_MS) };
  try {
    return await inspect(deps, taskSid, budget);
  } catch (error) {
    if (error instanceof DeadlineExceededError) throw new UpstreamError('Twilio did not answer in time');
    throw error;
  }
}

async function inspect(deps: EngineDeps, taskSid: string, budget: RequestBudget): Promise<TaskDetailResponse | null> {
  const { gateway } = deps;
  const fetched = await gateway.fetchTask(taskSid, budget);
  if (fetched === null) return null;
  const { task } = fetched;
  // Every leg the task names is fetched, even when the task alone decides (closed, other channel,
  // excluded queue, a young wrap-up): the details show them all the same. Values that are not Call
  // SIDs are shown but never looked up.
  const legs = taskLegs(task);
  const [reservations, calls] = await Promise.all([
    gateway.listReservations(taskSid, budget),
    fetchLegCalls(gateway, [...new Set(legs.map((leg) => leg.callSid).filter(isCallSid))], budget),
  ]);

  const context = ruleContextOf(deps);
  const classification = classifyTask(task, observationsOf(calls), context);
  const legDetails = legs.map((leg) => toLegDetails(leg, calls.get(leg.callSid) ?? null));
  const primary = primaryLeg(legDetails);
  const base = {
    task: toTaskDetails(task, context.nowMs),
    call: primary?.call ?? null,
    legs: legDetails,
    reservations: reservations.map(toReservationSummary),
    // The same rule as the scan's agent column, so the panel never works it out itself.
    ...agentOf(task.assignment_status, reservations),
  };
  switch (classification.verdict) {
    case 'closed':
      return { ...base, verdict: 'closed' };
    case 'skipped':
      // The contract has no separate verdict for excluded queues: like other channels, not ours to judge.
      return { ...base, verdict: 'not_voice' };
    case 'needs_review':
      return { ...base, verdict: 'needs_review', problem: classification.problem, action: classification.action };
    case 'active':
      return { ...base, verdict: 'active' };
    case 'stuck':
      return { ...base, verdict: 'stuck', kind: classification.kind, action: classification.action };
  }
}
