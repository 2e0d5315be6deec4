import http from 'http';
import RequestClient from 'twilio/lib/base/RequestClient';

export interface HttpClientOptions {
  /** Most sockets per host: at least the gateway's concurrency, so the agent never queues behind it. */
  maxSockets: number;
  /** Socket and default request timeout in milliseconds. */
  timeoutMs: number;
}

/**
 * Sends every request to `baseUrl` (the Twilio simulator) instead of the host in the URL, keeping the
 * path and query. URLs are still built on the real Twilio hosts, so production and sandbox share
 * every line of request code; only this class differs.
 */
export class BaseUrlRequestClient extends RequestClient {
  constructor(
    private readonly baseUrl: string,
    options: HttpClientOptions,
  ) {
    super({ keepAlive: true, timeout: options.timeoutMs, maxSockets: options.maxSockets });
    // The parent only configures an https agent; the simulator speaks plain http on loopback.
    this.axios.defaults.httpAgent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    return super.request({ ...opts, uri: rebase(opts.uri, this.baseUrl) });
  }
}

/** `https://taskrouter.twilio.com/v1/X?y` on base `http://127.0.0.1:9/prefix` -> `http://127.0.0.1:9/prefix/v1/X?y`. */
export function rebase(uri: string, baseUrl: string): string {
  const url = new URL(uri);
  return `${baseUrl.replace(/\/+$/, '')}${url.pathname}${url.search}`;
}

export function createHttpClient(apiBaseUrl: string | null, options: HttpClientOptions): RequestClient {
  if (apiBaseUrl) return new BaseUrlRequestClient(apiBaseUrl, options);
  return new RequestClient({
    keepAlive: true,
    timeout: options.timeoutMs,
    maxSockets: options.maxSockets,
    maxTotalSockets: options.maxSockets * 2,
  });
}
