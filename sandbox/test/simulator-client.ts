import type { Simulator } from '../src/simulator';

export interface Reply<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

function basicAuth(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
}

/** Plain HTTP against the simulator, authenticated like twilio-node unless `auth: null`. */
export async function twilio<T = Record<string, unknown>>(
  sim: Simulator,
  method: 'GET' | 'POST' | 'DELETE',
  pathOrUrl: string,
  options: {
    form?: Record<string, string>;
    json?: unknown;
    headers?: Record<string, string>;
    auth?: [string, string] | null;
  } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  const auth = options.auth === undefined ? [sim.accountSid, sim.authToken] : options.auth;
  if (auth) headers.Authorization = basicAuth(auth[0], auth[1]);
  let body: string | undefined;
  if (options.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  } else if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${sim.url}${pathOrUrl}`;
  const response = await fetch(url, { method, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as T };
}

export async function control<T = Record<string, unknown>>(
  sim: Simulator,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  json?: unknown,
): Promise<Reply<T>> {
  return twilio<T>(sim, method, `/_sim${path}`, { json, auth: null, headers: { ...sim.controlHeaders } });
}

export function tasksPath(sim: Simulator, suffix = ''): string {
  return `/v1/Workspaces/${sim.workspaceSid}/Tasks${suffix}`;
}

export function callsPath(sim: Simulator, suffix = '.json'): string {
  return `/2010-04-01/Accounts/${sim.accountSid}/Calls${suffix}`;
}

export function eventsPath(sim: Simulator, query = ''): string {
  return `/v1/Workspaces/${sim.workspaceSid}/Events${query}`;
}
