import { z } from 'zod';
import {
  ASSIGNMENT_STATUSES,
  CALL_SID_PATTERN,
  CONVERSATION_SID_PATTERN,
  CONVERSATION_STATES,
  INTERACTION_CHANNEL_SID_PATTERN,
  INTERACTION_CHANNEL_STATUSES,
  INTERACTION_SID_PATTERN,
  LIVE_CALL_STATUSES,
  TASK_SID_PATTERN,
  TERMINAL_CALL_STATUSES,
} from '@plugin-stuck-tasks/contract';
import type {
  AssignmentStatus,
  CallStatus,
  ConversationState,
  InteractionChannelStatus,
} from '@plugin-stuck-tasks/contract';
import type {
  TwilioCall,
  TwilioConversation,
  TwilioEvent,
  TwilioInteractionChannel,
  TwilioReservation,
  TwilioTask,
} from './types';

// Twilio's answers are checked at the edge so the engine never works on a half-understood object.
// Only the fields the product reads are required; optional ones default to null.

const optionalString = z
  .string()
  .nullish()
  .transform((value) => value ?? null);
const optionalNumber = z
  .number()
  .nullish()
  .transform((value) => value ?? null);

const callStatusSchema = z.enum([...LIVE_CALL_STATUSES, ...TERMINAL_CALL_STATUSES] as [CallStatus, ...CallStatus[]]);
const assignmentStatusSchema = z.enum([...ASSIGNMENT_STATUSES] as [AssignmentStatus, ...AssignmentStatus[]]);

export const taskSchema: z.ZodType<TwilioTask, z.ZodTypeDef, unknown> = z.object({
  sid: z.string().regex(TASK_SID_PATTERN),
  assignment_status: assignmentStatusSchema,
  attributes: optionalString,
  task_channel_unique_name: optionalString,
  task_queue_sid: optionalString,
  task_queue_friendly_name: optionalString,
  workflow_friendly_name: optionalString,
  date_created: optionalString,
  date_updated: optionalString,
  age: optionalNumber,
  priority: optionalNumber,
  reason: optionalString,
});

export const callSchema: z.ZodType<TwilioCall, z.ZodTypeDef, unknown> = z.object({
  sid: z.string().regex(CALL_SID_PATTERN),
  status: callStatusSchema,
  direction: optionalString,
  from: optionalString,
  to: optionalString,
  start_time: optionalString,
  end_time: optionalString,
  date_updated: optionalString,
  duration: optionalString,
});

export const reservationSchema: z.ZodType<TwilioReservation, z.ZodTypeDef, unknown> = z.object({
  sid: z.string(),
  worker_sid: z.string(),
  worker_name: optionalString,
  reservation_status: z.string(),
});

const conversationStateSchema = z.enum([...CONVERSATION_STATES] as [ConversationState, ...ConversationState[]]);
const channelStatusSchema = z.enum([...INTERACTION_CHANNEL_STATUSES] as [
  InteractionChannelStatus,
  ...InteractionChannelStatus[],
]);

export const conversationSchema: z.ZodType<TwilioConversation, z.ZodTypeDef, unknown> = z.object({
  sid: z.string().regex(CONVERSATION_SID_PATTERN),
  state: conversationStateSchema,
  friendly_name: optionalString,
  date_created: optionalString,
  date_updated: optionalString,
  timers: z
    .object({ date_closed: optionalString, date_inactive: optionalString })
    .nullish()
    .transform((value) => value ?? null),
});

export const interactionChannelSchema: z.ZodType<TwilioInteractionChannel, z.ZodTypeDef, unknown> = z.object({
  sid: z.string().regex(INTERACTION_CHANNEL_SID_PATTERN),
  interaction_sid: z.string().regex(INTERACTION_SID_PATTERN),
  type: optionalString,
  status: channelStatusSchema,
  error_code: optionalNumber,
  error_message: optionalString,
});

export const taskListSchema = z.object({
  tasks: z.array(taskSchema),
  meta: z.object({ next_page_url: optionalString }),
});

export const conversationListSchema = z.object({
  conversations: z.array(conversationSchema),
  meta: z.object({ next_page_url: optionalString }),
});

export const reservationListSchema = z.object({
  reservations: z.array(reservationSchema),
  meta: z.object({ next_page_url: optionalString }),
});

export const callListSchema = z.object({
  calls: z.array(callSchema),
  next_page_uri: optionalString,
});

export const eventSchema: z.ZodType<TwilioEvent, z.ZodTypeDef, unknown> = z.object({
  sid: z.string(),
  event_type: z.string(),
  event_date: optionalString,
  event_date_ms: optionalNumber,
  resource_sid: optionalString,
  event_data: z
    .record(z.unknown())
    .nullish()
    .transform((value) => value ?? null),
});

export const eventListSchema = z.object({
  events: z.array(eventSchema),
  meta: z.object({ next_page_url: optionalString }),
});

export const twilioErrorSchema = z.object({
  code: z.number().nullish(),
  message: z.string().nullish(),
});
