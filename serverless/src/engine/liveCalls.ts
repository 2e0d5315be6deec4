/**
 * The account's live calls, listed by status a page of 1,000 at a time. A task whose call is in this
 * set is active without fetching its call; only the other calls are fetched one by one. That turns
 * one request per voice task into one per candidate, and it is safe: membership only ever makes a
 * task "active", and every "stuck" verdict still rests on an individual fetch of the call.
 *
 * A snapshot may be reused for as long as the grace period. A call live when the snapshot was taken
 * has, if it ended since, ended less than a grace period ago, so it is "active" either way: reuse
 * changes no verdict. A partial snapshot (deadline, errors) is still a set of calls that were live.
 */
import type { CallStatus } from '@plugin-stuck-tasks/contract';
import type { CallPage, ListCursor, RequestBudget, TwilioGateway } from '../gateway/types';

export const LIVE_CALL_STATUSES: readonly CallStatus[] = ['queued', 'ringing', 'in-progress'];
const CALL_PAGE_SIZE = 1000;

export interface LiveCallSnapshot {
  /** Call SID -> the live status it was listed under. */
  statuses: Map<string, CallStatus>;
  /** `Date.now()` when listing started: every call in the set was live at or after this time. */
  takenAtMs: number;
  /** False when the listing stopped early; the set is then a subset of the live calls. */
  complete: boolean;
}

export async function listLiveCalls(gateway: TwilioGateway, budget: RequestBudget): Promise<LiveCallSnapshot> {
  const takenAtMs = Date.now();
  const statuses = new Map<string, CallStatus>();
  const completeByStatus = await Promise.all(
    LIVE_CALL_STATUSES.map(async (status) => {
      let cursor: ListCursor | null = null;
      try {
        do {
          const page: CallPage = await gateway.listCalls(status, cursor, CALL_PAGE_SIZE, budget);
          for (const call of page.calls) {
            if (!statuses.has(call.sid)) statuses.set(call.sid, status);
          }
          cursor = page.next;
        } while (cursor !== null);
        return true;
      } catch {
        // Whatever was listed is still known to be live; the rest is fetched one by one.
        return false;
      }
    }),
  );
  return { statuses, takenAtMs, complete: completeByStatus.every(Boolean) };
}

/** Shares one snapshot between scans made with the same engine deps (a CLI walk, a warm Function). */
export class LiveCallCache {
  private current: { snapshot: Promise<LiveCallSnapshot>; startedAtMs: number } | null = null;

  /**
   * A snapshot no older than `maxAgeMs`, listing a new one when needed. Concurrent callers share
   * the listing in progress.
   */
  get(gateway: TwilioGateway, maxAgeMs: number, budget: RequestBudget): Promise<LiveCallSnapshot> {
    const now = Date.now();
    if (this.current && now - this.current.startedAtMs < maxAgeMs) return this.current.snapshot;
    const snapshot = listLiveCalls(gateway, budget);
    this.current = { snapshot, startedAtMs: now };
    // A snapshot cut short is not worth keeping for the next scan.
    void snapshot.then((taken) => {
      if (!taken.complete && this.current?.snapshot === snapshot) this.current = null;
    });
    return snapshot;
  }
}
