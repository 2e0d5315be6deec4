import { makeClosureEvent, NOW_MS } from '../../test/support/fakeGateway';
import { formatCloseReason } from './closeReason';
import { withClosureMarker } from './closureMarker';
import { historyWindow, newerFirst, outcomeOf, toHistoryEntry } from './historyRules';

const CLOSE_REASON = 'Orchestration issue: closed stuck voice Task.';

describe('toHistoryEntry', () => {
  it('turns a cancel by this service into an entry with the identity of the reason', () => {
    const event = makeClosureEvent({
      outcome: 'canceled',
      reason: formatCloseReason(CLOSE_REASON, 'ada@example.com'),
      atMs: NOW_MS - 1234,
      taskQueueName: 'Sales',
      taskChannel: 'voice',
    });
    expect(toHistoryEntry(event, CLOSE_REASON)).toEqual({
      taskSid: event.resource_sid,
      closedAt: new Date(NOW_MS - 1234).toISOString(),
      outcome: 'canceled',
      closedBy: 'ada@example.com',
      reason: `${CLOSE_REASON} Closed by ada@example.com.`,
      taskQueueName: 'Sales',
      taskChannel: 'voice',
    });
  });

  it('reads a complete from task_completed_reason, the CLI operator included', () => {
    const event = makeClosureEvent({
      outcome: 'completed',
      reason: formatCloseReason(CLOSE_REASON, 'cli:ops'),
      atMs: NOW_MS,
    });
    expect(toHistoryEntry(event, CLOSE_REASON)).toMatchObject({ outcome: 'completed', closedBy: 'cli:ops' });
  });

  it('keeps a reason that starts with CLOSE_REASON but names nobody, with closedBy null', () => {
    const event = makeClosureEvent({ outcome: 'canceled', reason: `${CLOSE_REASON} (by hand)`, atMs: NOW_MS });
    expect(toHistoryEntry(event, CLOSE_REASON)).toMatchObject({ closedBy: null, reason: `${CLOSE_REASON} (by hand)` });
  });

  it.each([
    ['another reason', 'hangup'],
    ['no reason', null],
    ['the close reason not at the start', `Note: ${CLOSE_REASON} Closed by ada.`],
    ['another service’s close reason', 'Other tool. Closed by ada.'],
  ])('leaves out a closure with %s', (_label, reason) => {
    expect(toHistoryEntry(makeClosureEvent({ outcome: 'canceled', reason, atMs: NOW_MS }), CLOSE_REASON)).toBeNull();
  });

  it('leaves out events that are not closures, and closures without a readable task or time', () => {
    const closure = makeClosureEvent({ outcome: 'canceled', reason: `${CLOSE_REASON} Closed by a.`, atMs: NOW_MS });
    expect(toHistoryEntry({ ...closure, event_type: 'task.updated' }, CLOSE_REASON)).toBeNull();
    expect(toHistoryEntry({ ...closure, event_type: 'task.wrapup' }, CLOSE_REASON)).toBeNull();
    const noTask = { ...closure, resource_sid: null, event_data: { ...closure.event_data, task_sid: 'WT1' } };
    expect(toHistoryEntry(noTask, CLOSE_REASON)).toBeNull();
    expect(toHistoryEntry({ ...closure, event_date_ms: null, event_date: 'soon' }, CLOSE_REASON)).toBeNull();
  });

  it('falls back to the generic reason, event_date and resource_sid; missing queue and channel are null', () => {
    const closure = makeClosureEvent({ outcome: 'completed', reason: null, atMs: NOW_MS });
    const event = {
      ...closure,
      event_date_ms: null,
      event_date: '2024-05-01T11:00:00Z',
      event_data: { reason: `${CLOSE_REASON} Closed by sam.` },
    };
    expect(toHistoryEntry(event, CLOSE_REASON)).toEqual({
      taskSid: closure.resource_sid,
      closedAt: '2024-05-01T11:00:00.000Z',
      outcome: 'completed',
      closedBy: 'sam',
      reason: `${CLOSE_REASON} Closed by sam.`,
      taskQueueName: null,
      taskChannel: null,
    });
  });
});

