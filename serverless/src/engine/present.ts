/** Turns Twilio resources and verdicts into the contract's shapes. Pure. */
import type {
  CallDetails,
  ConversationSummary,
  InteractionChannelSummary,
  LegDetails,
  ReservationSummary,
  ReviewItem,
  ScannedAssignmentStatus,
  Suspect,
  TaskDetails,
} from '@plugin-stuck-tasks/contract';
import type {
  TwilioCall,
  TwilioConversation,
  TwilioInteractionChannel,
  TwilioReservation,
  TwilioTask,
} from '../gateway/types';
import type { Classification, TaskLeg } from './rules';
import { parseAttributes, taskAgeSeconds } from './rules';

type Stuck = Extract<Classification, { verdict: 'stuck' }>;
type NeedsReview = Extract<Classification, { verdict: 'needs_review' }>;

/** The agent holding a task, from its reservations; both null for a pending or closed task or when none holds it. */
export interface Agent {
  workerSid: string | null;
  workerName: string | null;
}

export const NO_AGENT: Agent = { workerSid: null, workerName: null };

/** The reservation status that holds a task in each of its statuses. */
const HOLDING_RESERVATION: Partial<Record<string, string>> = {
  reserved: 'pending',
  assigned: 'accepted',
  wrapping: 'wrapping',
};
const HOLDING_STATUSES = new Set(Object.values(HOLDING_RESERVATION));

/**
 * The agent a task blocks: the worker of the reservation matching the task's status (reserved ->
 * `pending`, assigned -> `accepted`, wrapping -> `wrapping`), else of any reservation in one of those.
 */
export function agentOf(taskStatus: string, reservations: readonly TwilioReservation[]): Agent {
  const wanted = HOLDING_RESERVATION[taskStatus];
  // A pending task holds no one yet, and a closed one no longer does.
  if (wanted === undefined) return NO_AGENT;
  const holding =
    reservations.find((reservation) => reservation.reservation_status === wanted) ??
    reservations.find((reservation) => HOLDING_STATUSES.has(reservation.reservation_status));
  return holding ? { workerSid: holding.worker_sid, workerName: holding.worker_name } : NO_AGENT;
}

/** ISO 8601 for any date Twilio gives (ISO in TaskRouter, RFC 2822 in API 2010); null if unreadable. */
export function isoDate(value: string | null): string | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function taskSummary(task: TwilioTask, nowMs: number, agent: Agent) {
  return {
    taskSid: task.sid,
    assignmentStatus: task.assignment_status as ScannedAssignmentStatus,
    taskChannel: task.task_channel_unique_name ?? '',
    taskQueueName: task.task_queue_friendly_name,
    ageSeconds: taskAgeSeconds(task, nowMs),
    dateCreated: isoDate(task.date_created) ?? '',
    workerSid: agent.workerSid,
    workerName: agent.workerName,
  };
}

export function toSuspect(task: TwilioTask, verdict: Stuck, nowMs: number, agent: Agent = NO_AGENT): Suspect {
  return {
    ...taskSummary(task, nowMs, agent),
    kind: verdict.kind,
    legs: verdict.legs,
    callSid: verdict.callSid,
    callStatus: verdict.callStatus,
    callEndedAt: verdict.callEndedAt,
    action: verdict.action,
    conversationSid: verdict.conversation?.conversationSid ?? null,
    conversationState: verdict.conversation?.state ?? null,
    conversationEndedAt: verdict.conversation?.endedAt ?? null,
    interactionSid: verdict.conversation?.interactionSid ?? null,
    interactionChannelSid: verdict.conversation?.channelSid ?? null,
    channelType: verdict.conversation?.channelType ?? null,
  };
}

export function toReviewItem(
  task: TwilioTask,
  verdict: NeedsReview,
  nowMs: number,
  agent: Agent = NO_AGENT,
): ReviewItem {
  const item: ReviewItem = { ...taskSummary(task, nowMs, agent), callSid: verdict.callSid, problem: verdict.problem };
  if (verdict.messaging === undefined) return item;
  return {
    ...item,
    conversationSid: verdict.messaging.conversationSid,
    interactionSid: verdict.messaging.interactionSid,
    interactionChannelSid: verdict.messaging.channelSid,
  };
}

export function toTaskDetails(task: TwilioTask, nowMs: number): TaskDetails {
  return {
    taskSid: task.sid,
    assignmentStatus: task.assignment_status,
    taskChannel: task.task_channel_unique_name ?? '',
    taskQueueSid: task.task_queue_sid,
    taskQueueName: task.task_queue_friendly_name,
    workflowName: task.workflow_friendly_name,
    ageSeconds: taskAgeSeconds(task, nowMs),
    dateCreated: isoDate(task.date_created) ?? '',
    dateUpdated: isoDate(task.date_updated) ?? '',
    priority: task.priority,
    reason: task.reason,
    attributes: parseAttributes(task.attributes),
  };
}

export function toCallDetails(call: TwilioCall): CallDetails {
  const duration = call.duration === null || call.duration.trim() === '' ? NaN : Number(call.duration);
  return {
    callSid: call.sid,
    status: call.status,
    direction: call.direction,
    from: call.from,
    to: call.to,
    startTime: isoDate(call.start_time),
    endTime: isoDate(call.end_time),
    durationSeconds: Number.isFinite(duration) ? duration : null,
  };
}

/** A leg in the detail view; `call` null when Twilio does not know it or it names no Call SID. */
export function toLegDetails(leg: TaskLeg, call: TwilioCall | null): LegDetails {
  return { role: leg.role, callSid: leg.callSid, call: call === null ? null : toCallDetails(call) };
}

export function toConversationSummary(
  conversationSid: string,
  conversation: TwilioConversation | null,
): ConversationSummary {
  return {
    conversationSid,
    state: conversation?.state ?? null,
    dateClosed: isoDate(conversation?.timers?.date_closed ?? null),
    dateUpdated: isoDate(conversation?.date_updated ?? null),
    friendlyName: conversation?.friendly_name ?? null,
  };
}

export function toInteractionChannelSummary(
  interactionSid: string,
  channelSid: string,
  channel: TwilioInteractionChannel | null,
): InteractionChannelSummary {
  return { interactionSid, channelSid, status: channel?.status ?? null, type: channel?.type ?? null };
}

export function toReservationSummary(reservation: TwilioReservation): ReservationSummary {
  return {
    workerSid: reservation.worker_sid,
    workerName: reservation.worker_name,
    status: reservation.reservation_status,
  };
}
