import { timingSafeEqual } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';
import { ControlError } from './control-error';
import type { SimulatorCore } from './core';
import type { OracleVerdict } from './oracle';
import type { RuntimeOptions } from './runtime-options';
import type { AddCallInput, AddMessagingTaskInput, AddTaskInput } from './views';
import type { AddClosureInput } from './history';
import type { SandboxUserName } from './defaults';
import { CONTROL_SECRET_HEADER, SANDBOX_USERS } from './defaults';
import { BodyTooLargeError, isLoopback, readBody, sendJson as sendAnyJson } from './http';
import type { AssignmentStatus, CallStatus, ConversationState, InteractionChannelStatus, TaskKind } from './model';
import type { ScenarioOptions } from './scenario';

export const CONTROL_PREFIX = '/_sim';

/** Control answers carry no CORS headers: no other origin may read them. */
function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendAnyJson(res, status, body, { 'Cache-Control': 'no-store' }, { cors: false });
}

function sameSecret(given: string | string[] | undefined, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Who may use the control API. It can mint admin tokens and change every task, so being on loopback
 * is not enough: any web page open in the developer's browser can send requests to 127.0.0.1. Allowed:
 * - a request carrying the per-run secret in `X-Sim-Control-Secret` (the tests, the bench, the
 *   sandbox, which get it from the in-process Simulator or its parent process; a page cannot add
 *   that header to another origin without a CORS preflight, which is refused);
 * - a same-origin request (`Origin` is the simulator itself), or a GET the user typed or bookmarked
 *   (`Sec-Fetch-Site: none`, which a page cannot forge), so the state link printed by `npm start`
 *   opens in a browser. Every GET only reads.
 */
function mayControl(req: IncomingMessage, baseUrl: string, secret: string): boolean {
  if (sameSecret(req.headers[CONTROL_SECRET_HEADER.toLowerCase()], secret)) return true;
  const origin = req.headers.origin;
  if (origin !== undefined) return origin === baseUrl;
  return req.method === 'GET' && req.headers['sec-fetch-site'] === 'none';
}

type Handler = (input: { match: string[]; url: URL; body: Record<string, unknown> }) => unknown | Promise<unknown>;

/**
 * The control plane over HTTP: JSON in and out, loopback only, and only with the per-run secret
 * (see mayControl). Every route mirrors an in-process method of the Simulator (see README.md in
 * this folder).
 */
export async function handleControlRequest(
  core: SimulatorCore,
  baseUrl: string,
  secret: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (!isLoopback(req.socket.remoteAddress)) {
    sendJson(res, 403, { error: { status: 403, message: 'The simulator control API only answers loopback clients' } });
    return;
  }
  if (req.method === 'OPTIONS' || !mayControl(req, baseUrl, secret)) {
    // A browser preflight gets no CORS headers, so the page's request is never sent.
    sendJson(res, 403, {
      error: {
        status: 403,
        message: `The simulator control API needs the ${CONTROL_SECRET_HEADER} header (Simulator.controlSecret); other origins are refused`,
      },
    });
    return;
  }
  const url = new URL(req.url ?? '/', baseUrl);
  const path = url.pathname.slice(CONTROL_PREFIX.length) || '/';
  const routes = controlRoutes(core);
  try {
    let pathMatched = false;
    for (const route of routes) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== req.method) continue;
      const body = req.method === 'GET' || req.method === 'DELETE' ? {} : await readJson(req);
      const result = await route.handler({ match: match.slice(1), url, body });
      sendJson(res, 200, result);
      return;
    }
    if (pathMatched) throw new ControlError(405, `${req.method} is not allowed on ${url.pathname}`);
    throw new ControlError(404, `No control endpoint ${req.method} ${url.pathname}; see GET ${CONTROL_PREFIX}/`);
  } catch (error) {
    if (error instanceof ControlError) {
      sendJson(res, error.status, { error: { status: error.status, message: error.message } });
    } else if (error instanceof BodyTooLargeError || error instanceof SyntaxError) {
      sendJson(res, 400, { error: { status: 400, message: error.message } });
    } else {
      throw error;
    }
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req);
  if (raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new SyntaxError('Control request body must be JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new SyntaxError('Control request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ControlError(400, `${key} must be a string`);
  return value;
}

function optionalNumber(body: Record<string, unknown>, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ControlError(400, `${key} must be a number`);
  return value;
}

function listParam(url: URL, key: string): string[] {
  return url.searchParams
    .getAll(key)
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean);
}

