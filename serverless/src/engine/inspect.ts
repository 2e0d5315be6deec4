import { TASK_SID_PATTERN } from '@plugin-stuck-tasks/contract';
import type { TaskDetailResponse } from '@plugin-stuck-tasks/contract';
import { DeadlineExceededError, UpstreamError } from '../gateway/errors';
import type { RequestBudget } from '../gateway/types';
import type { EngineDeps } from './deps';
import { ruleContextOf } from './deps';
import { fetchLegCalls, observationsOf } from './legCalls';
import { channelObservation, conversationObservation } from './messagingObservations';
import { messagingRefsOf } from './messagingRules';
import {
  agentOf,
  toConversationSummary,
  toInteractionChannelSummary,
  toLegDetails,
  toReservationSummary,
  toTaskDetails,
} from './present';
import { classifyTask, isCallSid, parseAttributes, primaryLeg, taskLegs } from './rules';

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
  // A messaging task's conversation and channel are read whatever the verdict, for the details.
  const attributes = parseAttributes(task.attributes);
  const refs = attributes === null ? null : messagingRefsOf(attributes);
  const interaction =
    refs !== null && refs.interactionSid !== null && refs.channelSid !== null
      ? { interactionSid: refs.interactionSid, channelSid: refs.channelSid }
      : null;
  const [reservations, calls, conversation, channel] = await Promise.all([
    gateway.listReservations(taskSid, budget),
    fetchLegCalls(gateway, [...new Set(legs.map((leg) => leg.callSid).filter(isCallSid))], budget),
    refs === null ? Promise.resolve(undefined) : gateway.fetchConversation(refs.conversationSid, budget),
    interaction === null
      ? Promise.resolve(undefined)
      : gateway.fetchInteractionChannel(interaction.interactionSid, interaction.channelSid, budget),
  ]);

  const context = ruleContextOf(deps);
  const messaging =
    conversation === undefined
      ? undefined
      : {
          conversation: conversationObservation(conversation),
          ...(channel === undefined ? {} : { channel: channelObservation(channel) }),
        };
  const classification = classifyTask(task, observationsOf(calls), context, messaging);
  const legDetails = legs.map((leg) => toLegDetails(leg, calls.get(leg.callSid) ?? null));
  const primary = primaryLeg(legDetails);
  const base = {
    task: toTaskDetails(task, context.nowMs),
    call: primary?.call ?? null,
    legs: legDetails,
    conversation:
      refs === null || conversation === undefined ? null : toConversationSummary(refs.conversationSid, conversation),
    interactionChannel:
      interaction === null || channel === undefined
        ? null
        : toInteractionChannelSummary(interaction.interactionSid, interaction.channelSid, channel),
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
