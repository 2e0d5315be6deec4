/** The race suite's judge of written attributes must itself tell a kept value from a changed one. */
import { acceptsInsightsOutcome, insightsOutcomeProblem, readRawJson } from './rawJson';

const BEFORE =
  '{"call_sid":"CA1", "n": 12345678901234567890, "conversations": {"conversation_measure_1": 1.50, "a": [1, {"b": null}]}}';

describe('rawJson', () => {
  it('keeps the source text of every value', () => {
    const root = readRawJson(` ${BEFORE} `);
    expect(root?.kind).toBe('object');
    const members = root?.kind === 'object' ? root.members : [];
    expect(members.map(([key, value]) => [key, value.text])).toEqual([
      ['call_sid', '"CA1"'],
      ['n', '12345678901234567890'],
      ['conversations', '{"conversation_measure_1": 1.50, "a": [1, {"b": null}]}'],
    ]);
  });

  it.each(['', '{"a":', '{"a":1}x', '[1,]', '{a:1}', '01'])('reads %j as not JSON', (text) => {
    expect(readRawJson(text)).toBeNull();
  });

  it.each([
    ['an object', BEFORE, true],
    ['an object without conversations', '{"call_sid":"CA1"}', true],
    ['conversations not an object', '{"conversations":"legacy"}', false],
    ['an array', '[1]', false],
    ['null', 'null', false],
    ['truncated JSON', '{"call_sid": "CA', false],
  ])('a close may write the outcome into %s (%s): %s', (_, attributes, accepted) => {
    expect(acceptsInsightsOutcome(attributes)).toBe(accepted);
  });

  it('accepts the outcome set with every other value kept byte for byte', () => {
    const after = BEFORE.replace('{"conversation_measure_1"', '{"outcome":"Closed","conversation_measure_1"');
    expect(insightsOutcomeProblem(BEFORE, after, 'Closed')).toBeNull();
    expect(insightsOutcomeProblem('{"x":1}', '{"x":1,"conversations":{"outcome":"Closed"}}', 'Closed')).toBeNull();
  });

  it.each([
    ['a number reformatted', BEFORE.replace('1.50', '1.5').replace('"a"', '"outcome":"Closed","a"'), /1\.50/],
    ['a big integer rounded', JSON.stringify({ ...JSON.parse(BEFORE), conversations: { outcome: 'Closed' } }), /n was/],
    [
      'a conversations key dropped',
      BEFORE.replace('"conversation_measure_1": 1.50, ', '"outcome":"Closed",'),
      /measure/,
    ],
    ['the outcome missing', BEFORE, /no conversations.outcome/],
    ['another outcome', BEFORE.replace('"a"', '"outcome":"Other","a"'), /expected "Closed"/],
    ['a member added', BEFORE.replace('"n"', '"extra":1,"n"').replace('"a"', '"outcome":"Closed","a"'), /extra/],
  ])('names %s', (_, after, problem) => {
    expect(insightsOutcomeProblem(BEFORE, after, 'Closed')).toMatch(problem);
  });
});