function controlRoutes(core: SimulatorCore): { method: string; pattern: RegExp; handler: Handler }[] {
  const sidPart = '([A-Za-z0-9]+)';
  return [
    {
      method: 'GET',
      pattern: /^\/?$/,
      handler: () => ({
        endpoints: [
          'GET /_sim/state',
          'GET /_sim/tasks?status=&verdict=&kind=',
          'POST /_sim/tasks',
          'GET /_sim/tasks/{WT}',
          'POST /_sim/tasks/{WT}/reserve|accept|wrap|close|delete|touch|attributes',
          'POST /_sim/tasks/{WT}/legs/{role}/end|revive',
          'DELETE /_sim/tasks/{WT}',
          'GET /_sim/calls?status=',
          'POST /_sim/calls',
          'GET /_sim/calls/{CA}',
          'POST /_sim/calls/{CA}/end|revive',
          'POST /_sim/messaging-tasks',
          'GET /_sim/conversations/{CH}',
          'POST /_sim/conversations/{CH}/state',
          'DELETE /_sim/conversations/{CH}',
          'GET /_sim/interaction-channels/{UO}',
          'POST /_sim/interaction-channels/{UO}/status',
          'GET /_sim/channel-updates?since=',
          'GET /_sim/updates?since=',
          'GET /_sim/call-fetches?since=',
          'GET /_sim/events?type=',
          'POST /_sim/events/closures',
          'GET /_sim/stats',
          'POST /_sim/stats/reset',
          'GET /_sim/config',
          'POST /_sim/configure',
          'POST /_sim/reset',
          'POST /_sim/tokens',
          'GET /_sim/users',
          'POST /_sim/users/{admin|supervisor|agent}/token',
        ],
      }),
    },
    { method: 'GET', pattern: /^\/state\/?$/, handler: () => core.summary() },
    {
      method: 'GET',
      pattern: /^\/events\/?$/,
      handler: ({ url }) => ({ events: core.listEvents({ type: url.searchParams.get('type') ?? undefined }) }),
    },
    {
      method: 'POST',
      pattern: /^\/events\/closures\/?$/,
      handler: ({ body }) => core.addClosureEvent(body as unknown as AddClosureInput),
    },
    {
      method: 'GET',
      pattern: /^\/tasks\/?$/,
      handler: ({ url }) => ({
        tasks: core.listTasks({
          status: listParam(url, 'status') as AssignmentStatus[],
          verdict: (url.searchParams.get('verdict') ?? undefined) as OracleVerdict | undefined,
          kind: (url.searchParams.get('kind') ?? undefined) as TaskKind | undefined,
        }),
      }),
    },
    { method: 'POST', pattern: /^\/tasks\/?$/, handler: ({ body }) => core.addTask(body as AddTaskInput) },
    {
      method: 'GET',
      pattern: new RegExp(`^/tasks/${sidPart}/?$`),
      handler: ({ match }) => {
        const task = core.getTask(match[0]);
        if (!task) throw new ControlError(404, `No task ${match[0]}`);
        return task;
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/tasks/${sidPart}/reserve$`),
      handler: ({ match, body }) => core.reserveTask(match[0], optionalString(body, 'workerSid')),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/tasks/${sidPart}/accept$`),
      handler: ({ match, body }) => core.acceptTask(match[0], optionalString(body, 'workerSid')),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/tasks/${sidPart}/wrap$`),
      handler: ({ match, body }) => core.wrapTask(match[0], optionalNumber(body, 'wrappedSecondsAgo')),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/tasks/${sidPart}/touch$`),
      handler: ({ match, body }) => core.touchTask(match[0], optionalNumber(body, 'updatedSecondsAgo')),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/tasks/${sidPart}/attributes$`),
      handler: ({ match, body }) => {
        const attributes = optionalString(body, 'attributes');
        if (attributes === undefined) throw new ControlError(400, 'attributes is required (a string)');
        return core.setTaskAttributes(match[0], attributes);
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/tasks/${sidPart}/legs/([A-Za-z0-9_.-]+)/end$`),
      handler: ({ match, body }) => {
        const ago = optionalNumber(body, 'endedSecondsAgo');
        return core.endLeg(
          match[0],
          match[1],
          (optionalString(body, 'status') ?? 'completed') as CallStatus,
          ago === undefined ? undefined : core.now() - ago * 1000,
        );
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/tasks/${sidPart}/legs/([A-Za-z0-9_.-]+)/revive$`),
      handler: ({ match, body }) =>
        core.reviveLeg(match[0], match[1], (optionalString(body, 'status') ?? 'in-progress') as CallStatus),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/tasks/${sidPart}/close$`),
      handler: ({ match, body }) =>
        core.closeTask(
          match[0],
          optionalString(body, 'status') as 'completed' | 'canceled' | undefined,
          optionalString(body, 'reason'),
        ),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/tasks/${sidPart}/delete$`),
      handler: ({ match }) => ({ deleted: core.deleteTask(match[0]) }),
    },
    {
      method: 'DELETE',
      pattern: new RegExp(`^/tasks/${sidPart}/?$`),
      handler: ({ match }) => ({ deleted: core.deleteTask(match[0]) }),
    },
    {
      method: 'GET',
      pattern: /^\/calls\/?$/,
      handler: ({ url }) => ({ calls: core.listCalls({ status: listParam(url, 'status') as CallStatus[] }) }),
    },
    { method: 'POST', pattern: /^\/calls\/?$/, handler: ({ body }) => core.addCall(body as unknown as AddCallInput) },
    {
      method: 'GET',
      pattern: new RegExp(`^/calls/${sidPart}/?$`),
      handler: ({ match }) => {
        const call = core.getCall(match[0]);
        if (!call) throw new ControlError(404, `No call ${match[0]}`);
        return call;
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/calls/${sidPart}/end$`),
      handler: ({ match, body }) => {
        const ago = optionalNumber(body, 'endedSecondsAgo');
        return core.endCall(
          match[0],
          (optionalString(body, 'status') ?? 'completed') as CallStatus,
          ago === undefined ? undefined : core.now() - ago * 1000,
        );
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/calls/${sidPart}/revive$`),
      handler: ({ match, body }) =>
        core.reviveCall(match[0], (optionalString(body, 'status') ?? 'in-progress') as CallStatus),
    },
    {
      method: 'POST',
      pattern: /^\/messaging-tasks\/?$/,
      handler: ({ body }) => core.addMessagingTask(body as AddMessagingTaskInput),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/conversations/${sidPart}/?$`),
      handler: ({ match }) => {
        const conversation = core.getConversation(match[0]);
        if (!conversation) throw new ControlError(404, `No conversation ${match[0]}`);
        return conversation;
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/conversations/${sidPart}/state$`),
      handler: ({ match, body }) => {
        const state = optionalString(body, 'state');
        if (state === undefined) throw new ControlError(400, 'state is required (a string)');
        core.setConversationState(match[0], state as ConversationState, optionalNumber(body, 'closedSecondsAgo'));
        return core.getConversation(match[0]);
      },
    },
    {
      method: 'DELETE',
      pattern: new RegExp(`^/conversations/${sidPart}/?$`),
      handler: ({ match }) => ({ deleted: core.deleteConversation(match[0]) }),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/interaction-channels/${sidPart}/?$`),
      handler: ({ match }) => {
        const channel = core.getInteractionChannel(match[0]);
        if (!channel) throw new ControlError(404, `No interaction channel ${match[0]}`);
        return channel;
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/interaction-channels/${sidPart}/status$`),
      handler: ({ match, body }) => {
        const status = optionalString(body, 'status');
        if (status === undefined) throw new ControlError(400, 'status is required (a string)');
        core.setInteractionChannelStatus(match[0], status as InteractionChannelStatus);
        return core.getInteractionChannel(match[0]);
      },
    },
    {
      method: 'GET',
      pattern: /^\/channel-updates\/?$/,
      handler: ({ url }) => ({ updates: core.channelUpdateLog(Number(url.searchParams.get('since') ?? 0) || 0) }),
    },
    {
      method: 'GET',
      pattern: /^\/updates\/?$/,
      handler: ({ url }) => ({ updates: core.updateLog(Number(url.searchParams.get('since') ?? 0) || 0) }),
    },
    {
      method: 'GET',
      pattern: /^\/call-fetches\/?$/,
      handler: ({ url }) => ({ fetches: core.callFetchLog(Number(url.searchParams.get('since') ?? 0) || 0) }),
    },
    { method: 'GET', pattern: /^\/stats\/?$/, handler: () => core.currentStats() },
    {
      method: 'POST',
      pattern: /^\/stats\/reset$/,
      handler: () => {
        core.resetStats();
        return core.stats;
      },
    },
    { method: 'GET', pattern: /^\/config\/?$/, handler: () => core.config },
    {
      method: 'POST',
      pattern: /^\/configure\/?$/,
      handler: ({ body }) => core.configure(body as Partial<RuntimeOptions>),
    },
    {
      method: 'POST',
      pattern: /^\/reset\/?$/,
      handler: ({ body }) => {
        const seed = body.seed;
        if (seed !== undefined && typeof seed !== 'string' && typeof seed !== 'number') {
          throw new ControlError(400, 'seed must be a string or a number');
        }
        const scenario = body.scenario;
        if (scenario !== undefined && (typeof scenario !== 'object' || scenario === null)) {
          throw new ControlError(400, 'scenario must be an object');
        }
        try {
          return core.reset(seed, scenario as ScenarioOptions | undefined);
        } catch (error) {
          if (error instanceof ControlError) throw error;
          throw new ControlError(400, (error as Error).message);
        }
      },
    },
    {
      method: 'POST',
      pattern: /^\/tokens\/?$/,
      handler: ({ body }) => {
        const identity = optionalString(body, 'identity');
        const roles = body.roles;
        if (!identity) throw new ControlError(400, 'identity is required');
        if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
          throw new ControlError(400, 'roles must be an array of strings');
        }
        return {
          token: core.issueToken({
            identity,
            roles: roles as string[],
            workerSid: optionalString(body, 'workerSid'),
            realmUserId: optionalString(body, 'realmUserId'),
            ttlSeconds: optionalNumber(body, 'ttlSeconds'),
          }),
        };
      },
    },
    {
      method: 'GET',
      pattern: /^\/users\/?$/,
      handler: () => ({
        users: Object.entries(SANDBOX_USERS).map(([name, user]) => ({ name, ...user })),
      }),
    },
    {
      method: 'POST',
      pattern: /^\/users\/([a-z]+)\/token$/,
      handler: ({ match, body }) => {
        const name = match[0] as SandboxUserName;
        const token = core.issueSandboxToken(name, optionalNumber(body, 'ttlSeconds'));
        return { token, user: { name, ...SANDBOX_USERS[name] } };
      },
    },
  ];
}
