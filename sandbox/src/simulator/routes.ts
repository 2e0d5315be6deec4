import type { RequestKind } from './stats';

/** Which Twilio request a method and path are: the paths of the real hosts this product calls. */
export interface Route {
  kind: RequestKind;
  method: string;
  params: Record<string, string>;
}

const SID = '([A-Za-z0-9]+)';
const ROUTES: { kind: RequestKind; method: string; pattern: RegExp; names: string[] }[] = [
  { kind: 'tasks.list', method: 'GET', pattern: new RegExp(`^/v1/Workspaces/${SID}/Tasks/?$`), names: ['workspace'] },
  {
    kind: 'reservations.list',
    method: 'GET',
    pattern: new RegExp(`^/v1/Workspaces/${SID}/Tasks/${SID}/Reservations/?$`),
    names: ['workspace', 'task'],
  },
  {
    kind: 'tasks.fetch',
    method: 'GET',
    pattern: new RegExp(`^/v1/Workspaces/${SID}/Tasks/${SID}/?$`),
    names: ['workspace', 'task'],
  },
  {
    kind: 'tasks.update',
    method: 'POST',
    pattern: new RegExp(`^/v1/Workspaces/${SID}/Tasks/${SID}/?$`),
    names: ['workspace', 'task'],
  },
  { kind: 'events.list', method: 'GET', pattern: new RegExp(`^/v1/Workspaces/${SID}/Events/?$`), names: ['workspace'] },
  {
    kind: 'calls.list',
    method: 'GET',
    pattern: new RegExp(`^/2010-04-01/Accounts/${SID}/Calls\\.json$`),
    names: ['account'],
  },
  {
    kind: 'calls.fetch',
    method: 'GET',
    pattern: new RegExp(`^/2010-04-01/Accounts/${SID}/Calls/${SID}\\.json$`),
    names: ['account', 'call'],
  },
  { kind: 'conversations.list', method: 'GET', pattern: /^\/v1\/Conversations\/?$/, names: [] },
  {
    kind: 'conversations.fetch',
    method: 'GET',
    pattern: new RegExp(`^/v1/Conversations/${SID}/?$`),
    names: ['conversation'],
  },
  {
    kind: 'interactions.channels.fetch',
    method: 'GET',
    pattern: new RegExp(`^/v1/Interactions/${SID}/Channels/${SID}/?$`),
    names: ['interaction', 'channel'],
  },
  {
    kind: 'interactions.channels.update',
    method: 'POST',
    pattern: new RegExp(`^/v1/Interactions/${SID}/Channels/${SID}/?$`),
    names: ['interaction', 'channel'],
  },
  {
    kind: 'tokens.validate',
    method: 'POST',
    pattern: new RegExp(`^/v1/Accounts/${SID}/Tokens/validate/?$`),
    names: ['account'],
  },
];

export function matchRoute(method: string, path: string): Route | 'method_not_allowed' | null {
  let pathMatched = false;
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => (params[name] = match[i + 1]));
    return { kind: route.kind, method, params };
  }
  return pathMatched ? 'method_not_allowed' : null;
}
