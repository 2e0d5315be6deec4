import type { SimLeg, SimMessagingRefs } from './model';

/**
 * The call legs a task's attributes name, as the simulator reads them (written independently of the
 * engine's rules in serverless/src, so the oracle can check them): the `call_sid` attribute (role
 * `call_sid`, any non-empty text, even one that is no Call SID), then each value under
 * `conference.participants` that is a Call SID (role = its key). A SID already listed is skipped.
 */
const CALL_SID = /^CA[0-9a-fA-F]{32}$/;
const CONVERSATION_SID = /^CH[0-9a-fA-F]{32}$/;
const INTERACTION_SID = /^KD[0-9a-fA-F]{32}$/;
const CHANNEL_SID = /^UO[0-9a-fA-F]{32}$/;

/** A messaging task's references (see SimMessagingRefs in model.ts); null when it is not one. */
export function messagingRefsOf(attributes: Record<string, unknown>): SimMessagingRefs | null {
  const text = (value: unknown): string | null => (typeof value === 'string' ? value.trim() : null);
  if ((text(attributes.call_sid) ?? '') !== '') return null;
  let conversationSid = text(attributes.conversationSid);
  if (conversationSid === null || !CONVERSATION_SID.test(conversationSid)) {
    conversationSid = null;
    const conversations = attributes.conversations as { media?: unknown } | null | undefined;
    const media = conversations && typeof conversations === 'object' ? conversations.media : undefined;
    for (const entry of Array.isArray(media) ? media : []) {
      const candidate = entry as { type?: unknown; sid?: unknown } | null;
      if (candidate?.type !== 'ChatTranscript') continue;
      const sid = text(candidate.sid);
      if (sid !== null && CONVERSATION_SID.test(sid)) {
        conversationSid = sid;
        break;
      }
    }
  }
  if (conversationSid === null) return null;
  const interactionSid = text(attributes.flexInteractionSid);
  const channelSid = text(attributes.flexInteractionChannelSid);
  return {
    conversationSid,
    interactionSid: interactionSid !== null && INTERACTION_SID.test(interactionSid) ? interactionSid : null,
    channelSid: channelSid !== null && CHANNEL_SID.test(channelSid) ? channelSid : null,
  };
}

export function legsOf(attributes: Record<string, unknown>): SimLeg[] {
  const legs: SimLeg[] = [];
  const seen = new Set<string>();
  const add = (role: string, callSid: string): void => {
    if (seen.has(callSid)) return;
    seen.add(callSid);
    legs.push({ role, callSid });
  };
  const callSid = attributes.call_sid;
  if (typeof callSid === 'string' && callSid.trim() !== '') add('call_sid', callSid.trim());
  const conference = attributes.conference;
  const participants =
    conference && typeof conference === 'object' && !Array.isArray(conference)
      ? (conference as Record<string, unknown>).participants
      : undefined;
  if (participants && typeof participants === 'object' && !Array.isArray(participants)) {
    for (const [role, value] of Object.entries(participants as Record<string, unknown>)) {
      if (typeof value === 'string' && CALL_SID.test(value.trim())) add(role, value.trim());
    }
  }
  return legs;
}

/** The leg a task is described by: `call_sid`, else `customer`, else the first; null when it names none. */
export function primaryLeg(legs: readonly SimLeg[]): SimLeg | null {
  return legs.find((leg) => leg.role === 'call_sid') ?? legs.find((leg) => leg.role === 'customer') ?? legs[0] ?? null;
}

/** Legs with the primary first, the others in attribute order (as the scan answer lists them). */
export function primaryFirst(legs: readonly SimLeg[]): SimLeg[] {
  const primary = primaryLeg(legs);
  return primary ? [primary, ...legs.filter((leg) => leg !== primary)] : [];
}
