/**
 * The domain rules for messaging tasks (Flex Conversations: SMS, WhatsApp, chat, email): which tasks
 * are messaging tasks, and when one is stuck. Pure functions, no I/O, like rules.ts, which calls them.
 *
 * Twilio's Flex Conversations best practice: such a task is never canceled or completed through the
 * TaskRouter Task API; its Interaction Channel is closed through the Interactions API and Flex closes
 * the task. Hence one action, `close_interaction`.
 */
import {
  CONVERSATION_SID_PATTERN,
  INTERACTION_CHANNEL_SID_PATTERN,
  INTERACTION_SID_PATTERN,
} from '@plugin-stuck-tasks/contract';
import type { ConversationEndState, ConversationState, InteractionChannelStatus } from '@plugin-stuck-tasks/contract';
import type { TwilioConversation, TwilioInteractionChannel } from '../gateway/types';

/** The Flex Conversations media entry whose `sid` is the task's conversation. */
export const CHAT_TRANSCRIPT_MEDIA_TYPE = 'ChatTranscript';

/** What a messaging task's attributes name. */
export interface MessagingRefs {
  /** CH… */
  conversationSid: string;
  /** KD…, or null when the attributes carry none (or not a KD SID). */
  interactionSid: string | null;
  /** UO…, or null when the attributes carry none (or not a UO SID). */
  channelSid: string | null;
}

/** Conversation states in which the customer may still write: the task is never stuck. */
export const OPEN_CONVERSATION_STATES: readonly ConversationState[] = ['active', 'inactive', 'initializing'];

/** Channel statuses that keep a task active: an agent parked it (pause) or is handing it over (transfer). */
export const HELD_CHANNEL_STATUSES: readonly InteractionChannelStatus[] = ['pause', 'transfer'];

export type ConversationObservation =
  | { kind: 'fetched'; conversation: TwilioConversation }
  /** Conversations answered 404: the conversation was deleted. */
  | { kind: 'not_found' };

export type ChannelObservation = { kind: 'fetched'; channel: TwilioInteractionChannel } | { kind: 'not_found' };

/** A stuck messaging task as the scan lists it. */
export interface ConversationEnd {
  conversationSid: string;
  state: ConversationEndState;
  /** ISO 8601: when it closed; null when deleted or the date is unreadable. */
  endedAt: string | null;
  interactionSid: string;
  channelSid: string;
  channelType: string | null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sidMatching(value: unknown, pattern: RegExp): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return pattern.test(trimmed) ? trimmed : null;
}

/**
 * The conversation a task's attributes name: `conversationSid` when it is a CH SID, else the `sid` of
 * the first `ChatTranscript` entry of `conversations.media` that is one. null = not a messaging task.
 */
export function conversationSidOf(attributes: Record<string, unknown>): string | null {
  const direct = sidMatching(attributes.conversationSid, CONVERSATION_SID_PATTERN);
  if (direct !== null) return direct;
  const conversations = attributes.conversations;
  const media = isPlainObject(conversations) ? conversations.media : undefined;
  if (!Array.isArray(media)) return null;
  for (const entry of media) {
    if (!isPlainObject(entry) || entry.type !== CHAT_TRANSCRIPT_MEDIA_TYPE) continue;
    const sid = sidMatching(entry.sid, CONVERSATION_SID_PATTERN);
    if (sid !== null) return sid;
  }
  return null;
}

/**
 * What a messaging task names, or null when it is not one. Classified by attributes, never by the task
 * channel's name (custom channels carry messaging too). A task that names a `call_sid` is a voice task
 * whatever else it carries: its calls decide, as before messaging was judged.
 */
export function messagingRefsOf(attributes: Record<string, unknown>): MessagingRefs | null {
  if (typeof attributes.call_sid === 'string' && attributes.call_sid.trim() !== '') return null;
  const conversationSid = conversationSidOf(attributes);
  if (conversationSid === null) return null;
  return {
    conversationSid,
    interactionSid: sidMatching(attributes.flexInteractionSid, INTERACTION_SID_PATTERN),
    channelSid: sidMatching(attributes.flexInteractionChannelSid, INTERACTION_CHANNEL_SID_PATTERN),
  };
}

export function isConversationOpen(observation: ConversationObservation): boolean {
  return observation.kind === 'fetched' && OPEN_CONVERSATION_STATES.includes(observation.conversation.state);
}

/**
 * When the conversation ended: `timers.date_closed`, else its `date_updated`. null for a deleted one
 * (it counts as ended long ago) or when neither date can be read (then it is past any grace period, as
 * a call without an end time is).
 */
export function conversationEndedAtMs(conversation: TwilioConversation): number | null {
  for (const value of [conversation.timers?.date_closed ?? null, conversation.date_updated]) {
    const ms = value === null ? NaN : Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  return null;
}

/** A channel that can no longer be closed: already closed, or unknown to Flex (404). */
export function isChannelGone(observation: ChannelObservation): boolean {
  return observation.kind === 'not_found' || observation.channel.status === 'closed';
}

export function isChannelHeld(observation: ChannelObservation): boolean {
  return observation.kind === 'fetched' && HELD_CHANNEL_STATUSES.includes(observation.channel.status);
}
