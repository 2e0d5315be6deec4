import net from 'node:net';

import { PortInUseError } from './loopback';
import { startSimulator } from '../simulator';
import { sandboxScenario, startSandbox } from './sandbox';

async function occupyPort(): Promise<{ port: number; release(): Promise<void> }> {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  return {
    port: (blocker.address() as net.AddressInfo).port,
    release: () => new Promise((resolve) => blocker.close(() => resolve())),
  };
}

describe('startSandbox on a taken port', () => {
  test.each([
    ['host', 'Flex sandbox page'],
    ['functions', 'Functions service (twilio-run)'],
    ['simulator', 'Twilio simulator'],
  ] as const)(
    'the %s port: says which part and what to do, before building or starting anything',
    async (which, purpose) => {
      const taken = await occupyPort();
      const say = jest.fn();
      try {
        const attempt = startSandbox({ ports: { host: 0, functions: 0, simulator: 0, [which]: taken.port }, say });
        await expect(attempt).rejects.toThrow(PortInUseError);
        await expect(attempt).rejects.toThrow(
          `Port ${taken.port} on 127.0.0.1 is already in use, so the ${purpose} cannot start. Stop the program using it`,
        );
        expect(say).not.toHaveBeenCalled();
      } finally {
        await taken.release();
      }
    },
  );
});

describe('sandboxScenario', () => {
  it('seeds around the grace period the oracle and the Functions use: the seeded stuck tasks are stuck', async () => {
    const options = { tasks: 100, graceSeconds: 1800 };
    const sim = await startSimulator({
      seed: 'grace',
      graceSeconds: options.graceSeconds,
      scenario: sandboxScenario(options),
    });
    try {
      const seededStuck = [
        ...sim.listTasks({ kind: 'stuck' }),
        ...sim.listTasks({ kind: 'messaging_stuck' }),
        ...sim.listTasks({ kind: 'messaging_deleted' }),
      ];
      expect(seededStuck.length).toBeGreaterThan(20);
      expect(seededStuck.filter((task) => task.verdict !== 'stuck').map((task) => task.kind)).toEqual([]);
      // And the ones meant to be inside the grace are.
      const settling = [...sim.listTasks({ kind: 'recently_ended' }), ...sim.listTasks({ kind: 'messaging_settling' })];
      expect(settling.length).toBeGreaterThan(0);
      expect(settling.filter((task) => task.verdict !== 'active').map((task) => task.kind)).toEqual([]);
    } finally {
      await sim.stop();
    }
  });

  it("lets a caller's own scenario choose, and seeds messaging only for the default one", () => {
    expect(sandboxScenario({})).toMatchObject({
      graceSeconds: 60,
      openTasks: 300,
      messagingShares: expect.any(Object),
    });
    expect(sandboxScenario({ graceSeconds: 120, scenario: { openTasks: 10, graceSeconds: 90 } })).toEqual({
      graceSeconds: 90,
      openTasks: 10,
    });
  });
});
