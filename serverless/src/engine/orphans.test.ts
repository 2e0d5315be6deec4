import type { OrphanConversationsResponse } from '@plugin-stuck-tasks/contract';
import { UpstreamError } from '../gateway/errors';
import { MAX_CONVERSATIONS_PER_TASK_QUERY } from '../gateway/twilioGateway';
import { ManualClock, advancingOnAnswers, afterPendingWork } from '../../test/support/manualClock';
import { FakeGateway, NOW_MS, makeConversation, makeMessagingTask, testSettings } from '../../test/support/fakeGateway';
import type { EngineDeps } from './deps';
import { InvalidPageTokenError } from './errors';
import { encodeHistoryToken } from './historyToken';
import type { OrphansOptions } from './orphans';
import { MAX_ORPHANS_STALLED_CALLS, orphanConversationsPage } from './orphans';
import { encodeOrphanToken } from './orphanToken';

const HOUR_S = 3600;

function depsFor(gateway: FakeGateway, extra: Partial<EngineDeps> = {}): EngineDeps {
  return { gateway, settings: testSettings(), now: () => NOW_MS, ...extra };
}

function conversation(gateway: FakeGateway, state: 'active' | 'inactive' | 'closed', idleSeconds: number): string {
  const made = makeConversation({ state, date_updated: new Date(NOW_MS - idleSeconds * 1000).toISOString() });
  gateway.conversations.set(made.sid, made);
  return made.sid;
}

/** Every page, as a client following nextPageToken sees them. */
async function walk(deps: EngineDeps, options: OrphansOptions = {}) {
  const pages: OrphanConversationsResponse[] = [];
  let token: string | null = null;
  do {
    const page: OrphanConversationsResponse = await orphanConversationsPage(deps, { pageToken: token }, options);
    pages.push(page);
    token = page.nextPageToken;
  } while (token !== null && pages.length < 1000);
  return { pages, sids: pages.flatMap((page) => page.conversations.map((orphan) => orphan.conversationSid)) };
}

