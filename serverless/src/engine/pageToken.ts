import { z } from 'zod';
import { TASK_SID_PATTERN } from '@plugin-stuck-tasks/contract';
import type { ListCursor } from '../gateway/types';
import { InvalidPageTokenError } from './errors';

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

const PREFIX = 'st1.';
const MAX_TOKEN_LENGTH = 2048;

const payloadSchema = z
  .object({
    // The tail of the workspace SID: a token from another workspace is refused, not misread.
    w: z.string().regex(/^[0-9a-f]{8}$/),
    p: z.number().int().min(0).max(1_000_000_000).nullable(),
    t: z
      .string()
      .max(1024)
      .regex(/^[\x21-\x7e]*$/)
      .nullable(),
    o: z.number().int().min(0).max(1_000_000),
    s: z.string().regex(TASK_SID_PATTERN).nullable(),
    z: z.number().int().min(1).max(100).optional(),
  })
  .strict();

function workspaceTag(workspaceSid: string): string {
  return workspaceSid.slice(-8).toLowerCase();
}

export function encodePageToken(position: ScanPosition, workspaceSid: string): string {
  const payload: z.infer<typeof payloadSchema> = {
    w: workspaceTag(workspaceSid),
    p: position.cursor ? position.cursor.page : null,
    t: position.cursor ? position.cursor.pageToken : null,
    o: position.offset,
    s: position.afterSid,
    ...(position.stalledCalls ? { z: position.stalledCalls } : {}),
  };
  return PREFIX + Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

export function decodePageToken(token: string, workspaceSid: string): ScanPosition {
  if (token.length > MAX_TOKEN_LENGTH || !token.startsWith(PREFIX)) throw new InvalidPageTokenError();
  const encoded = token.slice(PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) throw new InvalidPageTokenError();
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidPageTokenError();
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) throw new InvalidPageTokenError();
  const payload = parsed.data;
  if (payload.w !== workspaceTag(workspaceSid)) {
    throw new InvalidPageTokenError('PageToken belongs to a scan of another workspace');
  }
  if ((payload.p === null) !== (payload.t === null)) throw new InvalidPageTokenError();
  return {
    cursor: payload.p === null || payload.t === null ? null : { page: payload.p, pageToken: payload.t },
    offset: payload.o,
    afterSid: payload.s,
    ...(payload.z === undefined ? {} : { stalledCalls: payload.z }),
  };
}
