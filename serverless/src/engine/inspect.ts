import { TASK_SID_PATTERN } from '@plugin-stuck-tasks/contract';
import type { TaskDetailResponse } from '@plugin-stuck-tasks/contract';
import { DeadlineExceededError, UpstreamError } from '../gateway/errors';
import type { RequestBudget, TwilioCall } from '../gateway/types';
import type { EngineDeps } from './deps';
import { ruleContextOf } from './deps';
import { toCallDetails, toReservationSummary, toTaskDetails } from './present';
import { callReferenceOf, classifyTask } from './rules';

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
  // The call the rules would look up (precheckTask's reference), fetched even when the task alone
  // decides (closed, other channel, excluded queue): the details show it all the same.
  const reference = callReferenceOf(task);
  const [reservations, call] = await Promise.all([
    gateway.listReservations(taskSid, budget),
    reference.problem === null ? gateway.fetchCall(reference.callSid, budget) : Promise.resolve(undefined),
  ]);

  const context = ruleContextOf(deps);
  const classification = classifyTask(task, observation(call), context);
  const base = {
    task: toTaskDetails(task, context.nowMs),
    call: call ? toCallDetails(call) : null,
    reservations: reservations.map(toReservationSummary),
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
      return { ...base, verdict: 'stuck', action: classification.action };
  }
}

function observation(call: TwilioCall | null | undefined) {
  if (call === undefined) return undefined;
  return call === null ? ({ kind: 'not_found' } as const) : ({ kind: 'fetched', call } as const);
}
