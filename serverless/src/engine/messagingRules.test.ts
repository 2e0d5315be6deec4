import type { ConversationState, InteractionChannelStatus } from '@plugin-stuck-tasks/contract';
import type { TwilioTask } from '../gateway/types';
import { NOW_MS, makeChannel, makeConversation, makeMessagingTask, makeTask } from '../../test/support/fakeGateway';
import { conversationSidOf, messagingRefsOf } from './messagingRules';
import type { ChannelObservation, ConversationObservation } from './messagingRules';
import { classifyTask, precheckTask } from './rules';
import type { RuleContext } from './rules';

const CH = `CH${'1'.repeat(32)}`;
const KD = `KD${'2'.repeat(32)}`;
const UO = `UO${'3'.repeat(32)}`;
const context: RuleContext = { nowMs: NOW_MS, graceSeconds: 60, excludedTaskQueues: [], messaging: true };

function task(overrides: Partial<TwilioTask> = {}): TwilioTask {
  return makeMessagingTask({ conversationSid: CH, interaction: { interactionSid: KD, channelSid: UO }, ...overrides });
}

function closedSecondsAgo(seconds: number, timers = true): ConversationObservation {
  const at = new Date(NOW_MS - seconds * 1000).toISOString();
  return {
    kind: 'fetched',
    conversation: makeConversation({
      sid: CH,
      state: 'closed',
      date_updated: at,
      timers: timers ? { date_closed: at, date_inactive: null } : null,
    }),
  };
}

const conversationIn = (state: ConversationState): ConversationObservation => ({
  kind: 'fetched',
  conversation: makeConversation({ sid: CH, state }),
});
const channelIn = (status: InteractionChannelStatus): ChannelObservation => ({
  kind: 'fetched',
  channel: makeChannel({ sid: UO, interaction_sid: KD, status, type: 'whatsapp' }),
});
const DELETED: ConversationObservation = { kind: 'not_found' };
const UNKNOWN_CHANNEL: ChannelObservation = { kind: 'not_found' };

describe('which tasks are messaging tasks', () => {
  it.each<[string, Record<string, unknown>, string | null]>([
    ['conversationSid', { conversationSid: CH }, CH],
    ['conversationSid with spaces', { conversationSid: ` ${CH} ` }, CH],
    ['a ChatTranscript media entry', { conversations: { media: [{ type: 'ChatTranscript', sid: CH }] } }, CH],
    [
      'the media entry when conversationSid is no CH SID',
      {
        conversationSid: 'CH123',
        conversations: {
          media: [
            { type: 'Other', sid: CH },
            { type: 'ChatTranscript', sid: CH },
          ],
        },
      },
      CH,
    ],
    ['no conversation at all', { from: '+15550001111' }, null],
    ['a media entry of another type', { conversations: { media: [{ type: 'Recording', sid: CH }] } }, null],
    ['a media entry that is no CH SID', { conversations: { media: [{ type: 'ChatTranscript', sid: 'MM1' }] } }, null],
    ['media that is not a list', { conversations: { media: { type: 'ChatTranscript', sid: CH } } }, null],
  ])('%s', (_name, attributes, expected) => {
    expect(conversationSidOf(attributes)).toBe(expected);
  });

  it('reads the interaction SIDs only when they are KD and UO SIDs; a task naming a call_sid is voice', () => {
    expect(messagingRefsOf({ conversationSid: CH, flexInteractionSid: KD, flexInteractionChannelSid: UO })).toEqual({
      conversationSid: CH,
      interactionSid: KD,
      channelSid: UO,
    });
    expect(
      messagingRefsOf({ conversationSid: CH, flexInteractionSid: 'KD1', flexInteractionChannelSid: '../x' }),
    ).toEqual({ conversationSid: CH, interactionSid: null, channelSid: null });
    expect(messagingRefsOf({ conversationSid: CH, call_sid: `CA${'4'.repeat(32)}` })).toBeNull();
  });

  it('classifies by attributes, not by the channel name, and only with MESSAGING on', () => {
    const onVoiceName = task({ task_channel_unique_name: 'custom1' });
    expect(precheckTask(onVoiceName, context)).toMatchObject({ verdict: 'needs_conversation' });
    expect(precheckTask(task(), { ...context, messaging: false })).toEqual({ verdict: 'skipped', reason: 'not_voice' });
    // A chat task without a conversation is not ours to judge.
    expect(precheckTask(makeTask({ task_channel_unique_name: 'chat', attributes: '{}' }), context)).toEqual({
      verdict: 'skipped',
      reason: 'not_voice',
    });
    // Lists may leave attributes out: the task must be fetched before it can be told apart.
    expect(precheckTask(task({ attributes: null }), context)).toMatchObject({
      verdict: 'needs_review',
      problem: 'bad_attributes',
    });
    expect(
      precheckTask(task({ task_queue_friendly_name: 'Callbacks' }), { ...context, excludedTaskQueues: ['Callbacks'] }),
    ).toEqual({ verdict: 'skipped', reason: 'excluded_queue' });
  });

  it('asks for the conversation, with the action close_interaction, never cancel or complete', () => {
    for (const status of ['pending', 'reserved', 'assigned'] as const) {
      expect(precheckTask(task({ assignment_status: status }), context)).toEqual({
        verdict: 'needs_conversation',
        kind: 'conversation_closed',
        action: 'close_interaction',
        refs: { conversationSid: CH, interactionSid: KD, channelSid: UO },
        wrappingForMs: null,
      });
    }
  });

  it('needs review (no_interaction) when the attributes name no interaction channel', () => {
    const bare = makeMessagingTask({ conversationSid: CH, interaction: null });
    expect(precheckTask(bare, context)).toEqual({
      verdict: 'needs_review',
      problem: 'no_interaction',
      callSid: null,
      action: 'close_interaction',
      legs: [],
      messaging: { conversationSid: CH, interactionSid: null, channelSid: null },
    });
  });
});

