/**
 * Editing a task's attributes text in place (pure): a close that writes into the attributes changes one
 * member and leaves every other byte as it was.
 *
 * The new text is spliced into the original JSON text instead of parsing and serialising it again:
 * `JSON.parse` would round big integers (e.g. 12345678901234567890) and rewrite number literals such
 * as `1.50`, silently changing attributes other systems rely on. Used by insightsOutcome.ts
 * (`conversations.outcome`) and closureMarker.ts (the closure marker of a channel close).
 */

/** Where a JSON object's members are in the text: each key, and where its value starts and ends. */
export interface ObjectSpan {
  /** Index of the closing brace. */
  close: number;
  members: { key: string; valueStart: number; valueEnd: number }[];
}

/** The attributes parsed, when they are a JSON object's text; null for anything else (or null). */
export function parseAttributesObject(attributes: string | null): Record<string, unknown> | null {
  if (attributes === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(attributes);
  } catch {
    return null;
  }
  return isPlainObject(parsed) ? parsed : null;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `text` (already known to be a JSON object's text) with its top-level member `key` set to the JSON
 * value `valueJson`: the existing value replaced (the last, for duplicate keys, as JSON.parse reads
 * them), else a member added before the closing brace. Every other byte stays.
 */
export function withTopLevelMember(text: string, key: string, valueJson: string): string {
  const root = readObject(text, skipSpace(text, 0));
  const member = lastMember(root, key);
  if (member === undefined) return insertMember(text, root, `${JSON.stringify(key)}:${valueJson}`);
  return text.slice(0, member.valueStart) + valueJson + text.slice(member.valueEnd);
}

export function lastMember(span: ObjectSpan, key: string) {
  return [...span.members].reverse().find((member) => member.key === key);
}

/** Adds a member just before the object's closing brace. */
export function insertMember(text: string, span: ObjectSpan, member: string): string {
  const separator = span.members.length > 0 ? ',' : '';
  return text.slice(0, span.close) + separator + member + text.slice(span.close);
}

// A scanner over text already known to be valid JSON (JSON.parse accepted it): it only needs to find
// where values start and end, never to report errors.

export function skipSpace(text: string, index: number): number {
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

export function readObject(text: string, start: number): ObjectSpan {
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
