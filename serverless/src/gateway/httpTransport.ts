/**
 * The gateway's HTTP transport: sends one request to Twilio (or to the simulator, `apiBaseUrl`) and
 * answers its status, headers and body, the body parsed when it is JSON. Node's own http/https
 * modules with keep-alive agents; paging, concurrency, retries and ETags stay in the gateway.
 *
 * It replaced twilio-node's `request()`, whose axios path is cold in every fresh Function process
 * (twilio-run forks one per call): the measurements and what was kept are in ./README.md ("Why
 * Node's HTTP client, not twilio-node").
 */
import http from 'http';
import https from 'https';
import type * as HttpsProxyAgentModule from 'https-proxy-agent';

export interface TransportRequest {
  method: 'get' | 'post';
  /** The real Twilio URL (`https://taskrouter.twilio.com/v1/...`); rebased when `apiBaseUrl` is set. */
  uri: string;
  /** Query parameters; arrays repeat the key. */
  params?: object;
  /** Form body parameters (POST); arrays repeat the key. */
  data?: object;
  headers?: Record<string, string>;
  /** The whole request's time limit, ms: past it the request fails as a network error. */
  timeout: number;
}

export interface TransportResponse {
  statusCode: number;
  /** Parsed JSON, or the text when it is not JSON. */
  body: unknown;
  /** Lower-case names. */
  headers: Record<string, unknown>;
}

export type SendRequest = (request: TransportRequest) => Promise<TransportResponse>;

export interface HttpTransportOptions {
  /** Basic auth: the account SID and auth token, or an API key's SID and secret. */
  username: string;
  password: string;
  /** Sandbox and tests: every request goes to this base URL, keeping the real path. */
  apiBaseUrl: string | null;
  /** Sockets per host: at least the gateway's concurrency, so the agent never queues behind it. */
  maxSockets: number;
  /** An HTTP(S) proxy for requests to the real hosts (not used with `apiBaseUrl`). */
  proxyUrl?: string | null;
}

const USER_AGENT = `plugin-stuck-tasks (node/${process.versions.node})`;

/** `https://taskrouter.twilio.com/v1/X?y` on base `http://127.0.0.1:9/prefix` -> `http://127.0.0.1:9/prefix/v1/X?y`. */
export function rebase(uri: string, baseUrl: string): string {
  const url = new URL(uri);
  return `${baseUrl.replace(/\/+$/, '')}${url.pathname}${url.search}`;
}

/** As twilio-node encodes forms and queries (`qs`, RFC 3986): arrays repeat the key, undefined is left out. */
export function encodeForm(values: object | undefined): string {
  if (!values) return '';
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined || item === null) continue;
      pairs.push(`${encodeComponent(key)}=${encodeComponent(String(item))}`);
    }
  }
  return pairs.join('&');
}

function encodeComponent(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

function parseBody(text: string): unknown {
  if (text.length === 0) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** An agent tunnelling through the proxy; loaded only then, most runs (every Function call) never need it. */
function proxyAgent(proxyUrl: string, agentOptions: https.AgentOptions): http.Agent {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { HttpsProxyAgent } = require('https-proxy-agent') as typeof HttpsProxyAgentModule;
  return new HttpsProxyAgent(proxyUrl, agentOptions);
}

export function createHttpTransport(options: HttpTransportOptions): SendRequest {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets, maxTotalSockets: options.maxSockets * 2 };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent: http.Agent =
    options.proxyUrl && !options.apiBaseUrl
      ? proxyAgent(options.proxyUrl, agentOptions)
      : new https.Agent(agentOptions);
  const authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;

  return (request) =>
    new Promise<TransportResponse>((resolve, reject) => {
      const url = new URL(options.apiBaseUrl ? rebase(request.uri, options.apiBaseUrl) : request.uri);
      const query = encodeForm(request.params);
      if (query) url.search = url.search ? `${url.search}&${query}` : `?${query}`;
      const body = request.method === 'post' ? encodeForm(request.data) : null;
      const headers: Record<string, string | number> = {
        Accept: 'application/json',
        'Accept-Charset': 'utf-8',
        'User-Agent': USER_AGENT,
        ...request.headers,
        Authorization: authorization,
      };
      if (body !== null) {
        headers['Content-Type'] = 'application/x-www-form-urlencoded';
        headers['Content-Length'] = Buffer.byteLength(body);
      }
      const secure = url.protocol === 'https:';
      const outgoing = (secure ? https : http).request(url, {
        method: request.method.toUpperCase(),
        headers,
        agent: secure ? httpsAgent : httpAgent,
      });
      // The whole request, not only an idle socket: a slow trickle of an answer must not outlast it.
      const timer = setTimeout(
        () =>
          outgoing.destroy(
            Object.assign(new Error(`timeout of ${request.timeout} ms exceeded`), { code: 'ETIMEDOUT' }),
          ),
        request.timeout,
      );
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      outgoing.on('error', fail);
      outgoing.on('response', (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', fail);
        incoming.on('aborted', () => fail(Object.assign(new Error('the answer was cut off'), { code: 'ECONNRESET' })));
        incoming.on('end', () => {
          clearTimeout(timer);
          resolve({
            statusCode: incoming.statusCode ?? 0,
            body: parseBody(Buffer.concat(chunks).toString('utf8')),
            headers: incoming.headers,
          });
        });
      });
      outgoing.end(body ?? undefined);
    });
}
