import { z } from 'zod';
import { TASK_SID_PATTERN } from '@plugin-stuck-tasks/contract';
import type { ListCursor } from '../gateway/types';
import { InvalidPageTokenError } from './errors';
import { opaqueTokenCodec, twilioCursorFields } from './opaqueToken';

/**
 * Where a scan continues: a Twilio page (null = the first) and how far into it the previous call
 * got, so a page cut short by the deadline resumes exactly where it stopped.
 */
export interface ScanPosition {
  cursor: ListCursor | null;
  /** Tasks of that page already reported. */
  offset: number;
  /** The last task reported: resuming after it stays right when earlier tasks left the page meanwhile. */
  afterSid: string | null;
  /** Calls in a row that reached their deadline before judging a task here (absent = none). */
  stalledCalls?: number;
}

export const START_POSITION: ScanPosition = { cursor: null, offset: 0, afterSid: null };

const scanToken = opaqueTokenCodec({
  prefix: 'st1.',
  fields: {
    ...twilioCursorFields(1024),
    o: z.number().int().min(0).max(1_000_000),
    s: z.string().regex(TASK_SID_PATTERN).nullable(),
    z: z.number().int().min(1).max(100).optional(),
  },
  otherWorkspace: 'PageToken belongs to a scan of another workspace',
});

export function encodePageToken(position: ScanPosition, workspaceSid: string): string {
  return scanToken.encode(
    {
      p: position.cursor ? position.cursor.page : null,
      t: position.cursor ? position.cursor.pageToken : null,
      o: position.offset,
      s: position.afterSid,
      ...(position.stalledCalls ? { z: position.stalledCalls } : {}),
    },
    workspaceSid,
  );
}

export function decodePageToken(token: string, workspaceSid: string): ScanPosition {
  const payload = scanToken.decode(token, workspaceSid);
  if ((payload.p === null) !== (payload.t === null)) throw new InvalidPageTokenError();
  return {
    cursor: payload.p === null || payload.t === null ? null : { page: payload.p, pageToken: payload.t },
    offset: payload.o,
    afterSid: payload.s,
    ...(payload.z === undefined ? {} : { stalledCalls: payload.z }),
  };
}
