import net from 'node:net';

import { PortInUseError } from './loopback';
import { startSandbox } from './sandbox';

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