describe('orphanConversationsPage', () => {
  it('lists active then inactive orphans; conversations with an open or wrapping task, recent and closed ones left out', async () => {
    const gateway = new FakeGateway();
    const orphanActive = conversation(gateway, 'active', HOUR_S);
    const orphanInactive = conversation(gateway, 'inactive', 2 * HOUR_S);
    conversation(gateway, 'active', 30);
    conversation(gateway, 'closed', HOUR_S);
    for (const status of ['pending', 'reserved', 'assigned', 'wrapping'] as const) {
      gateway.addTask(
        makeMessagingTask({ assignment_status: status, conversationSid: conversation(gateway, 'active', HOUR_S) }),
      );
    }
    // A closed task no longer holds its conversation.
    gateway.addTask(
      makeMessagingTask({ assignment_status: 'completed', conversationSid: conversation(gateway, 'inactive', HOUR_S) }),
    );
    const { pages, sids } = await walk(depsFor(gateway));
    expect(pages).toHaveLength(1);
    expect(sids.slice(0, 1)).toEqual([orphanActive]);
    expect(sids).toHaveLength(3);
    expect(sids).toContain(orphanInactive);
    expect(pages[0].counts).toEqual({ scanned: 8, recent: 1, withOpenTask: 4, orphaned: 3 });
    expect(pages[0].conversations[0]).toMatchObject({ state: 'active', idleSeconds: HOUR_S });
  });

  it(`asks about at most ${MAX_CONVERSATIONS_PER_TASK_QUERY} conversations per task query, never about recent ones`, async () => {
    const gateway = new FakeGateway();
    for (let i = 0; i < 95; i += 1) conversation(gateway, 'active', HOUR_S);
    const recent = conversation(gateway, 'active', 5);
    const { sids } = await walk(depsFor(gateway));
    expect(sids).toHaveLength(95);
    expect(gateway.conversationTaskQueries.map((batch) => batch.length)).toEqual([20, 20, 20, 20, 15]);
    expect(gateway.conversationTaskQueries.flat()).not.toContain(recent);
  });

  it('fetches a task listed without attributes to read which conversation it names', async () => {
    const gateway = new FakeGateway();
    gateway.nullAttributesInLists = true;
    const held = conversation(gateway, 'active', HOUR_S);
    const orphan = conversation(gateway, 'active', HOUR_S);
    gateway.addTask(makeMessagingTask({ assignment_status: 'assigned', conversationSid: held }));
    const { sids } = await walk(depsFor(gateway));
    expect(sids).toEqual([orphan]);
    expect(gateway.counts.fetchTask).toBe(1);
  });

  it('pages over several answers by whole Twilio pages, every conversation once', async () => {
    const gateway = new FakeGateway();
    const all = new Set<string>();
    for (let i = 0; i < 130; i += 1) all.add(conversation(gateway, i % 4 ? 'active' : 'inactive', HOUR_S + i));
    const { pages, sids } = await walk(depsFor(gateway), { pageSize: 25, maxScanned: 50 });
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.every((page) => page.counts.scanned <= 50)).toBe(true);
    expect(sids.sort()).toEqual([...all].sort());
  });

  it('answers by its deadline with the pages judged, and resumes at the first page not judged', async () => {
    const gateway = new FakeGateway();
    for (let i = 0; i < 60; i += 1) conversation(gateway, 'active', HOUR_S);
    const clock = new ManualClock();
    const slow = depsFor(advancingOnAnswers(gateway, clock, 1000), { clock });
    const first = await orphanConversationsPage(
      slow,
      { pageToken: null },
      { deadlineMs: 3000, softBudgetMs: 1500, pageSize: 10 },
    );
    expect(first.conversations.length).toBeGreaterThan(0);
    expect(first.conversations.length).toBeLessThan(60);
    expect(first.nextPageToken).not.toBeNull();
    const rest = await walk(depsFor(gateway), { pageSize: 10 });
    const resumed: string[] = [];
    let token = first.nextPageToken;
    while (token !== null) {
      const page = await orphanConversationsPage(depsFor(gateway), { pageToken: token }, { pageSize: 10 });
      resumed.push(...page.conversations.map((orphan) => orphan.conversationSid));
      token = page.nextPageToken;
    }
    expect([...first.conversations.map((orphan) => orphan.conversationSid), ...resumed]).toEqual(rest.sids);
  });

  it('a Twilio that never answers in time gives empty pages that resume in place, then a 502 after 3 in a row', async () => {
    const gateway = new FakeGateway();
    conversation(gateway, 'active', HOUR_S);
    const clock = new ManualClock();
    const deps = depsFor(
      advancingOnAnswers(gateway, clock, 0, async () => {
        clock.advance(5000);
        await afterPendingWork();
      }),
      { clock },
    );
    let token: string | null = null;
    for (let call = 1; call < MAX_ORPHANS_STALLED_CALLS; call += 1) {
      const page: OrphanConversationsResponse = await orphanConversationsPage(
        deps,
        { pageToken: token },
        { deadlineMs: 2000 },
      );
      expect(page.conversations).toEqual([]);
      expect(page.nextPageToken).not.toBeNull();
      token = page.nextPageToken;
    }
    await expect(orphanConversationsPage(deps, { pageToken: token }, { deadlineMs: 2000 })).rejects.toBeInstanceOf(
      UpstreamError,
    );
  });

  it('a refusal from Twilio on the first page is a 502', async () => {
    const gateway = new FakeGateway();
    conversation(gateway, 'active', HOUR_S);
    gateway.failNext('listConversations', { status: 403, twilioCode: 20003 });
    await expect(orphanConversationsPage(depsFor(gateway), { pageToken: null })).rejects.toMatchObject({ status: 403 });
  });

  it('refuses tokens it did not issue: garbage, a history token, another workspace’s', async () => {
    const deps = depsFor(new FakeGateway());
    const refused = (pageToken: string) => orphanConversationsPage(deps, { pageToken });
    await expect(refused('garbage')).rejects.toBeInstanceOf(InvalidPageTokenError);
    const history = encodeHistoryToken(
      { days: 7, startMs: 0, endMs: 1, streams: { canceled: null, completed: null } },
      deps.settings.workspaceSid,
    );
    await expect(refused(history)).rejects.toBeInstanceOf(InvalidPageTokenError);
    await expect(
      refused(encodeOrphanToken({ state: 'inactive', cursor: null }, `WS${'c'.repeat(32)}`)),
    ).rejects.toThrow(/another workspace/);
    await expect(
      refused(encodeOrphanToken({ state: 'inactive', cursor: null }, deps.settings.workspaceSid)),
    ).resolves.toMatchObject({
      nextPageToken: null,
    });
  });

  it('with MESSAGING off answers an empty list without asking Twilio, still checking the token', async () => {
    const gateway = new FakeGateway();
    conversation(gateway, 'active', HOUR_S);
    const deps = depsFor(gateway, { settings: testSettings({ messaging: false }) });
    await expect(orphanConversationsPage(deps, { pageToken: null })).resolves.toEqual({
      conversations: [],
      counts: { scanned: 0, withOpenTask: 0, recent: 0, orphaned: 0 },
      nextPageToken: null,
    });
    expect(gateway.counts.listConversations).toBe(0);
    await expect(orphanConversationsPage(deps, { pageToken: 'garbage' })).rejects.toBeInstanceOf(InvalidPageTokenError);
  });
});
