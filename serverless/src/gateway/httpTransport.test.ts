import http from 'http';
import type { AddressInfo, Socket } from 'net';
import { createHttpTransport, encodeForm } from './httpTransport';

const CREDENTIALS = { username: `AC${'1'.repeat(32)}`, password: 'secret' };

/** A local server whose answer each test scripts; it records what it received. */
function startServer(answer: (request: http.IncomingMessage, response: http.ServerResponse) => void) {
  const server = http.createServer(answer);
  return new Promise<{ server: http.Server; url: string }>((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    );
  });
}

async function stop(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe('encodeForm', () => {
  it('encodes as twilio-node does: RFC 3986, arrays repeat the key, undefined and null left out', () => {
    expect(
      encodeForm({
        Reason: "Closed (by ann) it's done!*",
        Status: ['queued', 'in-progress'],
        Skipped: undefined,
        Nothing: null,
        PageSize: 50,
      }),
    ).toBe('Reason=Closed%20%28by%20ann%29%20it%27s%20done%21%2A&Status=queued&Status=in-progress&PageSize=50');
    expect(encodeForm(undefined)).toBe('');
  });
});

describe('createHttpTransport', () => {
  it('answers the status, lower-case headers and the parsed JSON body; text that is not JSON stays text', async () => {
    const { server, url } = await startServer((request, response) => {
      if (request.url?.includes('text')) {
        response.writeHead(502, { 'Content-Type': 'text/html' });
        response.end('<html>Bad gateway</html>');
        return;
      }
      response.writeHead(200, { 'Content-Type': 'application/json', 'Twilio-Concurrent-Requests': '7' });
      response.end('{"sid":"WT1"}');
    });
    try {
      const send = createHttpTransport({ ...CREDENTIALS, apiBaseUrl: url, maxSockets: 2 });
      const json = await send({ method: 'get', uri: 'https://taskrouter.twilio.com/v1/x', timeout: 10_000 });
      expect(json).toMatchObject({ statusCode: 200, body: { sid: 'WT1' } });
      expect(json.headers['twilio-concurrent-requests']).toBe('7');
      const text = await send({ method: 'get', uri: 'https://taskrouter.twilio.com/v1/text', timeout: 10_000 });
      expect(text).toMatchObject({ statusCode: 502, body: '<html>Bad gateway</html>' });
    } finally {
      await stop(server);
    }
  });

  it('fails a request whose answer does not finish within its time limit, as a network error', async () => {
    // Headers at once, then a body that never ends: an idle-socket timeout alone would not catch a
    // trickle, the whole-request limit does.
    const { server, url } = await startServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.write('{"sid":');
    });
    try {
      const send = createHttpTransport({ ...CREDENTIALS, apiBaseUrl: url, maxSockets: 1 });
      await expect(
        send({ method: 'get', uri: 'https://api.twilio.com/2010-04-01/y', timeout: 300 }),
      ).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    } finally {
      await stop(server);
    }
  });

  it('goes to the real hosts through the proxy when one is set, and never with a base URL', async () => {
    const tunnels: string[] = [];
    const proxy = http.createServer();
    proxy.on('connect', (request: http.IncomingMessage, socket: Socket) => {
      tunnels.push(request.url ?? '');
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      const send = createHttpTransport({ ...CREDENTIALS, apiBaseUrl: null, maxSockets: 1, proxyUrl });
      // The proxy refuses the tunnel: its answer comes back as the request's.
      await expect(
        send({ method: 'get', uri: 'https://taskrouter.twilio.com/v1/Workspaces', timeout: 10_000 }),
      ).resolves.toMatchObject({ statusCode: 403 });
      expect(tunnels).toEqual(['taskrouter.twilio.com:443']);
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }

    const { server, url } = await startServer((_request, response) => response.end('{}'));
    try {
      const send = createHttpTransport({ ...CREDENTIALS, apiBaseUrl: url, maxSockets: 1, proxyUrl });
      await expect(
        send({ method: 'get', uri: 'https://taskrouter.twilio.com/v1/z', timeout: 10_000 }),
      ).resolves.toMatchObject({ statusCode: 200 });
      expect(tunnels).toHaveLength(1);
    } finally {
      await stop(server);
    }
  });
});
