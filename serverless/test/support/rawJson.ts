/**
 * A JSON reader for tests that keeps every value's source text, so a test can tell whether a rewrite
 * of task attributes kept each value byte for byte (`1.50` stays `1.50`, a 20-digit integer keeps
 * every digit), which `JSON.parse` cannot. Written apart from the engine's attribute splicing on
 * purpose: the race suite judges the engine with it.
 */

/** A JSON value with its exact source text; objects also keep their members in order. */
export type RawValue =
  { kind: 'object'; text: string; members: [key: string, value: RawValue][] } | { kind: 'other'; text: string };

class RawJsonError extends Error {}

/** Reads `text` as one JSON value (surrounding whitespace allowed); null when it is not JSON. */
export function readRawJson(text: string): RawValue | null {
  let at = 0;
  const fail = (what: string): never => {
    throw new RawJsonError(`${what} at ${at}`);
  };
  const skipSpace = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at])) at += 1;
  };
  const readString = (): string => {
    const start = at;
    if (text[at] !== '"') fail('expected a string');
    at += 1;
    while (at < text.length && text[at] !== '"') at += text[at] === '\\' ? 2 : 1;
    if (at >= text.length) fail('unterminated string');
    at += 1;
    return JSON.parse(text.slice(start, at)) as string;
  };
  const readValue = (): RawValue => {
    skipSpace();
    const start = at;
    const char = text[at];
    if (char === '{') {
      at += 1;
      const members: [string, RawValue][] = [];
      skipSpace();
      if (text[at] === '}') {
        at += 1;
        return { kind: 'object', text: text.slice(start, at), members };
      }
      for (;;) {
        skipSpace();
        const key = readString();
        skipSpace();
        if (text[at] !== ':') fail('expected ":"');
        at += 1;
        members.push([key, readValue()]);
        skipSpace();
        if (text[at] === ',') at += 1;
        else if (text[at] === '}') break;
        else fail('expected "," or "}"');
      }
      at += 1;
      return { kind: 'object', text: text.slice(start, at), members };
    }
    if (char === '[') {
      at += 1;
      skipSpace();
      if (text[at] !== ']') {
        for (;;) {
          readValue();
          skipSpace();
          if (text[at] === ',') at += 1;
          else if (text[at] === ']') break;
          else fail('expected "," or "]"');
        }
      }
      at += 1;
      return { kind: 'other', text: text.slice(start, at) };
    }
    if (char === '"') {
      readString();
      return { kind: 'other', text: text.slice(start, at) };
    }
    const literal = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(at));
    if (!literal) fail('expected a value');
    at += (literal as RegExpExecArray)[0].length;
    return { kind: 'other', text: text.slice(start, at) };
  };
  try {
    const value = readValue();
    skipSpace();
    return at === text.length ? value : null;
  } catch (error) {
    if (error instanceof RawJsonError || error instanceof SyntaxError) return null;
    throw error;
  }
}

const memberOf = (value: RawValue, key: string): RawValue | undefined =>
  value.kind === 'object' ? value.members.filter(([name]) => name === key).at(-1)?.[1] : undefined;

/**
 * Whether a close may write the Insights outcome into these attributes: they are a JSON object whose
 * `conversations`, if present, is an object too (the agreed rule; otherwise the close leaves them alone).
 */
export function acceptsInsightsOutcome(attributes: string): boolean {
  const root = readRawJson(attributes);
  if (root === null || root.kind !== 'object') return false;
  const conversations = memberOf(root, 'conversations');
  return conversations === undefined || conversations.kind === 'object';
}

/**
 * What is wrong with `after` as `before` with `conversations.outcome` set to `outcome`: every other
 * member, top-level and under `conversations`, must keep its exact source text, and nothing else may
 * appear or disappear. Null when nothing is wrong.
 */
export function insightsOutcomeProblem(before: string, after: string, outcome: string): string | null {
  const old = readRawJson(before);
  const written = readRawJson(after);
  if (old === null || old.kind !== 'object') return 'the attributes replaced were not a JSON object';
  if (written === null || written.kind !== 'object') return `wrote attributes that are not a JSON object: ${after}`;
  const compareMembers = (was: RawValue, now: RawValue, where: string, except: string | null): string | null => {
    const keys = new Set(
      [...(was.kind === 'object' ? was.members : []), ...(now.kind === 'object' ? now.members : [])]
        .map(([key]) => key)
        .filter((key) => key !== except),
    );
    for (const key of keys) {
      const kept = memberOf(was, key)?.text;
      const nowText = memberOf(now, key)?.text;
      if (kept !== nowText) return `${where}${key} was ${kept ?? 'absent'}, written ${nowText ?? 'absent'}`;
    }
    return null;
  };
  const topLevel = compareMembers(old, written, '', 'conversations');
  if (topLevel !== null) return topLevel;
  const conversations = memberOf(written, 'conversations');
  if (conversations === undefined || conversations.kind !== 'object') return 'no conversations object written';
  const oldConversations = memberOf(old, 'conversations') ?? { kind: 'object' as const, text: '{}', members: [] };
  const inner = compareMembers(oldConversations, conversations, 'conversations.', 'outcome');
  if (inner !== null) return inner;
  const writtenOutcome = memberOf(conversations, 'outcome');
  if (writtenOutcome === undefined || writtenOutcome.kind !== 'other') return 'no conversations.outcome written';
  const value: unknown = JSON.parse(writtenOutcome.text);
  return value === outcome
    ? null
    : `conversations.outcome is ${writtenOutcome.text}, expected ${JSON.stringify(outcome)}`;
}
