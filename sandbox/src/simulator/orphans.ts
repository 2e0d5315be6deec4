import { DEFAULT_GRACE_SECONDS } from './defaults';
import type { SimConversation } from './model';
import type { Random } from './random';
import { sid } from './scenario';
import type { SimStore } from './store';

/**
 * Reverse orphans: conversations still going (active or inactive) that no task names, as an
 * integration that opened a conversation without routing it, or a task closed while its
 * conversation stayed open, leaves behind. The product lists them for review and never closes them.
 */

/** How many the sandbox (`npm start`) seeds. */
export const SANDBOX_ORPHAN_CONVERSATIONS = 5;

/**
 * The seeded orphans, in seeding order: state and minutes since their last change (always beyond the
 * grace period); past the ladder it repeats.
 */
export const ORPHAN_LADDER: readonly { state: 'active' | 'inactive'; idleMinutes: number }[] = [
  { state: 'active', idleMinutes: 45 },
  { state: 'inactive', idleMinutes: 180 },
  { state: 'active', idleMinutes: 26 * 60 },
  { state: 'inactive', idleMinutes: 20 },
  { state: 'active', idleMinutes: 3 * 24 * 60 },
];

export interface AddConversationInput {
  /** Default active. */
  state?: SimConversation['state'];
  /** Its last change (`date_updated`), seconds ago; default 0. A closed one closed then. */
  updatedSecondsAgo?: number;
  /** Default an hour before its last change. */
  createdSecondsAgo?: number;
  friendlyName?: string;
}

/** A conversation on its own (no task names it), added to the store. */
export function addConversation(store: SimStore, rng: Random, input: AddConversationInput, now: number): string {
  const state = input.state ?? 'active';
  const updatedAt = now - Math.max(0, input.updatedSecondsAgo ?? 0) * 1000;
  const createdAt =
    input.createdSecondsAgo === undefined
      ? updatedAt - 3_600_000
      : Math.min(updatedAt, now - Math.max(0, input.createdSecondsAgo) * 1000);
  const conversationSid = sid(rng, 'CH');
  store.conversations.set(conversationSid, {
    sid: conversationSid,
    state,
    friendlyName: input.friendlyName ?? `Conversation ${conversationSid.slice(-6)}`,
    chatServiceSid: sid(rng, 'IS'),
    dateCreated: createdAt,
    dateUpdated: updatedAt,
    dateClosed: state === 'closed' ? updatedAt : null,
    dateInactive: state === 'inactive' ? updatedAt : null,
  });
  return conversationSid;
}

/** `count` orphans from the ladder, each idle longer than the grace period. */
export function seedOrphanConversations(
  store: SimStore,
  rng: Random,
  count: number,
  now: number,
  graceSeconds = DEFAULT_GRACE_SECONDS,
): void {
  if (!Number.isInteger(count) || count < 0)
    throw new Error(`orphanConversations must be a whole number, not ${count}`);
  for (let i = 0; i < count; i += 1) {
    const rung = ORPHAN_LADDER[i % ORPHAN_LADDER.length];
    const idleSeconds = Math.max(rung.idleMinutes * 60, graceSeconds + 60) + rng.int(0, 59);
    addConversation(
      store,
      rng,
      {
        state: rung.state,
        updatedSecondsAgo: idleSeconds,
        friendlyName: `Orphaned conversation with +1555${String(rng.int(1_000_000, 9_999_999))}`,
      },
      now,
    );
  }
}
