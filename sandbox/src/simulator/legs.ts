import type { SimLeg } from './model';

/**
 * The call legs a task's attributes name, as the simulator reads them (written independently of the
 * engine's rules in serverless/src, so the oracle can check them): the `call_sid` attribute (role
 * `call_sid`, any non-empty text, even one that is no Call SID), then each value under
 * `conference.participants` that is a Call SID (role = its key). A SID already listed is skipped.
 */
const CALL_SID = /^CA[0-9a-fA-F]{32}$/;

export function legsOf(attributes: Record<string, unknown>): SimLeg[] {
  const legs: SimLeg[] = [];
  const seen = new Set<string>();
  const add = (role: string, callSid: string): void => {
    if (seen.has(callSid)) return;
    seen.add(callSid);
    legs.push({ role, callSid });
  };
  const callSid = attributes.call_sid;
  if (typeof callSid === 'string' && callSid.trim() !== '') add('call_sid', callSid.trim());
  const conference = attributes.conference;
  const participants =
    conference && typeof conference === 'object' && !Array.isArray(conference)
      ? (conference as Record<string, unknown>).participants
      : undefined;
  if (participants && typeof participants === 'object' && !Array.isArray(participants)) {
    for (const [role, value] of Object.entries(participants as Record<string, unknown>)) {
      if (typeof value === 'string' && CALL_SID.test(value.trim())) add(role, value.trim());
    }
  }
  return legs;
}

/** The leg a task is described by: `call_sid`, else `customer`, else the first; null when it names none. */
export function primaryLeg(legs: readonly SimLeg[]): SimLeg | null {
  return legs.find((leg) => leg.role === 'call_sid') ?? legs.find((leg) => leg.role === 'customer') ?? legs[0] ?? null;
}

/** Legs with the primary first, the others in attribute order (as the scan answer lists them). */
export function primaryFirst(legs: readonly SimLeg[]): SimLeg[] {
  const primary = primaryLeg(legs);
  return primary ? [primary, ...legs.filter((leg) => leg !== primary)] : [];
}
