import { ApiError } from './errors';
import { closeParamsSchema, historyParamsSchema, parseParams, scanParamsSchema, taskParamsSchema } from './params';

const sid = (n: number): string => `WT${n.toString(16).padStart(32, '0')}`;

function badRequestMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('bad_request');
    expect((error as ApiError).status).toBe(400);
    return (error as ApiError).message;
  }
  throw new Error('expected a 400 bad_request');
}

describe('scan parameters', () => {
  it('starts from the first page without a PageToken (absent or JSON null)', () => {
    expect(parseParams(scanParamsSchema, { Token: 't' })).toEqual({ PageToken: null });
    expect(parseParams(scanParamsSchema, { Token: 't', PageToken: null })).toEqual({ PageToken: null });
  });

  it('passes a page token through', () => {
    expect(parseParams(scanParamsSchema, { PageToken: 'st1.abc' })).toEqual({ PageToken: 'st1.abc' });
  });

  it('refuses empty, non-string, oversized and unprintable page tokens', () => {
    expect(badRequestMessage(() => parseParams(scanParamsSchema, { PageToken: '' }))).toMatch(/PageToken is empty/);
    expect(badRequestMessage(() => parseParams(scanParamsSchema, { PageToken: 5 }))).toMatch(/must be a string/);
    expect(badRequestMessage(() => parseParams(scanParamsSchema, { PageToken: 'x'.repeat(3000) }))).toMatch(
      /not a page token/,
    );
    expect(badRequestMessage(() => parseParams(scanParamsSchema, { PageToken: 'a b' }))).toMatch(/not a page token/);
  });

  it('names unknown parameters and lists the accepted ones', () => {
    const message = badRequestMessage(() => parseParams(scanParamsSchema, { Token: 't', pageToken: 'x' }));
    expect(message).toMatch(/Unknown parameter "pageToken"/);
    expect(message).toMatch(/accepted: Token, PageToken/);
  });
});

describe('task parameters', () => {
  it('accepts a Task SID', () => {
    expect(parseParams(taskParamsSchema, { Token: 't', TaskSid: sid(1) })).toEqual({ TaskSid: sid(1) });
  });

  it.each([
    ['missing', undefined, /TaskSid is missing/],
    ['empty', '', /TaskSid is missing/],
    ['a number', 42, /must be a string/],
    ['an array', [sid(1)], /must be a string/],
    ['too short', 'WT123', /is not valid/],
    ['another resource', `CA${'0'.repeat(32)}`, /is not valid/],
    ['SQL injection', `${sid(1)}' OR '1'='1`, /is not valid/],
  ])('refuses a TaskSid that is %s', (_label, value, expected) => {
    expect(badRequestMessage(() => parseParams(taskParamsSchema, { TaskSid: value }))).toMatch(expected);
  });

  it('does not echo a huge value back', () => {
    const message = badRequestMessage(() => parseParams(taskParamsSchema, { TaskSid: 'A'.repeat(100_000) }));
    expect(message.length).toBeLessThan(200);
  });
});

