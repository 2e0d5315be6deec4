/**
 * The task attributes a close writes for Flex Insights: `conversations.outcome` set to INSIGHTS_OUTCOME,
 * every other attribute kept exactly as written. Pure.
 *
 * The new text is spliced into the original JSON text instead of parsing and serialising it again:
 * `JSON.parse` would round big integers (e.g. 12345678901234567890) and rewrite number literals such
 * as `1.50`, silently changing attributes other systems rely on. Only the outcome's value (or a new
 * member for it) changes; whitespace, key order and every other byte stay as they were.
 */

/** Where a JSON object's members are in the text: each key, and where its value starts and ends. */
interface ObjectSpan {
  /** Index of the closing brace. */
  close: number;
  members: { key: string; valueStart: number; valueEnd: number }[];
}

/**
 * The attributes text with `conversations.outcome` set to `outcome`, or null when a close must not
 * touch the attributes: the setting is off, the text is not a JSON object, or `conversations` exists
 * and is not an object.
 */
export function withInsightsOutcome(attributes: string | null, outcome: string | null): string | null {
  if (outcome === null || attributes === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(attributes);
  } catch {
    return null;
  }
  if (!isPlainObject(parsed)) return null;
  const conversations = parsed.conversations;
  if (conversations !== undefined && !isPlainObject(conversations)) return null;

  const value = JSON.stringify(outcome);
  const root = readObject(attributes, skipSpace(attributes, 0));
  // JSON.parse keeps the last of duplicate keys; so does this.
  const conversationsMember = lastMember(root, 'conversations');
  if (conversationsMember === undefined) {
    return insertMember(attributes, root, `"conversations":{"outcome":${value}}`);
  }
  const inner = readObject(attributes, conversationsMember.valueStart);
  const outcomeMember = lastMember(inner, 'outcome');
  if (outcomeMember === undefined) return insertMember(attributes, inner, `"outcome":${value}`);
  return attributes.slice(0, outcomeMember.valueStart) + value + attributes.slice(outcomeMember.valueEnd);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lastMember(span: ObjectSpan, key: string) {
  return [...span.members].reverse().find((member) => member.key === key);
}

/** Adds a member just before the object's closing brace. */
function insertMember(text: string, span: ObjectSpan, member: string): string {
  const separator = span.members.length > 0 ? ',' : '';
  return text.slice(0, span.close) + separator + member + text.slice(span.close);
}

// A scanner over text already known to be valid JSON (JSON.parse accepted it): it only needs to find
// where values start and end, never to report errors.

function skipSpace(text: string, index: number): number {
  let at = index;
  while (at < text.length && ' \t\n\r'.includes(text[at])) at += 1;
  return at;
}

/** The index just after the string literal starting at `start` (a quote). */
function stringEnd(text: string, start: number): number {
  let at = start + 1;
  while (text[at] !== '"') at += text[at] === '\\' ? 2 : 1;
  return at + 1;
}

/** The index just after the value starting at `start`. */
function valueEnd(text: string, start: number): number {
  const first = text[start];
  if (first === '"') return stringEnd(text, start);
  if (first === '{' || first === '[') {
    let depth = 0;
    let at = start;
    for (;;) {
      const char = text[at];
      if (char === '"') {
        at = stringEnd(text, at);
        continue;
      }
      if (char === '{' || char === '[') depth += 1;
      else if (char === '}' || char === ']') {
        depth -= 1;
        if (depth === 0) return at + 1;
      }
      at += 1;
    }
  }
  // Numbers, true, false, null: up to the next delimiter.
  let at = start;
  while (at < text.length && !',]} \t\n\r'.includes(text[at])) at += 1;
  return at;
}

function readObject(text: string, start: number): ObjectSpan {
  const members: ObjectSpan['members'] = [];
  let at = skipSpace(text, start + 1);
  while (text[at] !== '}') {
    const keyEnd = stringEnd(text, at);
    const key = JSON.parse(text.slice(at, keyEnd)) as string;
    const valueStart = skipSpace(text, skipSpace(text, keyEnd) + 1); // past the colon
    const end = valueEnd(text, valueStart);
    members.push({ key, valueStart, valueEnd: end });
    at = skipSpace(text, end);
    if (text[at] === ',') at = skipSpace(text, at + 1);
  }
  return { close: at, members };
}
