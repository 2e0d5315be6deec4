import type { OtherTrafficStats } from './other-traffic';

/** What the simulator counts about the Twilio requests it answers (`stats()`, `GET /_sim/stats`). */

export type RequestKind =
  | 'tasks.list'
  | 'tasks.fetch'
  | 'tasks.update'
  | 'reservations.list'
  | 'calls.fetch'
  | 'calls.list'
  | 'events.list'
  | 'tokens.validate'
  | 'conversations.fetch'
  | 'conversations.list'
  | 'interactions.channels.fetch'
  | 'interactions.channels.update'
  | 'unknown';

export const REQUEST_KINDS: readonly RequestKind[] = [
  'tasks.list',
  'tasks.fetch',
  'tasks.update',
  'reservations.list',
  'calls.fetch',
  'calls.list',
  'events.list',
  'tokens.validate',
  'conversations.fetch',
  'conversations.list',
  'interactions.channels.fetch',
  'interactions.channels.update',
  'unknown',
];

export interface SimulatorStats {
  /** Every Twilio request received, by kind (429s and 5xx included). */
  requests: Record<RequestKind, number>;
  totalRequests: number;
  /** Answered 429 (code 20429): over the concurrency limit, or by throttleRate. */
  throttled: number;
  throttledByKind: Record<RequestKind, number>;
  /** Of those, answered 429 by the Interactions API's rate limit (`interactionsPerSecond`). */
  rateLimited: number;
  /** Random 5xx injected by errorRate and lostUpdateRate. */
  serverErrors: number;
  responsesByStatus: Record<string, number>;
  inFlight: number;
  /** Most requests admitted (not throttled) at the same time. */
  peakConcurrency: number;
  updates: { applied: number; preconditionFailed: number; invalidTransition: number; lostResponses: number };
  /**
   * The competing client (`otherTrafficMean`): its requests, those refused with 429 because the
   * account was full (the harm done to Flex), in flight now and at most. Not in the counts above.
   */
  otherTraffic: OtherTrafficStats;
}

export function emptyStats(): SimulatorStats {
  const byKind = (): Record<RequestKind, number> =>
    Object.fromEntries(REQUEST_KINDS.map((kind) => [kind, 0])) as Record<RequestKind, number>;
  return {
    requests: byKind(),
    totalRequests: 0,
    throttled: 0,
    throttledByKind: byKind(),
    rateLimited: 0,
    serverErrors: 0,
    responsesByStatus: {},
    inFlight: 0,
    peakConcurrency: 0,
    updates: { applied: 0, preconditionFailed: 0, invalidTransition: 0, lostResponses: 0 },
    otherTraffic: { requests: 0, throttled: 0, inFlight: 0, peakInFlight: 0 },
  };
}
