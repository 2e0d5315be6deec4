import type { IncomingMessage, ServerResponse } from 'http';
import { authenticated } from './auth';
import type { SimulatorCore } from './core';
import type { RequestKind } from './stats';
import { fetchCall, listCalls } from './endpoints/calls';
import type { ApiAnswer, ApiRequest } from './endpoints/request';
import { listEvents } from './endpoints/events';
import { listReservations } from './endpoints/reservations';
import { fetchTask, listTasks, updateTask } from './endpoints/tasks';
import { validateToken } from './endpoints/tokens';
import { fetchConversation, listConversations } from './endpoints/conversations';
import { fetchInteractionChannel, updateInteractionChannel } from './endpoints/interactions';
import { latency } from './faults';
import { BodyTooLargeError, delay, sendJson, sendTwilioError } from './http';
import type { Route } from './routes';
import { matchRoute } from './routes';
import { HttpError, notFound } from './twilio-errors';

/** Twilio's header on every answer: the account's requests in flight at that moment. */
export const CONCURRENT_REQUESTS_HEADER = 'Twilio-Concurrent-Requests';

/**
 * Serves the Twilio slice. Order per request: count it, throttle above the concurrency limit (429),
 * half the latency, authenticate (401), inject a random 5xx, handle, the other half of the latency.
 */
export async function handleTwilioRequest(
  core: SimulatorCore,
  baseUrl: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', baseUrl);
  const method = req.method ?? 'GET';
  const route = matchRoute(method, url.pathname);
  const kind: RequestKind = route && route !== 'method_not_allowed' ? route.kind : 'unknown';
  const stats = core.stats;
  stats.requests[kind] += 1;
  stats.totalRequests += 1;
  // Every answer says how many requests the account has in flight, as Twilio's do.
  const withLoad = (headers?: Record<string, string>): Record<string, string> => ({
    ...headers,
    [CONCURRENT_REQUESTS_HEADER]: String(core.accountInFlight()),
  });
  const respond = (status: number, body: unknown, headers?: Record<string, string>): void => {
    core.stats.responsesByStatus[status] = (core.stats.responsesByStatus[status] ?? 0) + 1;
    sendJson(res, status, body, withLoad(headers));
  };
  const respondError = (status: number, code: number, message: string, headers?: Record<string, string>): void => {
    core.stats.responsesByStatus[status] = (core.stats.responsesByStatus[status] ?? 0) + 1;
    sendTwilioError(res, status, code, message, withLoad(headers));
  };

  const limit = core.config.concurrencyLimit;
  // The other traffic's requests hold slots of the same limit.
  const overLimit = limit !== null && core.accountInFlight() >= limit;
  // The Interactions API's own limit: requests a second per endpoint (measured in real time).
  const overRate = core.overInteractionsRate(kind);
  if (overRate) stats.rateLimited += 1;
  if (overLimit || overRate || (core.config.throttleRate > 0 && core.faultRng.chance(core.config.throttleRate))) {
    stats.throttled += 1;
    stats.throttledByKind[kind] += 1;
    await delay(latency(core));
    respondError(429, 20429, 'Too Many Requests');
    return;
  }
  stats.inFlight += 1;
  stats.peakConcurrency = Math.max(stats.peakConcurrency, stats.inFlight);
  const total = latency(core);
  try {
    await delay(total / 2);
    if (!authenticated(core, req.headers.authorization)) {
      respondError(401, 20003, 'Authenticate', { 'WWW-Authenticate': 'Basic realm="Twilio API"' });
      return;
    }
    if (core.config.errorRate > 0 && core.faultRng.chance(core.config.errorRate)) {
      core.stats.serverErrors += 1;
      await delay(total / 2);
      const status = core.faultRng.chance(0.5) ? 500 : 503;
      respondError(
        status,
        status === 500 ? 20500 : 20503,
        status === 500 ? 'Internal Server Error' : 'Service Unavailable',
      );
      return;
    }
    let outcome: ApiAnswer;
    try {
      if (route === 'method_not_allowed') throw new HttpError(405, 20004, 'Method not allowed');
      if (!route) throw notFound(url.pathname);
      outcome = await dispatch({ core, baseUrl, url, req }, route);
    } catch (error) {
      if (error instanceof HttpError) {
        outcome = { status: error.status, body: { code: error.code, message: error.message } };
      } else if (error instanceof BodyTooLargeError) {
        outcome = { status: 413, body: { code: 20001, message: error.message } };
      } else {
        throw error;
      }
    }
    await delay(total / 2);
    const body = outcome.body as { code?: unknown; message?: unknown };
    if (outcome.status >= 400 && typeof body.code === 'number') {
      respondError(outcome.status, body.code, String(body.message));
    } else {
      respond(outcome.status, outcome.body, outcome.headers);
    }
  } finally {
    core.advanceOtherTraffic();
    core.stats.inFlight -= 1;
  }
}

/** The endpoint for the route, after the workspace or account in the path is checked. */
async function dispatch(request: ApiRequest, route: Route): Promise<ApiAnswer> {
  const { core, url } = request;
  core.expire();
  const { params } = route;
  if (params.workspace !== undefined && params.workspace !== core.workspaceSid) throw notFound(url.pathname);
  if (params.account !== undefined && params.account !== core.accountSid) throw notFound(url.pathname);
  switch (route.kind) {
    case 'tasks.list':
      return { status: 200, body: listTasks(request) };
    case 'tasks.fetch':
      return fetchTask(request, params.task);
    case 'tasks.update':
      return updateTask(request, params.task);
    case 'reservations.list':
      return { status: 200, body: listReservations(request, params.task) };
    case 'calls.fetch':
      return fetchCall(request, params.call);
    case 'calls.list':
      return { status: 200, body: listCalls(request) };
    case 'events.list':
      return { status: 200, body: listEvents(request) };
    case 'tokens.validate':
      return validateToken(request);
    case 'conversations.fetch':
      return fetchConversation(request, params.conversation);
    case 'conversations.list':
      return { status: 200, body: listConversations(request) };
    case 'interactions.channels.fetch':
      return fetchInteractionChannel(request, params.interaction, params.channel);
    case 'interactions.channels.update':
      return updateInteractionChannel(request, params.interaction, params.channel);
    default:
      throw notFound(url.pathname);
  }
}
