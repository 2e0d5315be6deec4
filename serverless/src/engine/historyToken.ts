import { HISTORY_DAYS_MAX, HISTORY_DAYS_MIN } from '@plugin-stuck-tasks/contract';
import type { HistoryOutcome } from '@plugin-stuck-tasks/contract';
import { z } from 'zod';
import type { ListCursor } from '../gateway/types';
import { InvalidPageTokenError } from './errors';
import { opaqueTokenCodec, twilioCursorFields } from './opaqueToken';

/**
 * Where a history continues. The window is fixed by the first call (later calls list the same
 * days, whatever the time), and each event type's list has its own place: a Twilio page (null = the
 * first) and how many of its events were already used, or null when that list is finished.
 */
export interface HistoryPosition {
  days: number;
  startMs: number;
  endMs: number;
  streams: Record<HistoryOutcome, StreamPosition | null>;
  /** Calls in a row that reached their deadline before reading one event here (absent = none). */
  stalledCalls?: number;
}

export interface StreamPosition {
  cursor: ListCursor | null;
  /** Events of that page already used. */
  offset: number;
}

/** Events are kept 30 days; a window start far before "now" cannot come from this service. */
const MAX_TIME = 8_640_000_000_000;

const streamSchema = z
  .object({
    ...twilioCursorFields(700),
    o: z.number().int().min(0).max(1_000_000),
  })
  .strict()
  .nullable();

const historyToken = opaqueTokenCodec({
  prefix: 'hs1.',
  fields: {
    d: z.number().int().min(HISTORY_DAYS_MIN).max(HISTORY_DAYS_MAX),
    s: z.number().int().min(0).max(MAX_TIME),
    e: z.number().int().min(0).max(MAX_TIME),
    c: streamSchema,
    k: streamSchema,
    z: z.number().int().min(1).max(100).optional(),
  },
  otherWorkspace: 'PageToken belongs to the history of another workspace',
});

type StreamPayload = z.infer<typeof streamSchema>;

function streamPayload(stream: StreamPosition | null): StreamPayload {
  if (stream === null) return null;
  return { p: stream.cursor?.page ?? null, t: stream.cursor?.pageToken ?? null, o: stream.offset };
}

function streamOf(payload: StreamPayload): StreamPosition | null {
  if (payload === null) return null;
  if ((payload.p === null) !== (payload.t === null)) throw new InvalidPageTokenError();
  return {
    cursor: payload.p === null || payload.t === null ? null : { page: payload.p, pageToken: payload.t },
    offset: payload.o,
  };
}

export function encodeHistoryToken(position: HistoryPosition, workspaceSid: string): string {
  return historyToken.encode(
    {
      d: position.days,
      s: position.startMs,
      e: position.endMs,
      c: streamPayload(position.streams.canceled),
      k: streamPayload(position.streams.completed),
      ...(position.stalledCalls ? { z: position.stalledCalls } : {}),
    },
    workspaceSid,
  );
}

/** The position a token names; InvalidPageTokenError (400) for anything this service did not issue. */
export function decodeHistoryToken(token: string, workspaceSid: string): HistoryPosition {
  const payload = historyToken.decode(token, workspaceSid);
  if (payload.s > payload.e) throw new InvalidPageTokenError();
  return {
    days: payload.d,
    startMs: payload.s,
    endMs: payload.e,
    streams: { canceled: streamOf(payload.c), completed: streamOf(payload.k) },
    ...(payload.z === undefined ? {} : { stalledCalls: payload.z }),
  };
}