describe('toHistoryEntry of a close through the interaction channel (the closure marker)', () => {
  const markedAt = NOW_MS - 60_000;
  const marked = (identity: string, closeReason = CLOSE_REASON, atMs = markedAt) =>
    withClosureMarker('{"conversationSid":"CH1","big":12345678901234567890}', {
      reason: formatCloseReason(closeReason, identity),
      closedBy: identity,
      at: new Date(atMs).toISOString(),
      channelSid: `UO${'2'.repeat(32)}`,
    });
  const event = (taskAttributes: string | null, reason: string | null = null, atMs = markedAt + 2_000) =>
    makeClosureEvent({ outcome: 'completed', reason, atMs, taskChannel: 'chat', taskAttributes });

  it('lists a completion Flex made after this service closed the channel, with the marker’s reason and identity', () => {
    const completed = event(marked('ada@example.com'));
    expect(toHistoryEntry(completed, CLOSE_REASON)).toEqual({
      taskSid: completed.resource_sid,
      closedAt: new Date(markedAt + 2_000).toISOString(),
      outcome: 'completed',
      closedBy: 'ada@example.com',
      reason: `${CLOSE_REASON} Closed by ada@example.com.`,
      taskQueueName: 'Support',
      taskChannel: 'chat',
    });
  });

  it('leaves out a closure long after the marker (the channel close failed; an agent closed it later)', () => {
    expect(toHistoryEntry(event(marked('ada'), null, markedAt + 6 * 60_000), CLOSE_REASON)).toBeNull();
  });

  it('leaves out a marker written with another service’s reason', () => {
    expect(toHistoryEntry(event(marked('ada', 'Other tool.')), CLOSE_REASON)).toBeNull();
  });

  it.each([
    ['no attributes', null],
    ['garbage', '{not json'],
    ['attributes that are not an object', '[1]'],
    ['attributes without a marker', '{"conversationSid":"CH1"}'],
  ])('leaves out a closure whose task_attributes are %s', (_label, attributes) => {
    expect(toHistoryEntry(event(attributes), CLOSE_REASON)).toBeNull();
  });

  it('takes the event’s own reason over a marker when both are there', () => {
    const both = event(marked('ada'), formatCloseReason(CLOSE_REASON, 'cli:ops'));
    expect(toHistoryEntry(both, CLOSE_REASON)).toMatchObject({
      closedBy: 'cli:ops',
      reason: `${CLOSE_REASON} Closed by cli:ops.`,
    });
    // Another reason on the event (not ours) leaves the marker to decide.
    expect(toHistoryEntry(event(marked('ada'), 'Completed by agent'), CLOSE_REASON)).toMatchObject({ closedBy: 'ada' });
  });
});

describe('history helpers', () => {
  it('maps event types to outcomes', () => {
    expect(outcomeOf('task.canceled')).toBe('canceled');
    expect(outcomeOf('task.completed')).toBe('completed');
    expect(outcomeOf('reservation.completed')).toBeNull();
  });

  it('a window of N days ends now', () => {
    expect(historyWindow(NOW_MS, 7)).toEqual({ startMs: NOW_MS - 7 * 86_400_000, endMs: NOW_MS });
  });

  it('orders newer first, then by SID at the same moment', () => {
    const older = makeClosureEvent({ outcome: 'canceled', reason: null, atMs: NOW_MS - 1 });
    const newer = makeClosureEvent({ outcome: 'canceled', reason: null, atMs: NOW_MS });
    const twin = { ...newer, sid: `EV${'f'.repeat(32)}` };
    expect([older, newer, twin].sort(newerFirst)).toEqual([twin, newer, older]);
  });
});
