import net from 'node:net';

/** Every sandbox server listens here and nowhere else. */
export const LOOPBACK_HOST = '127.0.0.1';

/** A port another program holds; the message says which part of the sandbox wanted it and what to do. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly purpose: string,
    readonly hint: string,
  ) {
    super(`Port ${port} on ${LOOPBACK_HOST} is already in use, so the ${purpose} cannot start. ${hint}`);
    this.name = 'PortInUseError';
  }
}

/** Listens on loopback; port 0 picks a free port. Resolves with the port actually bound. */
export function listenOnLoopback(server: net.Server, port: number, purpose: string, hint: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, purpose, hint) : error);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, LOOPBACK_HOST);
  });
}

/** Finds a free loopback port (for child processes that need a port number up front). */
export async function freeLoopbackPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK_HOST, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Fails with PortInUseError when something already listens on the port. */
export async function assertPortFree(port: number, purpose: string, hint: string): Promise<void> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, purpose, hint) : error),
    );
    server.listen(port, LOOPBACK_HOST, () => resolve());
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
