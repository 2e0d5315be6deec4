import { UpstreamError } from '../gateway/errors';
import { LiveCallCache, listLiveCalls } from './liveCalls';
import { FakeGateway, makeCall } from '../../test/support/fakeGateway';

/** The second page of in-progress calls fails once. */
function failSecondInProgressPage(gateway: FakeGateway) {
  const listCalls = gateway.listCalls.bind(gateway);
  let failed = false;
  gateway.listCalls = async (status, cursor, pageSize, budget) => {
    if (status === 'in-progress' && cursor !== null && !failed) {
      failed = true;
      throw new UpstreamError('Twilio answered 503, even after retries', { status: 503 });
    }
    return listCalls(status, cursor, pageSize, budget);
  };
}

function accountWithCalls(live: number, ended: number) {
  const gateway = new FakeGateway();
  for (let i = 0; i < live; i += 1) gateway.addCall(makeCall({ status: i % 3 === 0 ? 'ringing' : 'in-progress' }));
  for (let i = 0; i < ended; i += 1) gateway.addCall(makeCall({ status: 'completed' }));
  return gateway;
}

describe('live calls', () => {
  it('lists queued, ringing and in-progress calls, every page', async () => {
    const gateway = accountWithCalls(2500, 40);
    const snapshot = await listLiveCalls(gateway, {});
    expect(snapshot.complete).toBe(true);
    expect(snapshot.statuses.size).toBe(2500);
    expect([...snapshot.statuses.values()].filter((status) => status === 'ringing')).toHaveLength(834);
    // in-progress: 2 pages of 1000; ringing: 1; queued: 1.
    expect(gateway.counts.listCalls).toBe(4);
  });

  it('keeps what it listed when a page fails, and says the snapshot is partial', async () => {
    const gateway = accountWithCalls(2500, 0);
    failSecondInProgressPage(gateway);
    const snapshot = await listLiveCalls(gateway, {});
    expect(snapshot.complete).toBe(false);
    // ringing (834) and the first 1000 in-progress calls.
    expect(snapshot.statuses.size).toBe(1834);
  });

  it('reuses a listing while it is young, continuing one that was cut short where it stopped', async () => {
    const gateway = accountWithCalls(2500, 0);
    const cache = new LiveCallCache();
    failSecondInProgressPage(gateway);
    const partial = await cache.get(gateway, 60_000, {});
    expect(partial.complete).toBe(false);
    const requestsSoFar = gateway.counts.listCalls;

    const full = await cache.get(gateway, 60_000, {});
    expect(full.complete).toBe(true);
    expect(full.statuses.size).toBe(2500);
    // Only the status whose page failed is listed again, from the failed page on.
    expect(gateway.counts.listCalls - requestsSoFar).toBe(1);

    await cache.get(gateway, 60_000, {});
    expect(gateway.counts.listCalls - requestsSoFar).toBe(1);
  });

  it('lists again once the listing is older than allowed', async () => {
    const gateway = accountWithCalls(10, 0);
    const cache = new LiveCallCache();
    await cache.get(gateway, 60_000, {});
    const newCall = gateway.addCall(makeCall({ status: 'queued' }));
    expect((await cache.get(gateway, 60_000, {})).statuses.has(newCall.sid)).toBe(false);
    expect((await cache.get(gateway, 0, {})).statuses.has(newCall.sid)).toBe(true);
  });

  it('shares one listing between concurrent scans', async () => {
    const gateway = accountWithCalls(10, 0);
    gateway.latencyMs = 5;
    const cache = new LiveCallCache();
    await Promise.all([cache.get(gateway, 60_000, {}), cache.get(gateway, 60_000, {})]);
    expect(gateway.counts.listCalls).toBe(3);
  });
});
