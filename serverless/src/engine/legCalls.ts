import type { RequestBudget, TwilioCall, TwilioGateway } from '../gateway/types';
import type { CallObservation } from './rules';

/**
 * Fetches the calls of a task's legs, all requested at once (a gateway slot still sends them one after
 * another): Call SID -> the call, or null when Twilio does not know it (404). Only Call SIDs are passed
 * in (the rules check them), so no other value reaches a URL.
 */
export async function fetchLegCalls(
  gateway: TwilioGateway,
  callSids: readonly string[],
  budget: RequestBudget,
): Promise<Map<string, TwilioCall | null>> {
  const calls = await Promise.all(callSids.map((callSid) => gateway.fetchCall(callSid, budget)));
  return new Map(callSids.map((callSid, index) => [callSid, calls[index]]));
}

/** What the fetched calls tell the rules, by Call SID. */
export function observationsOf(calls: ReadonlyMap<string, TwilioCall | null>): Map<string, CallObservation> {
  const observations = new Map<string, CallObservation>();
  for (const [callSid, call] of calls) {
    observations.set(callSid, call === null ? { kind: 'not_found' } : { kind: 'fetched', call });
  }
  return observations;
}
