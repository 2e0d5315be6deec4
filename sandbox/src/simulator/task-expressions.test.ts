import { matchesTaskExpression, parseTaskExpression } from './task-expressions';
import { HttpError } from './twilio-errors';

const attributes = {
  conversationSid: 'CH01',
  channelType: 'sms',
  priority: 5,
  vip: true,
  skills: ['billing', 'spanish'],
  customer: { tier: 'gold', region: 'EU' },
};
const matches = (expression: string, on: unknown = attributes): boolean =>
  matchesTaskExpression(parseTaskExpression(expression), on);

describe("TaskRouter's expression subset", () => {
  it.each([
    ["conversationSid == 'CH01'", true],
    ['conversationSid == "CH02"', false],
    ["conversationSid = 'CH01'", true],
    ["channelType != 'sms'", false],
    ["conversationSid IN ['CH02', 'CH01']", true],
    ["conversationSid IN ['CH02','CH03']", false],
    ["conversationSid NOT IN ['CH02']", true],
    ['conversationSid IN []', false],
    ["customer.tier == 'gold'", true],
    ["customer.region IN ['US']", false],
    ["skills HAS 'billing'", true],
    ["skills HAS 'french'", false],
    ['priority > 4', true],
    ['priority <= 4', false],
    ['vip == true', true],
    ["channelType == 'sms' AND priority >= 5", true],
    ["channelType == 'sms' and priority < 5", false],
    ["channelType == 'chat' OR customer.tier == 'gold'", true],
    // AND binds tighter than OR; parentheses change that.
    ["channelType == 'chat' AND vip == true OR priority == 5", true],
    ["channelType == 'chat' AND (vip == true OR priority == 5)", false],
    ["((conversationSid IN ['CH01']))", true],
    ["missing == 'x'", false],
    ["missing != 'x'", true],
    ["missing NOT IN ['x']", true],
  ])('%s → %s', (expression, expected) => {
    expect(matches(expression)).toBe(expected);
  });

  it('matches nothing on attributes that are not a JSON object', () => {
    expect(matches("conversationSid == 'CH01'", null)).toBe(false);
    expect(matches("conversationSid IN ['CH01']", ['CH01'])).toBe(false);
  });

  it.each([
    "conversationSid == 'CH01",
    "conversationSid IN 'CH01'",
    "conversationSid IN ['CH01'",
    "conversationSid IN ['CH01' 'CH02']",
    "(conversationSid == 'CH01'",
    "conversationSid == 'CH01')",
    "conversationSid 'CH01'",
    "== 'CH01'",
    "conversationSid == 'CH01' AND",
    "conversationSid NOT 'x'",
    "conversationSid CONTAINS 'CH'",
    "conversationSid == 'CH01' ; DROP",
    '',
  ])('refuses %j with 400 code 20001, as Twilio refuses what it cannot parse', (expression) => {
    let error: unknown;
    try {
      parseTaskExpression(expression);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 400, code: 20001, message: expect.stringMatching(/EvaluateTaskAttributes/) });
  });
});
