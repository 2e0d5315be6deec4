import { z } from 'zod';
import type { ListCursor } from '../gateway/types';
import { InvalidPageTokenError } from './errors';
import type { GoingConversationState } from './orphanRules';

/**
 * Where a listing of reverse orphans continues: which state's list (Twilio filters conversations by
 * one state at a time: `active`, then `inactive`) and its Twilio page (null = the first). Pages are
 * judged whole, so no offset is needed.
 */
export interface OrphanPosition {
  state: GoingConversationState;
  cursor: ListCursor | null;
  /** Calls in a row that reached their deadline before judging one page here (absent = none). */
  stalledCalls?: number;
}

export const ORPHAN_START: OrphanPosition = { state: 'active', cursor: null };

const PREFIX = 'oc1.';
const MAX_TOKEN_LENGTH = 2048;

const payloadSchema = z
  .object({
    // The tail of the workspace SID: a token from another workspace is refused, not misread.
    w: z.string().regex(/^[0-9a-f]{8}$/),
    s: z.enum(['a', 'i']),
    p: z.number().int().min(0).max(1_000_000_000).nullable(),
    t: z
      .string()
      .max(700)
      .regex(/^[\x21-\x7e]*$/)
      .nullable(),
    z: z.number().int().min(1).max(100).optional(),
  })
  .strict();

function workspaceTag(workspaceSid: string): string {
  return workspaceSid.slice(-8).toLowerCase();
}

export function encodeOrphanToken(position: OrphanPosition, workspaceSid: string): string {
  const payload: z.infer<typeof payloadSchema> = {
    w: workspaceTag(workspaceSid),
    s: position.state === 'active' ? 'a' : 'i',
    p: position.cursor?.page ?? null,
    t: position.cursor?.pageToken ?? null,
    ...(position.stalledCalls ? { z: position.stalledCalls } : {}),
  };
  return PREFIX + Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** The position a token names; InvalidPageTokenError (400) for anything this service did not issue. */
export function decodeOrphanToken(token: string, workspaceSid: string): OrphanPosition {
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
    throw new InvalidPageTokenError('PageToken belongs to a listing of another workspace');
  }
  if ((payload.p === null) !== (payload.t === null)) throw new InvalidPageTokenError();
  return {
    state: payload.s === 'a' ? 'active' : 'inactive',
    cursor: payload.p === null || payload.t === null ? null : { page: payload.p, pageToken: payload.t },
    ...(payload.z === undefined ? {} : { stalledCalls: payload.z }),
  };
}
