import type { SimulatorCore } from './core';

/** This request's latency: the configured base, its jitter, and now and then a slow answer. */
export function latency(core: SimulatorCore): number {
  const { latencyMs, latencyJitterMs, slowRate, slowMs } = core.config;
  const jitter = latencyJitterMs > 0 ? (core.faultRng.next() * 2 - 1) * latencyJitterMs : 0;
  const slow = slowRate > 0 && core.faultRng.chance(slowRate) ? slowMs : 0;
  return Math.max(0, latencyMs + jitter) + slow;
}
