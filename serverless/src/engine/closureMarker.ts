/**
 * The closure marker (pure): what a channel close writes into a messaging task's attributes just
 * before it closes the task's interaction channel, and how the history reads it back.
 *
 * Why: a messaging task is closed through its Interaction Channel, never the Task API (Twilio's Flex
 * Conversations best practice), and the Interactions API takes no reason. Flex then completes or
 * cancels the task itself, and that task event carries no reason of ours, so without a mark the
 * history could neither find the closure nor say who made it. TaskRouter's task events carry the task's
 * attributes as they are at the event (`event_data.task_attributes`): a marker written into them just
 * before the close is in the event the close causes. Only the attributes are written (no
 * AssignmentStatus, no Reason), with `If-Match`, so the task's status never changes through the Task API.
 */
import { parseClosedBy, sanitizeIdentity } from './closeReason';
import { isPlainObject, parseAttributesObject, withTopLevelMember } from './attributesText';

/** The top-level attribute the marker is written to. */
export const CLOSURE_MARKER_KEY = 'stuckTasksClosure';

/**
 * Longest time between a marker and the closure event it explains. The channel close leaves within
 * seconds of the marker (DEFAULT_MAX_CHANNEL_CHECK_AGE_MS); a marker left on a task whose channel
 * close failed must not claim a closure made much later by an agent or by Flex.
 */
export const CLOSURE_MARKER_MAX_AGE_MS = 5 * 60_000;

/** How far a marker may seem to be after its event: the Function's clock and Twilio's are not one clock. */
export const CLOSURE_MARKER_CLOCK_SKEW_MS = 60_000;

export interface ClosureMarker {
  /** `<CLOSE_REASON> Closed by <identity>.`, exactly the reason a voice closure writes (closeReason.ts). */
  reason: string;
  /** Who asked, sanitised. */
  closedBy: string;
  /** When the marker was written (ISO 8601). */
  at: string;
  /** The interaction channel closed. */
  channelSid: string;
}

/**
 * The attributes with the marker set (an earlier marker replaced), every other byte kept; null when
 * they are not a JSON object's text: then nothing is written (the close goes on without a marker, and
 * the audit log line still names who closed the task).
 */
export function withClosureMarker(attributes: string | null, marker: ClosureMarker): string | null {
  if (attributes === null || parseAttributesObject(attributes) === null) return null;
  const value = JSON.stringify({
    reason: marker.reason,
    closedBy: marker.closedBy,
    at: marker.at,
    channelSid: marker.channelSid,
  });
  return withTopLevelMember(attributes, CLOSURE_MARKER_KEY, value);
}

/**
 * The marker in a task's attributes (JSON text, as a task event's `task_attributes` carries them, or
 * already parsed), or null when there is none or it is malformed.
 */
export function readClosureMarker(attributes: unknown): ClosureMarker | null {
  const parsed = typeof attributes === 'string' ? parseAttributesObject(attributes) : attributes;
  if (!isPlainObject(parsed)) return null;
  const marker = parsed[CLOSURE_MARKER_KEY];
  if (!isPlainObject(marker)) return null;
  const { reason, closedBy, at, channelSid } = marker;
  if (typeof reason !== 'string' || typeof at !== 'string' || Number.isNaN(Date.parse(at))) return null;
  return {
    reason,
    closedBy: typeof closedBy === 'string' ? closedBy : '',
    at,
    channelSid: typeof channelSid === 'string' ? channelSid : '',
  };
}

/**
 * Who made a closure, when the event's task attributes carry this service's marker written shortly
 * before the event (`eventMs`): its reason and identity. null when there is no marker, it was written
 * with another CLOSE_REASON, or it is older than CLOSURE_MARKER_MAX_AGE_MS (or too far after the event).
 */
export function closureByMarker(
  attributes: unknown,
  eventMs: number,
  closeReason: string,
): { reason: string; closedBy: string | null } | null {
  const marker = readClosureMarker(attributes);
  if (marker === null || closeReason === '' || !marker.reason.startsWith(closeReason)) return null;
  const ageMs = eventMs - Date.parse(marker.at);
  if (ageMs > CLOSURE_MARKER_MAX_AGE_MS || ageMs < -CLOSURE_MARKER_CLOCK_SKEW_MS) return null;
  const closedBy =
    marker.closedBy === '' ? parseClosedBy(marker.reason, closeReason) : sanitizeIdentity(marker.closedBy);
  return { reason: marker.reason, closedBy };
}
