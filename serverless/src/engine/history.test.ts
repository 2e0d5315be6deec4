import type { HistoryEntry, HistoryResponse } from '@plugin-stuck-tasks/contract';
import { UpstreamError } from '../gateway/errors';
import { ManualClock, advancingOnAnswers, afterPendingWork } from '../../test/support/manualClock';
import {
  FakeGateway,
  NOW_MS,
  TEST_WORKSPACE_SID,
  makeClosureEvent,
  testSettings,
} from '../../test/support/fakeGateway';
import { formatCloseReason } from './closeReason';
import type { EngineDeps } from './deps';
import { InvalidPageTokenError } from './errors';
import type { HistoryOptions } from './history';
import { MAX_HISTORY_STALLED_CALLS, historyPage } from './history';
import { encodeHistoryToken } from './historyToken';
import { encodePageToken } from './pageToken';

const CLOSE_REASON = testSettings().closeReason;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

function depsFor(gateway: FakeGateway, extra: Partial<EngineDeps> = {}): EngineDeps {
  return { gateway, settings: testSettings(), now: () => NOW_MS, ...extra };
}

/** Every page of the history, as a client following nextPageToken sees them. */
async function walk(deps: EngineDeps, days: number | null, options: HistoryOptions = {}) {
  const pages: HistoryResponse[] = [];
  let token: string | null = null;
  do {
    const page: HistoryResponse = await historyPage(
      deps,
      { days: token === null ? days : null, pageToken: token },
      options,
    );
    pages.push(page);
    token = page.nextPageToken;
  } while (token !== null && pages.length < 1000);
  return { pages, entries: pages.flatMap((page) => page.entries) };
}

function ours(gateway: FakeGateway, outcome: 'canceled' | 'completed', agoMs: number, identity = 'ada'): string {
  const event = makeClosureEvent({ outcome, reason: formatCloseReason(CLOSE_REASON, identity), atMs: NOW_MS - agoMs });
  gateway.events.push(event);
  return event.resource_sid!;
}

function others(gateway: FakeGateway, outcome: 'canceled' | 'completed', agoMs: number): string {
  const event = makeClosureEvent({ outcome, reason: 'hangup', atMs: NOW_MS - agoMs });
  gateway.events.push(event);
  return event.resource_sid!;
}

const sidsOf = (entries: HistoryEntry[]) => entries.map((entry) => entry.taskSid);

