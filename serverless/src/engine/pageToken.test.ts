import { InvalidPageTokenError } from './errors';
import { START_POSITION, decodePageToken, encodePageToken } from './pageToken';
import type { ScanPosition } from './pageToken';
import { TEST_WORKSPACE_SID } from '../../test/support/fakeGateway';

const positions: ScanPosition[] = [
  START_POSITION,
  { cursor: null, offset: 412, afterSid: `WT${'0'.repeat(31)}1` },
  { cursor: { page: 3, pageToken: 'PTWTab12/+=cd' }, offset: 0, afterSid: null },
  { cursor: { page: 7, pageToken: '' }, offset: 999, afterSid: `WT${'F'.repeat(32)}` },
];

describe('page tokens', () => {
  it.each(positions)('round-trip %j', (position) => {
    const token = encodePageToken(position, TEST_WORKSPACE_SID);
    expect(token).toMatch(/^st1\.[A-Za-z0-9_-]+$/);
    expect(decodePageToken(token, TEST_WORKSPACE_SID)).toEqual(position);
  });

  it('refuses a token issued for another workspace', () => {
    const token = encodePageToken(positions[2], TEST_WORKSPACE_SID);
    expect(() => decodePageToken(token, `WS${'9'.repeat(32)}`)).toThrow(/another workspace/);
  });

  const valid = encodePageToken(positions[2], TEST_WORKSPACE_SID);
  const forge = (payload: unknown) => `st1.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const base = { w: TEST_WORKSPACE_SID.slice(-8), p: 1, t: 'PT1', o: 0, s: null };

  it.each([
    ['empty', ''],
    ['garbage', 'hello'],
    ['a Twilio URL', 'https://evil.example/v1/Workspaces'],
    ['the wrong prefix', valid.replace('st1.', 'st2.')],
    ['not base64url', 'st1.a+b/c='],
    ['not JSON', `st1.${Buffer.from('{oops').toString('base64url')}`],
    ['truncated', valid.slice(0, -6)],
    ['huge', `st1.${'A'.repeat(5000)}`],
    ['a negative offset', forge({ ...base, o: -1 })],
    ['a fractional page', forge({ ...base, p: 1.5 })],
    ['an unknown field', forge({ ...base, x: 1 })],
    ['a page without its token', forge({ ...base, t: null })],
    ['a control character in the Twilio token', forge({ ...base, t: 'PT\n1' })],
    ['a malformed task SID', forge({ ...base, s: 'WT1' })],
  ])('rejects %s', (_label, token) => {
    expect(() => decodePageToken(token, TEST_WORKSPACE_SID)).toThrow(InvalidPageTokenError);
  });
});
