import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { PortInUseError } from '../start/loopback';
import { startFlexHost, type FlexHost, type FlexHostOptions } from './server';
import type { HostSession } from './session';

const FUNCTIONS_URL = 'http://127.0.0.1:45999';
let workDir: string;
let host: FlexHost | null = null;
let issued: Parameters<FlexHostOptions['issueToken']>[0][];

async function start(overrides: Partial<FlexHostOptions> = {}): Promise<FlexHost> {
  host = await startFlexHost({
    pluginBundlePath: path.join(workDir, 'plugin-stuck-tasks.js'),
    pageScriptPath: path.join(workDir, 'flex-page.js'),
    functionsUrl: FUNCTIONS_URL,
    accountSid: 'AC' + '0'.repeat(32),
    issueToken: (user) => {
      issued.push(user);
      return `token-for-${user.identity}`;
    },
    uiAttributes: { stuck_tasks: { service_url: FUNCTIONS_URL } },
    ...overrides,
  });
  return host;
}

beforeEach(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'flex-host-test-'));
  await fs.writeFile(path.join(workDir, 'plugin-stuck-tasks.js'), 'Twilio.Flex.Plugins.init(class {});');
  // Stands in for the 18 MB bundle of the real Flex UI (built by pageBundle.ts; the browser tests load it).
  await fs.writeFile(path.join(workDir, 'flex-page.js'), 'window.flexPage = true;');
  issued = [];
});

afterEach(async () => {
  await host?.stop();
  host = null;
  await fs.rm(workDir, { recursive: true, force: true });
});

describe('Flex sandbox page server', () => {
  test('serves the page for any view path, locked to this machine by its CSP', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/stuck-tasks?user=admin`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<script src="/_host/flex-page.js"></script>');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`connect-src 'self' ${FUNCTIONS_URL}`);
    expect(csp).toContain("font-src 'self' data:");
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
  });

  test('signs each sandbox user in with a token issued for their identity and roles', async () => {
    const { url } = await start();
    const session = (await (await fetch(`${url}/_host/session?user=supervisor`)).json()) as HostSession;
    expect(session.user).toMatchObject({ key: 'supervisor', roles: ['supervisor'], fullName: 'Sam Supervisor' });
    expect(session.user.permissions).toMatchObject({ agentDesktopView: true, readAdmin: false });
    expect(session.user.token).toBe(`token-for-${session.user.identity}`);
    expect(issued).toEqual([
      expect.objectContaining({
        identity: session.user.identity,
        roles: ['supervisor'],
        workerSid: session.user.workerSid,
      }),
    ]);
    expect(session.users.map((user) => user.key)).toEqual(['admin', 'supervisor', 'agent']);
    expect(session.serviceConfiguration.ui_attributes).toEqual({ stuck_tasks: { service_url: FUNCTIONS_URL } });
    expect(session.plugins).toEqual([
      { name: 'plugin-stuck-tasks', version: 'sandbox', src: '/plugins/plugin-stuck-tasks.js' },
    ]);
  });

  test('an unknown user gets a clear refusal naming the known ones', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/_host/session?user=root`);
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('Unknown sandbox user; use one of: admin, supervisor, agent');
  });

  test('serves the plugin bundle as built, and says how to build it when it is missing', async () => {
    const { url } = await start();
    const bundle = await fetch(`${url}/plugins/plugin-stuck-tasks.js`);
    expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await bundle.text()).toBe('Twilio.Flex.Plugins.init(class {});');

    await fs.rm(path.join(workDir, 'plugin-stuck-tasks.js'));
    const missing = await fetch(`${url}/plugins/plugin-stuck-tasks.js`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('build the plugin (npm run build)');
  });

  test('serves the page script for the browser to keep, revalidated by its ETag', async () => {
    const { url } = await start();
    const first = await fetch(`${url}/_host/flex-page.js`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    expect(await first.text()).toBe('window.flexPage = true;');
    const etag = first.headers.get('etag') ?? '';
    expect(etag).not.toBe('');

    const again = await fetch(`${url}/_host/flex-page.js`, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);

    // A rebuilt bundle (npm start rebuilds it when Flex or the page's sources change) is fetched anew.
    await fs.writeFile(path.join(workDir, 'flex-page.js'), 'window.flexPage = 2;');
    await fs.utimes(path.join(workDir, 'flex-page.js'), new Date(), new Date(Date.now() + 60_000));
    const rebuilt = await fetch(`${url}/_host/flex-page.js`, { headers: { 'If-None-Match': etag } });
    expect(rebuilt.status).toBe(200);
    expect(await rebuilt.text()).toBe('window.flexPage = 2;');
  });

  test('refuses other methods', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/`, { method: 'POST' });
    expect(response.status).toBe(405);
  });

  test('a busy port is reported as such', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await expect(start({ port, portHint: 'Use --port.' })).rejects.toThrow(
        new PortInUseError(port, 'Flex sandbox page', 'Use --port.'),
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