describe('historyPage', () => {
  it('lists this service’s closures of both kinds in the window, newest first, others’ left out', async () => {
    const gateway = new FakeGateway();
    const a = ours(gateway, 'canceled', 10 * MINUTE_MS);
    const b = ours(gateway, 'completed', 20 * MINUTE_MS, 'cli:ops');
    others(gateway, 'canceled', 15 * MINUTE_MS);
    others(gateway, 'completed', 5 * MINUTE_MS);
    const c = ours(gateway, 'canceled', 2 * DAY_MS);
    const { pages, entries } = await walk(depsFor(gateway), 7);
    expect(pages).toHaveLength(1);
    expect(pages[0].nextPageToken).toBeNull();
    expect(sidsOf(entries)).toEqual([a, b, c]);
    expect(entries.map((entry) => [entry.outcome, entry.closedBy])).toEqual([
      ['canceled', 'ada'],
      ['completed', 'cli:ops'],
      ['canceled', 'ada'],
    ]);
    expect(gateway.eventQueries.map((q) => q.query)).toEqual([
      {
        eventType: 'task.canceled',
        startDate: new Date(NOW_MS - 7 * DAY_MS).toISOString(),
        endDate: new Date(NOW_MS).toISOString(),
      },
      {
        eventType: 'task.completed',
        startDate: new Date(NOW_MS - 7 * DAY_MS).toISOString(),
        endDate: new Date(NOW_MS).toISOString(),
      },
    ]);
  });

  it('covers 7 days by default and exactly the days asked for: a closure just inside is listed, just outside not', async () => {
    const gateway = new FakeGateway();
    const inside7 = ours(gateway, 'canceled', 7 * DAY_MS - MINUTE_MS);
    ours(gateway, 'canceled', 7 * DAY_MS + MINUTE_MS);
    const inside1 = ours(gateway, 'completed', DAY_MS - MINUTE_MS);
    ours(gateway, 'completed', DAY_MS + MINUTE_MS);
    expect(sidsOf((await walk(depsFor(gateway), null)).entries)).toEqual([inside1, expect.any(String), inside7]);
    expect(sidsOf((await walk(depsFor(gateway), 1)).entries)).toEqual([inside1]);
    expect((await walk(depsFor(gateway), 30)).entries).toHaveLength(4);
  });

  it('merges the two lists across many Twilio pages and answer pages without losing or repeating one', async () => {
    const gateway = new FakeGateway();
    const expected: string[] = [];
    // Interleaved in time, with others' closures between, and ties at the same millisecond.
    for (let i = 0; i < 120; i += 1) {
      const ago = Math.floor(i / 2) * MINUTE_MS + 1000;
      const sid =
        i % 3 === 2
          ? others(gateway, i % 2 ? 'canceled' : 'completed', ago)
          : ours(gateway, i % 2 ? 'canceled' : 'completed', ago);
      if (i % 3 !== 2) expected.push(sid);
    }
    const { pages, entries } = await walk(depsFor(gateway), 7, { pageSize: 7, maxEntries: 9 });
    expect(pages.length).toBeGreaterThan(5);
    expect(pages.slice(0, -1).every((page) => page.entries.length === 9)).toBe(true);
    expect(new Set(sidsOf(entries)).size).toBe(entries.length);
    expect(new Set(sidsOf(entries))).toEqual(new Set(expected));
    const times = entries.map((entry) => Date.parse(entry.closedAt));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    // The same walk with one answer for all of it gives the same entries in the same order.
    expect(sidsOf((await walk(depsFor(gateway), 7, { pageSize: 1000, maxEntries: 1000 })).entries)).toEqual(
      sidsOf(entries),
    );
  });

  it('keeps the window of its first call: closures made since are not mixed into a walk', async () => {
    const gateway = new FakeGateway();
    for (let i = 0; i < 6; i += 1) ours(gateway, 'canceled', (i + 1) * MINUTE_MS);
    let now = NOW_MS;
    const deps = depsFor(gateway, { now: () => now });
    const first = await historyPage(deps, { days: 1, pageToken: null }, { maxEntries: 2, pageSize: 2 });
    now += 10 * MINUTE_MS;
    gateway.events.push(makeClosureEvent({ outcome: 'canceled', reason: `${CLOSE_REASON} Closed by x.`, atMs: now }));
    let token = first.nextPageToken;
    const later: HistoryEntry[] = [];
    while (token !== null) {
      const page = await historyPage(deps, { days: null, pageToken: token }, { maxEntries: 2, pageSize: 2 });
      later.push(...page.entries);
      token = page.nextPageToken;
    }
    expect([...first.entries, ...later]).toHaveLength(6);
  });

  it('refuses tokens it did not issue, tokens of another workspace, and a Days that differs from the token’s', async () => {
    const deps = depsFor(new FakeGateway());
    const scanToken = encodePageToken({ cursor: null, offset: 0, afterSid: null }, TEST_WORKSPACE_SID);
    const position = {
      days: 3,
      startMs: NOW_MS - 3 * DAY_MS,
      endMs: NOW_MS,
      streams: { canceled: { cursor: null, offset: 0 }, completed: null },
    };
    const otherWorkspace = encodeHistoryToken(position, `WS${'9'.repeat(32)}`);
    for (const token of ['nonsense', 'hs1.!!!', `hs1.${Buffer.from('{"w":1}').toString('base64url')}`, scanToken]) {
      await expect(historyPage(deps, { days: null, pageToken: token })).rejects.toBeInstanceOf(InvalidPageTokenError);
    }
    await expect(historyPage(deps, { days: null, pageToken: otherWorkspace })).rejects.toThrow(/another workspace/);
    const token = encodeHistoryToken(position, TEST_WORKSPACE_SID);
    await expect(historyPage(deps, { days: 7, pageToken: token })).rejects.toThrow(/history of 3 days, not 7/);
    await expect(historyPage(deps, { days: 3, pageToken: token })).resolves.toEqual({
      entries: [],
      nextPageToken: null,
    });
  });

  it('answers by its deadline with what it has, and resumes after the last event used', async () => {
    const gateway = new FakeGateway();
    for (let i = 0; i < 30; i += 1) ours(gateway, i % 2 ? 'canceled' : 'completed', (i + 1) * MINUTE_MS);
    const clock = new ManualClock();
    // Each Twilio answer takes 1 s of the test's clock: a 2 s deadline lets one round of two pages in.
    const deps = depsFor(advancingOnAnswers(gateway, clock, 1000), { clock });
    const first = await historyPage(
      deps,
      { days: 7, pageToken: null },
      { deadlineMs: 2500, softBudgetMs: 1000, pageSize: 5 },
    );
    expect(first.entries.length).toBeGreaterThan(0);
    expect(first.entries.length).toBeLessThan(30);
    expect(first.nextPageToken).not.toBeNull();
    const { entries } = await walk(depsFor(gateway), null, {});
    expect(entries).toHaveLength(30);
    let token = first.nextPageToken;
    const rest: HistoryEntry[] = [];
    while (token !== null) {
      const page = await historyPage(depsFor(gateway), { days: null, pageToken: token }, { pageSize: 5 });
      rest.push(...page.entries);
      token = page.nextPageToken;
    }
    expect(sidsOf([...first.entries, ...rest])).toEqual(sidsOf(entries));
  });

  it('a Twilio that never answers in time gives empty pages that resume in place, then a 502 after 3 in a row', async () => {
    const gateway = new FakeGateway();
    ours(gateway, 'canceled', MINUTE_MS);
    const clock = new ManualClock();
    const deps = depsFor(
      advancingOnAnswers(gateway, clock, 0, async () => {
        clock.advance(5000);
        await afterPendingWork();
      }),
      { clock },
    );
    let token: string | null = null;
    for (let call = 1; call < MAX_HISTORY_STALLED_CALLS; call += 1) {
      const page: HistoryResponse = await historyPage(deps, { days: 7, pageToken: token }, { deadlineMs: 2000 });
      expect(page.entries).toEqual([]);
      expect(page.nextPageToken).not.toBeNull();
      token = page.nextPageToken;
    }
    await expect(historyPage(deps, { days: 7, pageToken: token }, { deadlineMs: 2000 })).rejects.toBeInstanceOf(
      UpstreamError,
    );
  });

  it('a refusal from Twilio on the first call is a 502; after progress it only ends the answer early', async () => {
    const gateway = new FakeGateway();
    for (let i = 0; i < 10; i += 1) ours(gateway, 'canceled', (i + 1) * MINUTE_MS);
    gateway.failNext('listEvents', { status: 403, twilioCode: 20003 });
    await expect(historyPage(depsFor(gateway), { days: 7, pageToken: null })).rejects.toMatchObject({ status: 403 });
    const listEvents = gateway.listEvents.bind(gateway);
    let calls = 0;
    gateway.listEvents = (...args) => {
      calls += 1;
      // Both lists' first pages answer; the canceled list's second page is refused.
      if (calls === 3)
        return Promise.reject(new UpstreamError('Twilio answered 500, even after retries', { status: 500 }));
      return listEvents(...args);
    };
    const first = await historyPage(depsFor(gateway), { days: 7, pageToken: null }, { pageSize: 3, maxEntries: 100 });
    expect(sidsOf(first.entries)).toHaveLength(3);
    expect(first.nextPageToken).not.toBeNull();
    const rest = await historyPage(depsFor(gateway), { days: null, pageToken: first.nextPageToken }, { pageSize: 3 });
    expect([...first.entries, ...rest.entries]).toHaveLength(10);
  });
});
