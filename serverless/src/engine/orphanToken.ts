import { z } from 'zod';
import type { ListCursor } from '../gateway/types';
import { InvalidPageTokenError } from './errors';
import { opaqueTokenCodec, twilioCursorFields } from './opaqueToken';
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

const orphanToken = opaqueTokenCodec({
  prefix: 'oc1.',
  fields: {
    s: z.enum(['a', 'i']),
    ...twilioCursorFields(700),
    z: z.number().int().min(1).max(100).optional(),
  },
  otherWorkspace: 'PageToken belongs to a listing of another workspace',
});

export function encodeOrphanToken(position: OrphanPosition, workspaceSid: string): string {
  return orphanToken.encode(
    {
      s: position.state === 'active' ? 'a' : 'i',
      p: position.cursor?.page ?? null,
      t: position.cursor?.pageToken ?? null,
      ...(position.stalledCalls ? { z: position.stalledCalls } : {}),
    },
    workspaceSid,
  );
}

/** The position a token names; InvalidPageTokenError (400) for anything this service did not issue. */
export function decodeOrphanToken(token: string, workspaceSid: string): OrphanPosition {
  const payload = orphanToken.decode(token, workspaceSid);
  if ((payload.p === null) !== (payload.t === null)) throw new InvalidPageTokenError();
  return {
    state: payload.s === 'a' ? 'active' : 'inactive',
    cursor: payload.p === null || payload.t === null ? null : { page: payload.p, pageToken: payload.t },
    ...(payload.z === undefined ? {} : { stalledCalls: payload.z }),
  };
}
