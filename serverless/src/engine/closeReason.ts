/**
 * The reason written on every task this tool closes: `<CLOSE_REASON> Closed by <identity>.` Built and
 * read back here only (the close engine writes it; the history of closures reads who closed a task).
 *
 * The identity comes from a Flex token or the CLI's `--identity`: free text. Before it goes into a
 * reason or a log line it loses control characters (a newline could forge a second "Closed by"
 * line), invisible formatting characters (bidirectional overrides can make a name read backwards)
 * and line separators, and is cut to MAX_IDENTITY_LENGTH characters.
 */

/** Longest identity written, in characters (code points); a longer one is cut and ends with "…". */
export const MAX_IDENTITY_LENGTH = 100;

/** Written when nothing printable is left of an identity. */
export const UNKNOWN_IDENTITY = 'unknown';

const CLOSED_BY = ' Closed by ';

const LINE_BREAKING = /[\p{Cc}\p{Zl}\p{Zp}]/gu;
const INVISIBLE = /\p{Cf}/gu;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * What of an identity may be written: control characters and line separators become spaces,
 * formatting characters go, runs of white space become one space, and the result is cut to
 * MAX_IDENTITY_LENGTH characters. Idempotent.
 */
export function sanitizeIdentity(identity: string): string {
  const printable = identity
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(LINE_BREAKING, ' ')
    .replace(INVISIBLE, '')
    .replace(/\s+/gu, ' ')
    .trim();
  const characters = [...printable];
  if (characters.length === 0) return UNKNOWN_IDENTITY;
  if (characters.length <= MAX_IDENTITY_LENGTH) return printable;
  return `${characters
    .slice(0, MAX_IDENTITY_LENGTH - 1)
    .join('')
    .trimEnd()}…`;
}

/** `<closeReason> Closed by <identity>.`, with the identity sanitised. */
export function formatCloseReason(closeReason: string, identity: string): string {
  return `${closeReason}${CLOSED_BY}${sanitizeIdentity(identity)}.`;
}

/**
 * Who closed a task, read back from its reason: everything between `<closeReason> Closed by ` and
 * the final `.`, so an identity that itself contains "." or "Closed by" is read whole. null when the
 * reason was not written with this `closeReason` (closed by someone else, or by another setting).
 * The identity is sanitised again: a reason written by an older version may carry control characters.
 */
export function parseClosedBy(reason: string | null | undefined, closeReason: string): string | null {
  if (typeof reason !== 'string') return null;
  const prefix = `${closeReason}${CLOSED_BY}`;
  if (!reason.startsWith(prefix) || !reason.endsWith('.') || reason.length <= prefix.length + 1) return null;
  return sanitizeIdentity(reason.slice(prefix.length, -1));
}
