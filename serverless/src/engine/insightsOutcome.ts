/**
 * The task attributes a close writes for Flex Insights: `conversations.outcome` set to INSIGHTS_OUTCOME,
 * every other attribute kept exactly as written (spliced into the text: attributesText.ts says why). Pure.
 */
import {
  insertMember,
  isPlainObject,
  lastMember,
  parseAttributesObject,
  readObject,
  skipSpace,
} from './attributesText';

/**
 * The attributes text with `conversations.outcome` set to `outcome`, or null when a close must not
 * touch the attributes: the setting is off, the text is not a JSON object, or `conversations` exists
 * and is not an object.
 */
export function withInsightsOutcome(attributes: string | null, outcome: string | null): string | null {
  if (outcome === null || attributes === null) return null;
  const parsed = parseAttributesObject(attributes);
  if (parsed === null) return null;
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
