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
import { LIVE_CALL_STATUSES } from '@plugin-stuck-tasks/contract';
import type { CallStatus } from '@plugin-stuck-tasks/contract';
import type { CallPage, ListCursor, RequestBudget, TwilioGateway } from '../gateway/types';

const CALL_PAGE_SIZE = 1000;

export interface LiveCallSnapshot {
  /** Call SID -> the live status it was listed under. */
  statuses: Map<string, CallStatus>;
  /** `Date.now()` when listing started: every call in the set was live at or after this time. */
  takenAtMs: number;
  /** False when the listing stopped early; the set is then a subset of the live calls. */
  complete: boolean;
}

/** A listing that may stop (deadline, errors) and continue later from where each status got to. */
interface LiveCallListing {
  statuses: Map<string, CallStatus>;
  takenAtMs: number;
  /** Statuses not fully listed yet, with the page to continue from (null = the first). */
  remaining: Map<CallStatus, ListCursor | null>;
}

function startListing(): LiveCallListing {
  return {
    statuses: new Map(),
    takenAtMs: Date.now(),
    remaining: new Map(LIVE_CALL_STATUSES.map((status) => [status, null])),
  };
}

async function continueListing(
  gateway: TwilioGateway,
  listing: LiveCallListing,
  budget: RequestBudget,
): Promise<LiveCallSnapshot> {
  await Promise.all(
    [...listing.remaining.keys()].map(async (status) => {
      try {
        let cursor = listing.remaining.get(status) ?? null;
        do {
          const page: CallPage = await gateway.listCalls(status, cursor, CALL_PAGE_SIZE, budget);
          for (const call of page.calls) {
            if (!listing.statuses.has(call.sid)) listing.statuses.set(call.sid, status);
          }
          cursor = page.next;
          listing.remaining.set(status, cursor);
        } while (cursor !== null);
        listing.remaining.delete(status);
      } catch {
        // Whatever was listed is still known to be live; the rest is fetched one by one.
      }
    }),
  );
  return { statuses: listing.statuses, takenAtMs: listing.takenAtMs, complete: listing.remaining.size === 0 };
}

/** The live calls, as far as they can be listed within the budget. */
export function listLiveCalls(gateway: TwilioGateway, budget: RequestBudget): Promise<LiveCallSnapshot> {
  return continueListing(gateway, startListing(), budget);
}

/**
 * Shares one listing between the scans made with the same engine deps (a CLI walk, a warm Function):
 * reused while younger than `maxAgeMs`; a listing cut short continues where it stopped on the next
 * scan instead of starting over, so even a very large account is listed once.
 */
export class LiveCallCache {
  private listing: LiveCallListing | null = null;
  private inProgress: Promise<LiveCallSnapshot> | null = null;

  get(gateway: TwilioGateway, maxAgeMs: number, budget: RequestBudget): Promise<LiveCallSnapshot> {
    if (this.listing === null || Date.now() - this.listing.takenAtMs >= maxAgeMs) {
      this.listing = startListing();
      this.inProgress = null;
    }
    const listing = this.listing;
    if (listing.remaining.size === 0) {
      return Promise.resolve({ statuses: listing.statuses, takenAtMs: listing.takenAtMs, complete: true });
    }
    // Concurrent scans share the listing in progress.
    if (this.inProgress === null) {
      const inProgress = continueListing(gateway, listing, budget);
      this.inProgress = inProgress;
      void inProgress.then(() => {
        if (this.inProgress === inProgress) this.inProgress = null;
      });
    }
    return this.inProgress;
  }
}
