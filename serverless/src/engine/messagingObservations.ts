import type {
  RequestBudget,
  TwilioConversation,
  TwilioGateway,
  TwilioInteractionChannel,
  TwilioTask,
} from '../gateway/types';
import type { ChannelObservation, ConversationObservation } from './messagingRules';
import { channelNeeded, judgeConversation } from './rules';
import type { Classification, ConversationNeeded, MessagingObservations, RuleContext } from './rules';

/** What a fetched conversation (null: 404, deleted) tells the rules. */
export function conversationObservation(conversation: TwilioConversation | null): ConversationObservation {
  return conversation === null ? { kind: 'not_found' } : { kind: 'fetched', conversation };
}

/** What a fetched channel (null: 404) tells the rules. */
export function channelObservation(channel: TwilioInteractionChannel | null): ChannelObservation {
  return channel === null ? { kind: 'not_found' } : { kind: 'fetched', channel };
}

/**
 * Fetches a messaging task's conversation, then its interaction channel only when the conversation
 * does not already keep the task active (the Interactions API allows 20 requests a second per
 * endpoint: no channel is read for nothing), and judges the task. Every verdict rests on fresh reads.
 */
export async function observeMessaging(
  gateway: TwilioGateway,
  task: TwilioTask,
  needed: ConversationNeeded,
  context: RuleContext,
  budget: RequestBudget,
): Promise<Classification> {
  const observed = await fetchMessaging(gateway, needed, budget);
  return judgeConversation(task, needed, observed, context);
}

export async function fetchMessaging(
  gateway: TwilioGateway,
  needed: ConversationNeeded,
  budget: RequestBudget,
): Promise<
  MessagingObservations & { rawConversation: TwilioConversation | null; rawChannel?: TwilioInteractionChannel | null }
> {
  const { conversationSid, interactionSid, channelSid } = needed.refs;
  const rawConversation = await gateway.fetchConversation(conversationSid, budget);
  const conversation = conversationObservation(rawConversation);
  if (!channelNeeded(conversation)) return { conversation, rawConversation };
  const rawChannel = await gateway.fetchInteractionChannel(interactionSid, channelSid, budget);
  return { conversation, channel: channelObservation(rawChannel), rawConversation, rawChannel };
}
