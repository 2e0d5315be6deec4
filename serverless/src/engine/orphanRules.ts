/**
 * The rules for reverse orphans: conversations still going that no open task names. Pure functions,
 * no I/O, like rules.ts. Listed for review only: nothing in this service ever closes a conversation.
 *
 * Each conversation looked at falls in exactly one count, in this order:
 * 1. `recent`: changed inside STUCK_GRACE_SECONDS (Flex may be creating its task right now). Its tasks
 *    are not even looked up, so a page costs fewer task queries.
 * 2. `withOpenTask`: an open (pending, reserved, assigned) or wrapping task's attributes name it.
 * 3. `orphaned`: the rest, listed.
 * So `scanned = recent + withOpenTask + orphaned`.
 */
import type { OrphanConversation, OrphanConversationsCounts } from '@plugin-stuck-tasks/contract';
import type { TwilioConversation, TwilioTask } from '../gateway/types';
import { conversationSidOf } from './messagingRules';
import { parseAttributes } from './rules';

/** Conversation states in which a conversation is still going (Twilio's list filters by one at a time). */
export const GOING_CONVERSATION_STATES = ['active', 'inactive'] as const;
export type GoingConversationState = (typeof GOING_CONVERSATION_STATES)[number];

export type GoingConversation = TwilioConversation & { state: GoingConversationState };

export interface OrphanContext {
  nowMs: number;
  graceSeconds: number;
}

export function isGoing(conversation: TwilioConversation): conversation is GoingConversation {
  return (GOING_CONVERSATION_STATES as readonly string[]).includes(conversation.state);
}

/** The conversation's last change: `date_updated`, else `date_created`; null when neither is a date. */
export function lastChangeMs(conversation: TwilioConversation): number | null {
  for (const value of [conversation.date_updated, conversation.date_created]) {
    const ms = value === null ? NaN : Date.parse(value);
    if (Number.isFinite(ms)) return ms;
  }
  return null;
}

/**
 * Changed inside the grace period, so not listed (yet). A conversation without a readable date is
 * treated the same: it cannot be shown to have been idle, and a listing it does not earn is noise.
 */
export function isRecent(conversation: TwilioConversation, context: OrphanContext): boolean {
  const changedAt = lastChangeMs(conversation);
  return changedAt === null || context.nowMs - changedAt <= context.graceSeconds * 1000;
}

/**
 * The conversations these tasks name, read as the messaging rules read them (`conversationSid`, else
 * a `ChatTranscript` in `conversations.media`). Tasks whose attributes are unreadable name none.
 */
export function conversationsNamedBy(tasks: readonly TwilioTask[]): Set<string> {
  const named = new Set<string>();
  for (const task of tasks) {
    const attributes = parseAttributes(task.attributes);
    const sid = attributes === null ? null : conversationSidOf(attributes);
    if (sid !== null) named.add(sid);
  }
  return named;
}

/** How a conversation going is listed: its fields, and how long it has been idle (whole seconds). */
export function toOrphanConversation(conversation: GoingConversation, nowMs: number): OrphanConversation {
  const changedAt = lastChangeMs(conversation) ?? nowMs;
  return {
    conversationSid: conversation.sid,
    state: conversation.state,
    friendlyName: conversation.friendly_name,
    dateCreated: isoOrNull(conversation.date_created) ?? new Date(changedAt).toISOString(),
    dateUpdated: new Date(changedAt).toISOString(),
    idleSeconds: Math.max(0, Math.floor((nowMs - changedAt) / 1000)),
  };
}

export function emptyOrphanCounts(): OrphanConversationsCounts {
  return { scanned: 0, withOpenTask: 0, recent: 0, orphaned: 0 };
}

/**
 * Judges the going conversations of one page, knowing which of the not recent ones open tasks name:
 * the orphans to list, and the counts (added to `counts`).
 */
export function judgeOrphans(
  conversations: readonly GoingConversation[],
  namedByOpenTasks: ReadonlySet<string>,
  context: OrphanContext,
  counts: OrphanConversationsCounts,
): OrphanConversation[] {
  const orphans: OrphanConversation[] = [];
  for (const conversation of conversations) {
    counts.scanned += 1;
    if (isRecent(conversation, context)) counts.recent += 1;
    else if (namedByOpenTasks.has(conversation.sid)) counts.withOpenTask += 1;
    else orphans.push(toOrphanConversation(conversation, context.nowMs));
  }
  counts.orphaned += orphans.length;
  return orphans;
}

function isoOrNull(value: string | null): string | null {
  const ms = value === null ? NaN : Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
