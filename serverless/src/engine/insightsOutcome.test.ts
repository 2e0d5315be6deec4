import { withInsightsOutcome } from './insightsOutcome';

const OUTCOME = 'Closed stuck task';

describe('withInsightsOutcome', () => {
  it('adds conversations.outcome, keeping every other byte', () => {
    expect(withInsightsOutcome('{"call_sid":"CA1","n":1}', OUTCOME)).toBe(
      '{"call_sid":"CA1","n":1,"conversations":{"outcome":"Closed stuck task"}}',
    );
  });

  it('adds it to an empty object', () => {
    expect(withInsightsOutcome(' { } ', OUTCOME)).toBe(' { "conversations":{"outcome":"Closed stuck task"}} ');
  });

  it('keeps big integers and number literals exactly as written', () => {
    const text =
      '{"id": 12345678901234567890, "price": 1.50, "exp": 1E+2, "neg": -0.0, "conversations": {"queue_time": 90071992547409931}}';
    const updated = withInsightsOutcome(text, OUTCOME);
    expect(updated).toBe(
      '{"id": 12345678901234567890, "price": 1.50, "exp": 1E+2, "neg": -0.0, "conversations": {"queue_time": 90071992547409931,"outcome":"Closed stuck task"}}',
    );
  });

  it('keeps the other conversations keys, nested objects included, and replaces an existing outcome', () => {
    const text = JSON.stringify(
      {
        conversations: {
          outcome: 'Resolved',
          segment_kind: 'x',
          nested: { outcome: 'inner', list: [{ outcome: 1 }] },
          abandoned: 'No',
        },
        outcome: 'top-level stays',
      },
      null,
      2,
    );
    const updated = withInsightsOutcome(text, OUTCOME) as string;
    expect(JSON.parse(updated)).toEqual({
      conversations: {
        outcome: OUTCOME,
        segment_kind: 'x',
        nested: { outcome: 'inner', list: [{ outcome: 1 }] },
        abandoned: 'No',
      },
      outcome: 'top-level stays',
    });
    expect(updated).toBe(text.replace('"outcome": "Resolved"', `"outcome": "${OUTCOME}"`));
  });

  it('replaces an outcome that is not a string, and the last of duplicate keys (what JSON.parse reads)', () => {
    expect(withInsightsOutcome('{"conversations":{"outcome":{"a":[1,"}"]},"b":2}}', OUTCOME)).toBe(
      '{"conversations":{"outcome":"Closed stuck task","b":2}}',
    );
    const duplicated = '{"conversations":{"outcome":"a"},"conversations":{"outcome":"b"}}';
    expect(JSON.parse(withInsightsOutcome(duplicated, OUTCOME) as string)).toEqual({
      conversations: { outcome: OUTCOME },
    });
  });

  it('is not fooled by braces, quotes and key names inside strings', () => {
    const text = '{"note":"a \\"conversations\\": {\\"outcome\\": } [","conversations":{"k":"}\\\\"}}';
    const updated = withInsightsOutcome(text, OUTCOME) as string;
    expect(JSON.parse(updated)).toEqual({
      note: 'a "conversations": {"outcome": } [',
      conversations: { k: '}\\', outcome: OUTCOME },
    });
  });

  it('writes unicode values and keeps unicode attributes', () => {
    const text = '{"name":"Zoë 🚀","\\u00e9":"\\u00e9","conversations":{}}';
    const updated = withInsightsOutcome(text, 'Clôturée — 完了 🚀') as string;
    expect(updated).toBe('{"name":"Zoë 🚀","\\u00e9":"\\u00e9","conversations":{"outcome":"Clôturée — 完了 🚀"}}');
    expect(JSON.parse(updated).conversations.outcome).toBe('Clôturée — 完了 🚀');
  });

  it('escapes quotes and control characters in the value', () => {
    const updated = withInsightsOutcome('{}', 'say "done"\n') as string;
    expect(JSON.parse(updated)).toEqual({ conversations: { outcome: 'say "done"\n' } });
  });

  it.each<[string, string | null, string | null]>([
    ['the setting is off', '{"conversations":{}}', null],
    ['the attributes are missing', null, OUTCOME],
    ['the attributes are not JSON', '{call_sid: CA1', OUTCOME],
    ['the attributes are an array', '[{"conversations":{}}]', OUTCOME],
    ['the attributes are a string', '"x"', OUTCOME],
    ['conversations is a string', '{"conversations":"x"}', OUTCOME],
    ['conversations is an array', '{"conversations":[]}', OUTCOME],
    ['conversations is null', '{"conversations":null}', OUTCOME],
  ])('leaves the attributes alone (null) when %s', (_label, text, outcome) => {
    expect(withInsightsOutcome(text, outcome)).toBeNull();
  });
});
