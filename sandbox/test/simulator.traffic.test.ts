import type { ValidateFunction } from 'ajv';
import type { Simulator } from '../src/simulator';
import { CONCURRENT_REQUESTS_HEADER, startSimulator } from '../src/simulator';
import { OtherTraffic } from '../src/simulator/other-traffic';
import type { OtherTrafficOptions } from '../src/simulator/other-traffic';
import { callsPath, control, tasksPath, twilio } from './simulator-client';
import type { Reply } from './simulator-client';
import { describeErrors, loadTwilioSchemas } from './twilio-openapi';
import type { TwilioSchemas } from './twilio-openapi';

const steady = (mean: number, swing = 0): OtherTrafficOptions => ({ mean, swing, periodMs: 10_000, latencyMs: 100 });

function concurrent(reply: Reply): number {
  const value = reply.headers.get(CONCURRENT_REQUESTS_HEADER);
  expect(value).toMatch(/^\d+$/);
  return Number(value);
}

/**
 * Polls until `check` holds: our own requests are real HTTP with real latency. The 30 s limit is a wide
 * margin for a busy machine, not an expectation of speed.
 */
async function until(check: () => boolean): Promise<void> {
  const giveUpAt = Date.now() + 30_000;
  while (!check() && Date.now() < giveUpAt) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
}

describe('other traffic (the model, on its own clock)', () => {
  it('swings between mean − swing and mean + swing', () => {
    const options = { ...steady(50, 20), periodMs: 1000 };
    expect(OtherTraffic.demand(options, 0)).toBeCloseTo(50);
    expect(OtherTraffic.demand(options, 250)).toBeCloseTo(70);
    expect(OtherTraffic.demand(options, 750)).toBeCloseTo(30);
    expect(OtherTraffic.demand(steady(0), 250)).toBe(0);
  });

  it('holds its demand in flight once its first requests have had time to end (Little’s law)', () => {
    const traffic = new OtherTraffic(0);
    for (let now = 0; now <= 1000; now += 7) traffic.advance(now, steady(50), 0, null);
    expect(traffic.inFlight).toBeGreaterThanOrEqual(49);
    expect(traffic.inFlight).toBeLessThanOrEqual(51);
    // 50 in flight, 100 ms each: 0.5 a millisecond.
    expect(traffic.stats().requests).toBeGreaterThanOrEqual(495);
    expect(traffic.stats().requests).toBeLessThanOrEqual(501);
    expect(traffic.stats().throttled).toBe(0);
  });

  it('the same arrivals whatever the steps the clock takes', () => {
    const fine = new OtherTraffic(0);
    const coarse = new OtherTraffic(0);
    for (let now = 0; now <= 2000; now += 1) fine.advance(now, steady(40, 10), 0, null);
    coarse.advance(0, steady(40, 10), 0, null);
    coarse.advance(2000, steady(40, 10), 0, null);
    expect(coarse.stats()).toEqual(fine.stats());
  });

  it('is refused with 429 when the account is full, and counts it', () => {
    const traffic = new OtherTraffic(0);
    // Limit 60, this tool holds 20: room for 40 of its 50.
    for (let now = 0; now <= 1000; now += 1) traffic.advance(now, steady(50), 20, 60);
    expect(traffic.inFlight).toBe(40);
    expect(traffic.stats().peakInFlight).toBe(40);
    // Once full, a fifth of its 0.5 arrivals a millisecond are refused: about 0.1 a ms after ~80 ms.
    expect(traffic.stats().throttled).toBeGreaterThan(80);
    expect(traffic.stats().throttled).toBeLessThan(120);
    traffic.resetCounts();
    expect(traffic.stats()).toEqual({ requests: 0, throttled: 0, inFlight: 40, peakInFlight: 40 });
  });
});

