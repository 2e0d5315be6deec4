/** Turns Twilio resources and verdicts into the contract's shapes. Pure. */
import type {
  CallDetails,
  OpenAssignmentStatus,
  ReservationSummary,
  ReviewItem,
  Suspect,
  TaskDetails,
} from '@plugin-stuck-tasks/contract';
import type { TwilioCall, TwilioReservation, TwilioTask } from '../gateway/types';
import type { Classification } from './rules';
import { parseAttributes, taskAgeSeconds } from './rules';

type Stuck = Extract<Classification, { verdict: 'stuck' }>;
type NeedsReview = Extract<Classification, { verdict: 'needs_review' }>;

/** ISO 8601 for any date Twilio gives (ISO in TaskRouter, RFC 2822 in API 2010); null if unreadable. */
export function isoDate(value: string | null): string | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function taskSummary(task: TwilioTask, nowMs: number) {
  return {
    taskSid: task.sid,
    assignmentStatus: task.assignment_status as OpenAssignmentStatus,
    taskChannel: task.task_channel_unique_name ?? '',
    taskQueueName: task.task_queue_friendly_name,
    ageSeconds: taskAgeSeconds(task, nowMs),
    dateCreated: isoDate(task.date_created) ?? '',
  };
}

export function toSuspect(task: TwilioTask, verdict: Stuck, nowMs: number): Suspect {
  return {
    ...taskSummary(task, nowMs),
    callSid: verdict.callSid,
    callStatus: verdict.callStatus,
    callEndedAt: verdict.callEndedAt,
    action: verdict.action,
  };
}

export function toReviewItem(task: TwilioTask, verdict: NeedsReview, nowMs: number): ReviewItem {
  return { ...taskSummary(task, nowMs), callSid: verdict.callSid, problem: verdict.problem };
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

export function toReservationSummary(reservation: TwilioReservation): ReservationSummary {
  return {
    workerSid: reservation.worker_sid,
    workerName: reservation.worker_name,
    status: reservation.reservation_status,
  };
}
