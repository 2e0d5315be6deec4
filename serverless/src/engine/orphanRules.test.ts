import {
  makeConversation,
  makeMessagingTask,
  makeTask,
  newConversationSid,
  NOW_MS,
} from '../../test/support/fakeGateway';
import type { GoingConversation } from './orphanRules';
import {
  conversationsNamedBy,
  emptyOrphanCounts,
  isGoing,
  isRecent,
  judgeOrphans,
  toOrphanConversation,
} from './orphanRules';

const context = { nowMs: NOW_MS, graceSeconds: 60 };
const agoIso = (seconds: number) => new Date(NOW_MS - seconds * 1000).toISOString();
const going = (state: 'active' | 'inactive', updatedSecondsAgo: number): GoingConversation =>
  makeConversation({ state, date_updated: agoIso(updatedSecondsAgo), timers: null }) as GoingConversation;

describe('orphan rules', () => {
  it('counts active and inactive conversations as going, never initializing or closed ones', () => {
    expect(isGoing(makeConversation({ state: 'active' }))).toBe(true);
    expect(isGoing(makeConversation({ state: 'inactive' }))).toBe(true);
    expect(isGoing(makeConversation({ state: 'initializing' }))).toBe(false);
    expect(isGoing(makeConversation({ state: 'closed' }))).toBe(false);
  });

  it('calls a conversation recent while its last change is inside the grace period, or unreadable', () => {
    expect(isRecent(going('active', 60), context)).toBe(true);
    expect(isRecent(going('active', 61), context)).toBe(false);
    expect(isRecent(makeConversation({ state: 'active', date_updated: null, date_created: agoIso(30) }), context)).toBe(
      true,
    );
    expect(
      isRecent(makeConversation({ state: 'active', date_updated: null, date_created: agoIso(300) }), context),
    ).toBe(false);
    expect(isRecent(makeConversation({ state: 'active', date_updated: 'soon', date_created: null }), context)).toBe(
      true,
    );
  });

  it('reads the conversation a task names as the messaging rules do: conversationSid, else the ChatTranscript', () => {
    const direct = newConversationSid();
    const transcript = newConversationSid();
    const named = conversationsNamedBy([
      makeMessagingTask({ conversationSid: direct }),
      makeTask({
        attributes: JSON.stringify({ conversations: { media: [{ type: 'ChatTranscript', sid: transcript }] } }),
      }),
      makeTask({ attributes: '{"conversationSid": "not a SID"}' }),
      makeTask({ attributes: '{broken' }),
      makeTask({ attributes: null }),
    ]);
    expect([...named].sort()).toEqual([direct, transcript].sort());
  });

  it('lists the idle conversations no open task names, and counts every one in exactly one bucket', () => {
    const recent = going('active', 10);
    const recentWithTask = going('inactive', 10);
    const withTask = going('active', 3600);
    const orphanActive = going('active', 3600);
    const orphanInactive = going('inactive', 90);
    const counts = emptyOrphanCounts();
    const listed = judgeOrphans(
      [recent, recentWithTask, withTask, orphanActive, orphanInactive],
      new Set([recentWithTask.sid, withTask.sid]),
      context,
      counts,
    );
    expect(listed.map((orphan) => orphan.conversationSid)).toEqual([orphanActive.sid, orphanInactive.sid]);
    expect(counts).toEqual({ scanned: 5, recent: 2, withOpenTask: 1, orphaned: 2 });
  });

  it('says how long an orphan has been idle, in whole seconds, with ISO dates', () => {
    const conversation = going('inactive', 3661.5);
    expect(toOrphanConversation(conversation, NOW_MS)).toEqual({
      conversationSid: conversation.sid,
      state: 'inactive',
      friendlyName: conversation.friendly_name,
      dateCreated: conversation.date_created,
      dateUpdated: agoIso(3661.5),
      idleSeconds: 3661,
    });
  });
});
