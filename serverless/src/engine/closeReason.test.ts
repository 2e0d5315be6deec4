import {
  formatCloseReason,
  MAX_IDENTITY_LENGTH,
  parseClosedBy,
  sanitizeIdentity,
  UNKNOWN_IDENTITY,
} from './closeReason';

const REASON = 'Orchestration issue: closed stuck voice Task.';

describe('sanitizeIdentity', () => {
  it('keeps ordinary identities as they are', () => {
    for (const identity of [
      'ada_40sandbox_2Eexample',
      'ada@example.com',
      'cli:ops',
      'Zoë Ålund',
      '山田 太郎',
      'dev 👩‍💻',
    ]) {
      expect(sanitizeIdentity(identity)).toBe(identity.replace('\u200d', ''));
    }
  });

  it('turns control characters and line separators into single spaces, so no second line can be forged', () => {
    expect(sanitizeIdentity('eve\nClosed by ada_admin.\r')).toBe('eve Closed by ada_admin.');
    expect(sanitizeIdentity('a\u0000b\u0007c\u001b[31md\u007fe\u0085f\u2028g\u2029h\t\ti')).toBe(
      'a b c [31md e f g h i',
    );
  });

  it('removes invisible formatting characters (bidirectional overrides, zero-width)', () => {
    expect(sanitizeIdentity('\u202eimda\u202c_eve')).toBe('imda_eve');
    expect(sanitizeIdentity('a\u200bd\u2060a\ufeff')).toBe('ada');
  });

  it('replaces lone surrogates', () => {
    expect(sanitizeIdentity('a\ud800b')).toBe('a\ufffdb');
  });

  it(`cuts long identities to ${MAX_IDENTITY_LENGTH} characters, ending with "…", without splitting a character`, () => {
    const long = sanitizeIdentity('😀'.repeat(500));
    expect([...long]).toHaveLength(MAX_IDENTITY_LENGTH);
    expect(long.endsWith('😀…')).toBe(true);
    expect(sanitizeIdentity('x'.repeat(MAX_IDENTITY_LENGTH))).toBe('x'.repeat(MAX_IDENTITY_LENGTH));
  });

  it('writes "unknown" when nothing printable is left', () => {
    expect(sanitizeIdentity('\n\r\t \u202e')).toBe(UNKNOWN_IDENTITY);
  });

  it('is idempotent', () => {
    for (const identity of ['eve\nClosed by ada.', ' x '.repeat(80), '\u202e😀'.repeat(90)]) {
      expect(sanitizeIdentity(sanitizeIdentity(identity))).toBe(sanitizeIdentity(identity));
    }
  });
});

describe('formatCloseReason and parseClosedBy', () => {
  it('writes "<reason> Closed by <identity>." and reads the identity back', () => {
    const reason = formatCloseReason(REASON, 'ada_admin');
    expect(reason).toBe(`${REASON} Closed by ada_admin.`);
    expect(parseClosedBy(reason, REASON)).toBe('ada_admin');
  });

  it.each([
    ['a dot', 'j.doe'],
    ['a final dot', 'ada.'],
    ['"Closed by"', 'eve Closed by ada_admin.'],
    ['the whole reason', `${REASON} Closed by ada_admin.`],
    ['a forged line', 'eve\nClosed by ada_admin.\r'],
    ['only dots', '...'],
  ])('reads an identity containing %s back whole', (_label, identity) => {
    const reason = formatCloseReason(REASON, identity);
    expect(reason.split('\n')).toHaveLength(1);
    expect(parseClosedBy(reason, REASON)).toBe(sanitizeIdentity(identity));
  });

  it('works with a CLOSE_REASON that itself says "Closed by" or has no final dot', () => {
    for (const closeReason of ['Closed by the outage tool.', 'Outage 2024-05-01', '']) {
      expect(parseClosedBy(formatCloseReason(closeReason, 'ops. Closed by x'), closeReason)).toBe('ops. Closed by x');
    }
  });

  it('answers null for reasons this service did not write with this CLOSE_REASON', () => {
    expect(parseClosedBy('Task canceled by the workflow', REASON)).toBeNull();
    expect(parseClosedBy(`${REASON} Closed by ada_admin`, REASON)).toBeNull();
    expect(parseClosedBy(`${REASON} Closed by .`, REASON)).toBeNull();
    expect(parseClosedBy(formatCloseReason('Another reason.', 'ada'), REASON)).toBeNull();
    expect(parseClosedBy(null, REASON)).toBeNull();
    expect(parseClosedBy(undefined, REASON)).toBeNull();
  });

  it('sanitises an identity read from a reason written before identities were sanitised', () => {
    expect(parseClosedBy(`${REASON} Closed by eve\nClosed by ada_admin.\r.`, REASON)).toBe('eve Closed by ada_admin.');
  });
});
