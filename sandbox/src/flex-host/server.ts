import { promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { URL } from 'node:url';

import { LOOPBACK_HOST, listenOnLoopback } from '../start/loopback';
import type { HostSession } from './session';
import { SANDBOX_USERS, findSandboxUser } from './users';

export interface FlexHostOptions {
  /** 0 (default) = a free port. */
  port?: number;
  /** The built plugin (`build/plugin-stuck-tasks.js`); read on every request, so a rebuild shows on reload. */
  pluginBundlePath: string;
  /** The page's script: the real Flex UI and the host code, bundled for the browser (see pageBundle.ts). */
  pageScriptPath: string;
  /** Base URL of the Functions service (twilio-run). */
  functionsUrl: string;
  accountSid: string;
  /** Issues a Flex token the Functions accept (the simulator's `issueToken`). */
  issueToken(user: {
    identity: string;
    roles: string[];
    workerSid?: string;
    realmUserId?: string;
    ttlSeconds?: number;
  }): string;
  /** What the plugin reads from `manager.serviceConfiguration.ui_attributes`. */
  uiAttributes: Record<string, unknown>;
  /** Hint printed when the port is taken. */
  portHint?: string;
}

export interface FlexHost {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Long enough for a demo session; Flex itself refreshes tokens, the sandbox reissues them per page load. */
const TOKEN_TTL_SECONDS = 8 * 60 * 60;

const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width,initial-scale=1">
  <title>Twilio Flex · offline sandbox</title>
  <style>body, #container { width: 100vw; height: 100vh; margin: 0; display: flex; font-family: sans-serif; }</style>
</head>
<body>
  <div id="container">Loading Twilio Flex (offline sandbox)…</div>
  <script src="/_host/flex-page.js"></script>
</body>
</html>
`;

/**
 * Serves the sandbox page: the real Flex UI with the host code (one script), the real plugin bundle,
 * and a session endpoint that signs a sandbox user in with a token from the simulator.
 */
export async function startFlexHost(options: FlexHostOptions): Promise<FlexHost> {
  const pluginFile = path.basename(options.pluginBundlePath);
  const pluginName = pluginFile.replace(/\.js$/, '');
  const functionsOrigin = new URL(options.functionsUrl).origin;
  // Only this machine: Paste's web fonts, Flex's asset host (country lists, flags), its sounds and
  // anything else remote are refused before a request is made.
  const contentSecurityPolicy = [
    "default-src 'self'",
    // Flex compiles its string templates with Handlebars, which builds functions at runtime.
    "script-src 'self' 'unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ${functionsOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

  const session = (userKey: string | null): HostSession | null => {
    const user = userKey ? findSandboxUser(userKey) : SANDBOX_USERS[0];
    if (!user) return null;
    const token = options.issueToken({
      identity: user.identity,
      roles: user.roles,
      workerSid: user.workerSid,
      realmUserId: user.realmUserId,
      ttlSeconds: TOKEN_TTL_SECONDS,
    });
    return {
      user: { ...user, token, tokenExpiresAt: new Date(Date.now() + TOKEN_TTL_SECONDS * 1000).toISOString() },
      users: [...SANDBOX_USERS],
      serviceConfiguration: { account_sid: options.accountSid, ui_attributes: options.uiAttributes },
      plugins: [{ name: pluginName, version: 'sandbox', src: `/plugins/${pluginFile}` }],
      functionsUrl: options.functionsUrl,
    };
  };

  const send = (
    response: http.ServerResponse,
    status: number,
    type: string,
    body: string | Buffer,
    headers: http.OutgoingHttpHeaders = {},
  ) => {
    response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers });
    response.end(body);
  };

  // 18 MB: the browser keeps it and revalidates (304) instead of fetching it on every user switch.
  const sendPageScript = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    const stat = await fs.stat(options.pageScriptPath).catch(() => null);
    if (!stat) {
      send(response, 404, 'text/plain; charset=utf-8', `${options.pageScriptPath} is missing: run npm start.`);
      return;
    }
    const etag = `"${stat.size.toString(36)}-${Math.round(stat.mtimeMs).toString(36)}"`;
    const headers = { ETag: etag, 'Cache-Control': 'no-cache' };
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, headers);
      response.end();
      return;
    }
    send(response, 200, 'text/javascript; charset=utf-8', await fs.readFile(options.pageScriptPath), headers);
  };

  const handle = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', `http://${LOOPBACK_HOST}`);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, 405, 'text/plain; charset=utf-8', 'Method not allowed', { Allow: 'GET, HEAD' });
      return;
    }
    if (url.pathname === '/_host/flex-page.js') {
      await sendPageScript(request, response);
      return;
    }
    if (url.pathname === '/_host/session') {
      const answer = session(url.searchParams.get('user'));
      if (!answer) {
        const known = SANDBOX_USERS.map((user) => user.key).join(', ');
        send(response, 400, 'text/plain; charset=utf-8', `Unknown sandbox user; use one of: ${known}`);
        return;
      }
      send(response, 200, 'application/json', JSON.stringify(answer));
      return;
    }
    if (url.pathname === `/plugins/${pluginFile}` || url.pathname === `/plugins/${pluginFile}.map`) {
      const file = url.pathname.endsWith('.map') ? `${options.pluginBundlePath}.map` : options.pluginBundlePath;
      try {
        const type = file.endsWith('.map') ? 'application/json' : 'text/javascript; charset=utf-8';
        send(response, 200, type, await fs.readFile(file));
      } catch {
        send(response, 404, 'text/plain; charset=utf-8', `${file} is missing: build the plugin (npm run build).`);
      }
      return;
    }
    if (url.pathname === '/favicon.ico') {
      send(response, 204, 'image/x-icon', '');
      return;
    }
    if (url.pathname.startsWith('/_host/') || url.pathname.startsWith('/plugins/')) {
      send(response, 404, 'text/plain; charset=utf-8', 'Not found');
      return;
    }
    // Every other path is a Flex view route (/agent-desktop, /<plugin view>).
    send(response, 200, 'text/html; charset=utf-8', INDEX_HTML, { 'Content-Security-Policy': contentSecurityPolicy });
  };

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error('flex host:', error);
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', String(error));
      else response.end();
    });
  });
  const port = await listenOnLoopback(
    server,
    options.port ?? 0,
    'Flex sandbox page',
    options.portHint ?? 'Choose another port.',
  );
  return {
    url: `http://${LOOPBACK_HOST}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
