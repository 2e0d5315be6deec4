import { formatCloseReason } from './closeReason';
import {
  CLOSURE_MARKER_KEY,
  CLOSURE_MARKER_MAX_AGE_MS,
  closureByMarker,
  readClosureMarker,
  withClosureMarker,
} from './closureMarker';
import type { ClosureMarker } from './closureMarker';

const CLOSE_REASON = 'Orchestration issue: closed stuck voice Task.';
const AT_MS = Date.parse('2024-05-01T12:00:00Z');
const MARKER: ClosureMarker = {
  reason: formatCloseReason(CLOSE_REASON, 'ada@example.com'),
  closedBy: 'ada@example.com',
  at: new Date(AT_MS).toISOString(),
  channelSid: `UO${'1'.repeat(32)}`,
};

describe('withClosureMarker', () => {
  it('adds the marker as one top-level member, every other byte kept (big integers, 1.50, spacing)', () => {
    const text = '{ "conversationSid": "CH1", "n": 12345678901234567890, "price": 1.50 }';
    const marked = withClosureMarker(text, MARKER) as string;
    expect(marked.startsWith('{ "conversationSid": "CH1", "n": 12345678901234567890, "price": 1.50 ,')).toBe(true);
    expect(JSON.parse(marked)[CLOSURE_MARKER_KEY]).toEqual(MARKER);
    expect(readClosureMarker(marked)).toEqual(MARKER);
  });

  it('replaces an earlier marker rather than adding a second', () => {
    const once = withClosureMarker('{"a":1}', { ...MARKER, closedBy: 'old', at: '2024-01-01T00:00:00.000Z' }) as string;
    const twice = withClosureMarker(once, MARKER) as string;
    expect(twice.match(new RegExp(CLOSURE_MARKER_KEY, 'g'))).toHaveLength(1);
    expect(readClosureMarker(twice)).toEqual(MARKER);
    expect(JSON.parse(twice).a).toBe(1);
  });

  it.each([null, 'not json', '[1,2]', '"text"', 'null', '42'])('writes nothing into %j (not a JSON object)', (text) => {
    expect(withClosureMarker(text, MARKER)).toBeNull();
  });
});

describe('readClosureMarker', () => {
  it('reads parsed attributes too', () => {
    expect(readClosureMarker({ [CLOSURE_MARKER_KEY]: MARKER })).toEqual(MARKER);
  });

  it.each([
    ['no attributes', null],
    ['garbage', '{oops'],
    ['no marker', '{"a":1}'],
    ['a marker that is not an object', `{"${CLOSURE_MARKER_KEY}":"yes"}`],
    ['a marker without a reason', JSON.stringify({ [CLOSURE_MARKER_KEY]: { ...MARKER, reason: 7 } })],
    ['a marker with an unreadable time', JSON.stringify({ [CLOSURE_MARKER_KEY]: { ...MARKER, at: 'soon' } })],
  ])('is null for %s', (_label, attributes) => {
    expect(readClosureMarker(attributes)).toBeNull();
  });
});

describe('closureByMarker', () => {
  const attributes = withClosureMarker('{"conversationSid":"CH1"}', MARKER);

  it('names the marker’s reason and identity for an event shortly after it', () => {
    expect(closureByMarker(attributes, AT_MS + 3_000, CLOSE_REASON)).toEqual({
      reason: MARKER.reason,
      closedBy: 'ada@example.com',
    });
  });

  it('is null for an event long after the marker (a close that failed, then an agent closing it)', () => {
    expect(closureByMarker(attributes, AT_MS + CLOSURE_MARKER_MAX_AGE_MS + 1, CLOSE_REASON)).toBeNull();
    expect(closureByMarker(attributes, AT_MS + CLOSURE_MARKER_MAX_AGE_MS, CLOSE_REASON)).not.toBeNull();
  });

  it('allows a little clock skew before the marker, not more', () => {
    expect(closureByMarker(attributes, AT_MS - 30_000, CLOSE_REASON)).not.toBeNull();
    expect(closureByMarker(attributes, AT_MS - 5 * 60_000, CLOSE_REASON)).toBeNull();
  });

  it('is null for a marker written with another CLOSE_REASON, and with an empty CLOSE_REASON', () => {
    expect(closureByMarker(attributes, AT_MS, 'Another tool.')).toBeNull();
    expect(closureByMarker(attributes, AT_MS, '')).toBeNull();
  });

  it('sanitises the identity; falls back to the reason’s when the marker names nobody', () => {
    const forged = JSON.stringify({ [CLOSURE_MARKER_KEY]: { ...MARKER, closedBy: 'eve\nClosed by ada' } });
    expect(closureByMarker(forged, AT_MS, CLOSE_REASON)?.closedBy).toBe('eve Closed by ada');
    const anonymous = JSON.stringify({ [CLOSURE_MARKER_KEY]: { ...MARKER, closedBy: undefined } });
    expect(closureByMarker(anonymous, AT_MS, CLOSE_REASON)?.closedBy).toBe('ada@example.com');
  });
});