describe('the simulator with other traffic', () => {
  let sim: Simulator;
  let now = 1_800_000_000_000;
  let schemas: TwilioSchemas;

  beforeAll(async () => {
    schemas = loadTwilioSchemas();
    sim = await startSimulator({ seed: 'traffic', scenario: { openTasks: 20 }, clock: () => now });
  });
  afterAll(() => sim.stop());
  afterEach(() => {
    sim.configure({ otherTrafficMean: 0, otherTrafficSwing: 0, concurrencyLimit: null, latencyMs: 0 });
    now += 60_000; // every earlier request of the other traffic has ended
    sim.advanceOtherTraffic();
    sim.resetStats();
  });

  function expectValid(validate: ValidateFunction, body: unknown): void {
    if (!validate(body)) {
      throw new Error(`Response does not match the spec: ${describeErrors(validate)}\n${JSON.stringify(body)}`);
    }
  }

  it('sends Twilio-Concurrent-Requests on every answer, this request included, alone on the account', async () => {
    const list = await twilio(sim, 'GET', `${tasksPath(sim)}?PageSize=5`);
    expect(list.status).toBe(200);
    expect(concurrent(list)).toBe(1);
    const missing = await twilio(sim, 'GET', tasksPath(sim, `/WT${'0'.repeat(32)}`));
    expect(missing.status).toBe(404);
    expect(concurrent(missing)).toBe(1);
    const unauthorised = await twilio(sim, 'GET', callsPath(sim), { auth: ['nobody', 'nothing'] });
    expect(unauthorised.status).toBe(401);
    expect(concurrent(unauthorised)).toBe(1);
  });

  it('counts the other traffic in the header, and its requests in the stats', async () => {
    sim.configure({ otherTrafficMean: 30, otherTrafficLatencyMs: 100 });
    sim.advanceOtherTraffic();
    now += 1000;
    const reply = await twilio(sim, 'GET', `${tasksPath(sim)}?PageSize=5`);
    expect(reply.status).toBe(200);
    expectValid(schemas.taskList, reply.body);
    expect(concurrent(reply)).toBeGreaterThanOrEqual(30);
    expect(concurrent(reply)).toBeLessThanOrEqual(32);
    const { otherTraffic } = sim.stats();
    expect(otherTraffic.inFlight).toBeGreaterThanOrEqual(29);
    expect(otherTraffic.requests).toBeGreaterThanOrEqual(290);
    expect(otherTraffic.throttled).toBe(0);
  });

  it('refuses this tool with 429 when the other traffic fills the account, the header saying so', async () => {
    sim.configure({ otherTrafficMean: 50, concurrencyLimit: 50 });
    sim.advanceOtherTraffic();
    now += 1000;
    const reply = await twilio(sim, 'GET', tasksPath(sim));
    expect(reply.status).toBe(429);
    expectValid(schemas.error, reply.body);
    expect(concurrent(reply)).toBe(50);
  });

  it('refuses the other traffic with 429 while this tool fills the account, and counts it (control API too)', async () => {
    // Each of our requests is held 5 s (real time), a wide margin for all ten to be in flight together
    // on a busy machine.
    sim.configure({ latencyMs: 5_000, concurrencyLimit: 40, otherTrafficMean: 36 });
    sim.advanceOtherTraffic();
    const held = Promise.all(Array.from({ length: 10 }, () => twilio(sim, 'GET', tasksPath(sim))));
    await until(() => sim.stats().inFlight === 10);
    now += 1000; // the other traffic wants 36 but finds room for 30
    sim.advanceOtherTraffic();
    const replies = await held;
    expect(replies.map((reply) => reply.status)).toEqual(Array(10).fill(200));
    for (const reply of replies) expect(concurrent(reply)).toBeGreaterThanOrEqual(10);
    const { otherTraffic } = sim.stats();
    expect(otherTraffic.peakInFlight).toBe(30);
    expect(otherTraffic.throttled).toBeGreaterThan(0);
    const viaControl = await control<{ otherTraffic: { throttled: number; requests: number } }>(sim, 'GET', '/stats');
    expect(viaControl.body.otherTraffic.throttled).toBe(otherTraffic.throttled);
    expect(viaControl.body.otherTraffic.requests).toBe(otherTraffic.requests);
  }, 60_000);

  it('validates its knobs', () => {
    expect(() => sim.configure({ otherTrafficMean: 10, otherTrafficSwing: 20 })).toThrow(/otherTrafficSwing/);
    expect(() => sim.configure({ otherTrafficMean: -1 })).toThrow(/otherTrafficMean/);
  });
});