describe('close parameters', () => {
  it('accepts a JSON array (also what repeated form fields become), a comma-separated list and a JSON array in a string', () => {
    const expected = { TaskSids: [sid(1), sid(2)], Force: false };
    expect(parseParams(closeParamsSchema, { TaskSids: [sid(1), sid(2)] })).toEqual(expected);
    expect(parseParams(closeParamsSchema, { TaskSids: `${sid(1)}, ${sid(2)}` })).toEqual(expected);
    expect(parseParams(closeParamsSchema, { TaskSids: JSON.stringify([sid(1), sid(2)]) })).toEqual(expected);
  });

  it('reads Force from JSON booleans and form strings', () => {
    expect(parseParams(closeParamsSchema, { TaskSids: sid(1), Force: true }).Force).toBe(true);
    expect(parseParams(closeParamsSchema, { TaskSids: sid(1), Force: 'true' }).Force).toBe(true);
    expect(parseParams(closeParamsSchema, { TaskSids: sid(1), Force: 'false' }).Force).toBe(false);
    expect(parseParams(closeParamsSchema, { TaskSids: sid(1) }).Force).toBe(false);
  });

  it.each([['yes'], ['1'], [1], [['true']]])('refuses Force=%j', (value) => {
    expect(badRequestMessage(() => parseParams(closeParamsSchema, { TaskSids: sid(1), Force: value }))).toMatch(
      /Force must be true or false/,
    );
  });

  it('takes 50 SIDs and refuses 51', () => {
    const fifty = Array.from({ length: 50 }, (_, i) => sid(i));
    expect(parseParams(closeParamsSchema, { TaskSids: fifty }).TaskSids).toHaveLength(50);
    expect(badRequestMessage(() => parseParams(closeParamsSchema, { TaskSids: [...fifty, sid(50)] }))).toMatch(
      /51 entries: at most 50/,
    );
  });

  it('refuses duplicates, also when they differ only in case', () => {
    expect(badRequestMessage(() => parseParams(closeParamsSchema, { TaskSids: [sid(10), sid(10)] }))).toMatch(
      /same task more than once/,
    );
    const upper = `WT${sid(10).slice(2).toUpperCase()}`;
    expect(badRequestMessage(() => parseParams(closeParamsSchema, { TaskSids: `${sid(10)},${upper}` }))).toMatch(
      /same task more than once/,
    );
  });

  it.each([
    ['missing', undefined, /TaskSids is missing/],
    ['an empty string', '', /TaskSids is missing/],
    ['an empty array', [], /TaskSids is empty/],
    ['a number', 7, /must be an array/],
    ['an object', { a: sid(1) }, /must be an array/],
    ['broken JSON', `["${sid(1)}"`, /not a valid JSON array/],
    ['a list with an empty entry', `${sid(1)},,${sid(2)}`, /entry 2 is empty/],
    ['a list with a number', [sid(1), 5], /entry 2 is not a string/],
    ['a list with a JSON injection', [sid(1), '{"$ne":null}'], /entry 2 "\{\\"\$ne\\":null\}" is not a Task SID/],
  ])('refuses TaskSids that is %s', (_label, value, expected) => {
    expect(badRequestMessage(() => parseParams(closeParamsSchema, { TaskSids: value }))).toMatch(expected);
  });

  it('reports every problem of a request at once', () => {
    const message = badRequestMessage(() =>
      parseParams(closeParamsSchema, { TaskSids: 'x', Force: 'maybe', Extra: 1 }),
    );
    expect(message).toMatch(/TaskSids is not valid/);
    expect(message).toMatch(/Force must be true or false/);
    expect(message).toMatch(/Unknown parameter "Extra"/);
  });
});

describe('history parameters', () => {
  it('leaves Days and PageToken null when they are left out (the engine applies the default)', () => {
    expect(parseParams(historyParamsSchema, { Token: 't' })).toEqual({ Days: null, PageToken: null });
    expect(parseParams(historyParamsSchema, { Days: null })).toEqual({ Days: null, PageToken: null });
  });

  it.each([
    ['1', 1],
    ['30', 30],
    [7, 7],
    ['07', 7],
  ])('accepts Days %p', (value, expected) => {
    expect(parseParams(historyParamsSchema, { Days: value, PageToken: 'hs1.abc' })).toEqual({
      Days: expected,
      PageToken: 'hs1.abc',
    });
  });

  it.each([0, '0', 31, '31', 'abc', '', '7.5', 7.5, -1, '-1', ' 7', '1e1', true, [7], '1000'])(
    'refuses Days %p with the accepted range',
    (value) => {
      expect(badRequestMessage(() => parseParams(historyParamsSchema, { Days: value }))).toMatch(
        /^Days .* is not valid: a whole number of days from 1 to 30 \(default 7/,
      );
    },
  );

  it('refuses a malformed PageToken naming history', () => {
    expect(badRequestMessage(() => parseParams(historyParamsSchema, { PageToken: 'a b' }))).toMatch(
      /not a page token returned by history/,
    );
    expect(badRequestMessage(() => parseParams(historyParamsSchema, { days: 3 }))).toMatch(
      /accepted: Token, Days, PageToken/,
    );
  });
});
