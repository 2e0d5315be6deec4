import { AdaptiveConcurrency, INITIAL_WINDOW, parseConcurrentRequests } from './adaptiveConcurrency';
import type { AnswerSignal } from './adaptiveConcurrency';

/** Controller with a target of 100 − 15 = 85. */
function controller(cap = 50) {
  return new AdaptiveConcurrency({ cap, accountLimit: 100, headroom: 15 });
}

/** One answer to a request sent now, the window fully used. */
function answer(window: AdaptiveConcurrency, signal: Partial<AnswerSignal>): void {
  const sentAt = window.stampSend();
  window.onAnswer({
    status: 200,
    accountInFlight: null,
    sentAt,
    slotsInUse: window.limit(),
    waiting: 1,
    ...signal,
  });
}

/** A controller that has seen the header and grown to its cap with the account nearly idle. */
function grown(cap: number) {
  const window = controller(cap);
  while (window.limit() < cap) answer(window, { accountInFlight: 1 });
  return window;
}

describe('adaptive concurrency', () => {
  it('starts small, then without the header keeps the fixed cap, as before', () => {
    const window = controller(20);
    expect(window.limit()).toBe(INITIAL_WINDOW);
    answer(window, { accountInFlight: null });
    expect(window.limit()).toBe(20);
    for (let i = 0; i < 50; i += 1) answer(window, { status: i % 2 ? 200 : 429, accountInFlight: null });
    expect(window.limit()).toBe(20);
    expect(window.stats()).toEqual({ current: 20, min: INITIAL_WINDOW, max: 20, shrinks: 0, adaptive: false });
  });

  it('a network failure (no answer at all) tells nothing: still probing', () => {
    const window = controller(20);
    answer(window, { status: 0 });
    expect(window.limit()).toBe(INITIAL_WINDOW);
  });

  it('with the header grows from the initial window to the cap, one slot per answer while there is room', () => {
    const window = controller(40);
    answer(window, { accountInFlight: 30 });
    answer(window, { accountInFlight: 31 });
    expect(window.limit()).toBe(INITIAL_WINDOW + 2);
    expect(window.stats()).toMatchObject({
      current: INITIAL_WINDOW + 2,
      min: INITIAL_WINDOW,
      shrinks: 0,
      adaptive: true,
    });
  });

  it('shrinks multiplicatively at once when the account is far above the target, by at most ×0.7', () => {
    const window = grown(40);
    answer(window, { accountInFlight: 130 });
    expect(window.limit()).toBe(28); // 40 × 0.7 (85 / 130 would be 0.65)
    expect(window.stats()).toMatchObject({ shrinks: 1, current: 28, max: 40 });
  });

  it('holds at the target, and a little above it shrinks in proportion to the overshoot', () => {
    const window = grown(50);
    for (let i = 0; i < 20; i += 1) answer(window, { accountInFlight: 85 });
    expect(window.limit()).toBe(50);
    expect(window.stats().shrinks).toBe(0);
    answer(window, { accountInFlight: 90 });
    expect(window.limit()).toBe(47); // 50 × 85 / 90 = 47.2
    expect(window.stats().shrinks).toBe(1);
  });

  it('halves on a 429', () => {
    const window = grown(40);
    answer(window, { status: 429, accountInFlight: null });
    expect(window.limit()).toBe(20);
    expect(window.stats().shrinks).toBe(1);
  });

  it('shrinks once per round: answers to requests sent before the shrink cannot shrink it again', () => {
    const window = grown(40);
    const before = [window.stampSend(), window.stampSend(), window.stampSend()];
    const busy = (sentAt: number): AnswerSignal => ({
      status: 200,
      accountInFlight: 130,
      sentAt,
      slotsInUse: 40,
      waiting: 0,
    });
    for (const sentAt of before) window.onAnswer(busy(sentAt));
    expect(window.limit()).toBe(28);
    window.onAnswer(busy(window.stampSend()));
    expect(window.limit()).toBe(19); // 28 × 0.7 = 19.6
    expect(window.stats().shrinks).toBe(2);
  });

  it('grows again after a shrink, additively', () => {
    const window = grown(40);
    answer(window, { status: 429 }); // 20
    answer(window, { accountInFlight: 30 });
    answer(window, { accountInFlight: 31 });
    expect(window.limit()).toBe(22);
    expect(window.stats()).toMatchObject({ current: 22, max: 40, shrinks: 1 });
  });

  it('grows more slowly near the target: never by more than the room reported', () => {
    const window = grown(40);
    answer(window, { status: 429 }); // 20
    for (let i = 0; i < 10; i += 1) answer(window, { accountInFlight: 84 }); // room 1: +1/20 each
    expect(window.limit()).toBe(20);
    for (let i = 0; i < 12; i += 1) answer(window, { accountInFlight: 84 });
    expect(window.limit()).toBe(21);
  });

  it('does not grow a window it is not using', () => {
    const window = controller(40);
    for (let i = 0; i < 10; i += 1) answer(window, { accountInFlight: 10, slotsInUse: 5, waiting: 0 });
    expect(window.limit()).toBe(INITIAL_WINDOW);
  });

  it('never grows above the cap', () => {
    const window = controller(10);
    for (let i = 0; i < 100; i += 1) answer(window, { accountInFlight: 5 });
    expect(window.limit()).toBe(10);
    expect(window.stats().max).toBe(10);
  });

  it('never starts above a small cap', () => {
    expect(controller(3).limit()).toBe(3);
  });

  it('with the cap at the account limit (the default), starts and stays blind at the target, never the cap', () => {
    const tiny = new AdaptiveConcurrency({ cap: 3, accountLimit: 3, headroom: 1 });
    expect(tiny.limit()).toBe(2);
    const blind = new AdaptiveConcurrency({ cap: 100, accountLimit: 100, headroom: 15 });
    answer(blind, { accountInFlight: null });
    expect(blind.limit()).toBe(85);
  });

  it('goes past the target on its own count while Twilio counts fewer (answers Twilio sent, not yet read), and comes back when Twilio counts more', () => {
    const window = new AdaptiveConcurrency({ cap: 100, accountLimit: 100, headroom: 15 });
    // Twilio counts 80 of the gateway's 90 slots: ten answers are on their way back.
    for (let i = 0; i < 5000 && window.limit() < 90; i += 1) answer(window, { accountInFlight: 80 });
    expect(window.limit()).toBeGreaterThanOrEqual(90);
    answer(window, { accountInFlight: 95 });
    expect(window.limit()).toBeLessThan(85);
  });

  it('never shrinks below one request', () => {
    const window = controller(10);
    for (let i = 0; i < 20; i += 1) answer(window, { status: 429, accountInFlight: 100 });
    expect(window.limit()).toBe(1);
    expect(window.stats()).toMatchObject({ min: 1, shrinks: 20 });
  });

  it('two gateways seeing the same account total settle on shares that together stay at the target', () => {
    const a = controller(80);
    const b = controller(80);
    // A tiny model of one account: each round both gateways send their windows; answers come back
    // one by one, each reporting the account's total at that moment (both windows and 20 requests of
    // other traffic).
    let worst = 0;
    for (let round = 0; round < 200; round += 1) {
      const sent = [a, b].map((window) => Array.from({ length: window.limit() }, () => window.stampSend()));
      for (let i = 0; i < 80; i += 1) {
        [a, b].forEach((window, which) => {
          const sentAt = sent[which][i];
          if (sentAt === undefined) return;
          const total = a.limit() + b.limit() + 20;
          if (round > 50) worst = Math.max(worst, total);
          window.onAnswer({ status: 200, accountInFlight: total, sentAt, slotsInUse: window.limit(), waiting: 1 });
        });
      }
    }
    expect(worst).toBeLessThanOrEqual(85 + 2);
    expect(Math.abs(a.limit() - b.limit())).toBeLessThanOrEqual(20);
    expect(a.limit() + b.limit()).toBeGreaterThanOrEqual(30);
  });

  it('refuses a headroom that leaves nothing, and nonsense numbers', () => {
    expect(() => new AdaptiveConcurrency({ cap: 10, accountLimit: 100, headroom: 100 })).toThrow(/headroom/);
    expect(() => new AdaptiveConcurrency({ cap: 0, accountLimit: 100, headroom: 10 })).toThrow(/cap/);
    expect(() => new AdaptiveConcurrency({ cap: 10, accountLimit: 1.5, headroom: 0 })).toThrow(/accountLimit/);
  });

  it('reads the header as a whole count only', () => {
    expect(parseConcurrentRequests('42')).toBe(42);
    expect(parseConcurrentRequests(' 7 ')).toBe(7);
    expect(parseConcurrentRequests(3)).toBe(3);
    expect(parseConcurrentRequests('')).toBeNull();
    expect(parseConcurrentRequests('4.5')).toBeNull();
    expect(parseConcurrentRequests('-1')).toBeNull();
    expect(parseConcurrentRequests(undefined)).toBeNull();
  });
});
