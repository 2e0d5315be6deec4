import type {
  Context,
  ServerlessCallback,
  ServerlessEventObject,
  ServerlessFunctionSignature,
} from '@twilio-labs/serverless-runtime-types/types';
import type { z } from 'zod';
import { PARALLEL_CLOSE_CALLS } from '@plugin-stuck-tasks/contract';
import type { EngineDeps } from '../engine';
import { createEngineDeps, InvalidPageTokenError, UpstreamError } from '../engine';
import type { FlexCaller } from '../auth/flexToken';
import { authorise, validateFlexToken } from '../auth/flexToken';
import type { Settings } from '../settings';
import { loadSettings, SettingsError } from '../settings';
import { INTERACTIONS_REQUESTS_PER_SECOND } from '../gateway/twilioGateway';
import { ApiError, badRequest, internal, upstream } from './errors';
import { parseParams } from './params';
import { checkBody, readIncomingRequest, readToken } from './request';
import type { RuntimeResponse } from './response';
import { errorResponse, jsonResponse } from './response';

/** The service's environment variables, which the Runtime spreads onto the handler's context. */
export type ServiceEnvironment = { [name: string]: string | undefined };
/** The request's parameters (form or JSON body, and the query string), plus `request` headers and cookies. */
export type EndpointEvent = ServerlessEventObject<Record<string, unknown>, Record<string, string | undefined>>;
/** A Twilio Function handler, typed as Twilio's serverless tooling types it. */
export type EndpointHandler = ServerlessFunctionSignature<ServiceEnvironment, EndpointEvent>;
export type { Context, ServerlessCallback };

export interface EndpointCall<Params> {
  params: Params;
  caller: FlexCaller;
  settings: Settings;
  engine: EngineDeps;
  /**
   * What is left of `budgetMs` counted from when the Runtime called the handler (token validation
   * included), never less than a second: the engine's deadline for this call.
   */
  remainingMs(budgetMs: number): number;
}

const MIN_ENGINE_DEADLINE_MS = 1000;

/**
 * Engine dependencies kept for the life of a warm Function container, so that consecutive scan calls
 * share the live-call list (a call seen live less than the grace period ago cannot be stuck yet, so a
 * list that young is as good as a fresh one) and the gateway's connections. New settings, new deps.
 */
let warmEngine: { key: string; deps: EngineDeps } | null = null;

function engineFor(settings: Settings): EngineDeps {
  const key = JSON.stringify(settings);
  if (warmEngine?.key !== key) {
    // The plugin keeps PARALLEL_CLOSE_CALLS close calls in flight, each with its own gateway: each
    // takes its share of Twilio's per-account Interactions rate, so together they stay within it.
    const gateway = { interactionsPerSecond: INTERACTIONS_REQUESTS_PER_SECOND / PARALLEL_CLOSE_CALLS };
    warmEngine = { key, deps: createEngineDeps(settings, { log: logLine, gateway }) };
  }
  return warmEngine.deps;
}

/** One structured line per entry, which is what Twilio's Function logs keep best. */
export function logLine(entry: Record<string, unknown>): void {
  console.log(JSON.stringify(entry));
}

/**
 * Wraps an endpoint in what all of them share: the settings, the body checks, the Flex token and
 * the role (on every call, server-side), the parameters, the engine, and one JSON answer with CORS
 * headers. Checks run in this order, so a request gets the first of: 500 (service misconfigured),
 * 400 (`checkBody`: a parameter named `request`, compressed, no body, too large, no or another
 * Content-Type, too deep or too many values, parameters from the URL), 401 (token), 403 (role),
 * 400 (parameters). Nothing before the token check calls Twilio.
 *
 * `callback` is called exactly once, after everything the endpoint started has settled: the
 * Runtime freezes the function as soon as it is called, and an update still in flight would be lost.
 */
export function defineEndpoint<Schema extends z.ZodTypeAny>(
  name: string,
  paramsSchema: Schema,
  run: (call: EndpointCall<z.output<Schema>>) => Promise<object>,
): EndpointHandler {
  return (context, event, callback) => {
    const startedAt = Date.now();
    answer(name, paramsSchema, run, context, event ?? {}, startedAt).then(
      (response) => callback(null, response),
      (error: unknown) => callback(error instanceof Error ? error : String(error)),
    );
  };
}

async function answer<Schema extends z.ZodTypeAny>(
  name: string,
  paramsSchema: Schema,
  run: (call: EndpointCall<z.output<Schema>>) => Promise<object>,
  context: Context<ServiceEnvironment>,
  event: Record<string, unknown>,
  startedAt: number,
): Promise<RuntimeResponse> {
  try {
    const settings = loadSettings(environmentOf(context));
    const request = readIncomingRequest(event);
    checkBody(request);
    const token = readToken(request.fields);
    const caller = await validateFlexToken(token, settings);
    authorise(caller, settings.allowedRoles);
    const params = parseParams(paramsSchema, request.fields);
    const engine = engineFor(settings);
    const remainingMs = (budgetMs: number): number =>
      Math.max(MIN_ENGINE_DEADLINE_MS, budgetMs - (Date.now() - startedAt));
    return jsonResponse(200, await run({ params, caller, settings, engine, remainingMs }));
  } catch (error) {
    const apiError = toApiError(error);
    if (apiError.status >= 500) {
      logLine({
        level: 'error',
        endpoint: name,
        status: apiError.status,
        code: apiError.code,
        message: error instanceof Error ? error.message : String(error),
        ...(apiError.code === 'internal' && error instanceof Error && !(error instanceof SettingsError)
          ? { stack: error.stack }
          : {}),
      });
    }
    return errorResponse(apiError);
  }
}

/**
 * The string-valued entries of the context are the environment variables. Accessors are skipped
 * unread: the local runtime's SERVICE_SID/ENVIRONMENT_SID getters print a warning when read.
 */
function environmentOf(context: Context<ServiceEnvironment>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(context ?? {}))) {
    if (typeof descriptor.value === 'string') env[key] = descriptor.value;
  }
  return env;
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof SettingsError) {
    return internal('The stuck-tasks service is misconfigured: its settings are invalid (see the Function logs).');
  }
  if (error instanceof InvalidPageTokenError) return badRequest(error.message);
  if (error instanceof UpstreamError) return upstream(error.message);
  return internal('Unexpected error in the stuck-tasks service (see the Function logs).');
}