describe('the verdict on a messaging task', () => {
  const judge = (
    conversation: ConversationObservation,
    channel: ChannelObservation | undefined,
    overrides: Partial<TwilioTask> = {},
    ruleContext: RuleContext = context,
  ) => classifyTask(task(overrides), undefined, ruleContext, { conversation, channel });

  it.each<[string, ConversationObservation, ChannelObservation | undefined, Record<string, unknown>]>([
    ['conversation active', conversationIn('active'), undefined, { verdict: 'active', reason: 'conversation_open' }],
    [
      'conversation inactive',
      conversationIn('inactive'),
      undefined,
      { verdict: 'active', reason: 'conversation_open' },
    ],
    [
      'conversation initializing',
      conversationIn('initializing'),
      undefined,
      { verdict: 'active', reason: 'conversation_open' },
    ],
    [
      'channel paused',
      closedSecondsAgo(3600),
      channelIn('pause'),
      { verdict: 'active', reason: 'channel_held', status: 'pause' },
    ],
    [
      'channel in transfer',
      closedSecondsAgo(3600),
      channelIn('transfer'),
      { verdict: 'active', reason: 'channel_held' },
    ],
    ['deleted but channel paused', DELETED, channelIn('pause'), { verdict: 'active', reason: 'channel_held' }],
    [
      'closed 59 s ago',
      closedSecondsAgo(59),
      channelIn('active'),
      { verdict: 'active', reason: 'conversation_settling' },
    ],
    [
      'closed 59 s ago, channel closed',
      closedSecondsAgo(59),
      channelIn('closed'),
      { verdict: 'active', reason: 'conversation_settling' },
    ],
    [
      'channel closed',
      closedSecondsAgo(3600),
      channelIn('closed'),
      { verdict: 'needs_review', problem: 'interaction_closed' },
    ],
    [
      'channel unknown',
      closedSecondsAgo(3600),
      UNKNOWN_CHANNEL,
      { verdict: 'needs_review', problem: 'interaction_closed' },
    ],
    ['deleted, channel unknown', DELETED, UNKNOWN_CHANNEL, { verdict: 'needs_review', problem: 'interaction_closed' }],
    ['closed 60 s ago', closedSecondsAgo(60), channelIn('active'), { verdict: 'stuck', kind: 'conversation_closed' }],
    ['closed, channel inactive', closedSecondsAgo(3600), channelIn('inactive'), { verdict: 'stuck' }],
    ['closed, channel failed', closedSecondsAgo(3600), channelIn('failed'), { verdict: 'stuck' }],
    ['deleted', DELETED, channelIn('active'), { verdict: 'stuck', kind: 'conversation_closed' }],
  ])('%s', (_name, conversation, channel, expected) => {
    expect(judge(conversation, channel)).toMatchObject(expected);
  });

  it('reports what a stuck one is: its conversation, how and when it ended, and the channel to close', () => {
    expect(judge(closedSecondsAgo(600), channelIn('active'))).toEqual({
      verdict: 'stuck',
      kind: 'conversation_closed',
      action: 'close_interaction',
      callSid: null,
      callStatus: null,
      callEndedAt: null,
      legs: [],
      wrappingForMs: null,
      conversation: {
        conversationSid: CH,
        state: 'closed',
        endedAt: new Date(NOW_MS - 600_000).toISOString(),
        interactionSid: KD,
        channelSid: UO,
        channelType: 'whatsapp',
      },
    });
    expect(judge(DELETED, channelIn('active'))).toMatchObject({
      conversation: { state: 'deleted', endedAt: null },
    });
  });

  it('reads the end from date_updated when timers carry no date_closed', () => {
    expect(judge(closedSecondsAgo(30, false), channelIn('active'))).toMatchObject({ reason: 'conversation_settling' });
    expect(judge(closedSecondsAgo(300, false), channelIn('active'))).toMatchObject({
      verdict: 'stuck',
      conversation: { endedAt: new Date(NOW_MS - 300_000).toISOString() },
    });
  });

  it('judges wrapping tasks only under the overdue wrap-up rule', () => {
    const wrapping = {
      assignment_status: 'wrapping' as const,
      date_updated: new Date(NOW_MS - 40 * 60_000).toISOString(),
    };
    expect(precheckTask(task(wrapping), context)).toEqual({ verdict: 'closed', assignmentStatus: 'wrapping' });
    expect(precheckTask(task(wrapping), { ...context, wrapupOverdueMinutes: 60 })).toMatchObject({
      verdict: 'active',
      reason: 'wrapup_in_progress',
    });
    expect(
      judge(closedSecondsAgo(3600), channelIn('active'), wrapping, { ...context, wrapupOverdueMinutes: 30 }),
    ).toMatchObject({
      verdict: 'stuck',
      kind: 'conversation_closed',
      action: 'close_interaction',
      wrappingForMs: 40 * 60_000,
    });
  });

  it('never judges without the channel once the conversation is no longer going', () => {
    expect(() => judge(closedSecondsAgo(3600), undefined)).toThrow(/must be looked up first/);
    expect(() => classifyTask(task(), undefined, context)).toThrow(/conversation .* must be looked up first/);
  });
});
