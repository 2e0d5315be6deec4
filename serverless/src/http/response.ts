import type { ResponseConstructor, TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import type { ApiError } from './errors';

/** The Runtime's `Twilio.Response`, as Twilio's serverless tooling types it. */
export type RuntimeResponse = TwilioResponse;

type RuntimeResponseConstructor = ResponseConstructor;

/**
 * The Runtime (deployed and `twilio-run start`) installs `Twilio.Response` as a global before it
 * calls a handler; it is looked up at call time because the bundle is loaded first.
 */
function runtimeResponseConstructor(): RuntimeResponseConstructor {
  const runtime = (globalThis as { Twilio?: { Response?: RuntimeResponseConstructor } }).Twilio;
  if (!runtime?.Response) {
    throw new Error('Twilio.Response is not available: this code must run inside the Twilio Functions runtime.');
  }
  return runtime.Response;
}

/**
 * CORS headers on every answer: Flex calls the Functions from its own origin. The Runtime answers
 * the OPTIONS preflight itself (the handler never sees the HTTP method), with the same allowances.
 */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'OPTIONS, POST',
  'Access-Control-Allow-Headers': 'Content-Type',
};

export function jsonResponse(status: number, body: object): RuntimeResponse {
  const Response = runtimeResponseConstructor();
  const response = new Response();
  response.setStatusCode(status);
  for (const [name, value] of Object.entries(CORS_HEADERS)) {
    response.appendHeader(name, value);
  }
  // The body is an object: the Runtime serialises it because of this content type.
  response.appendHeader('Content-Type', 'application/json');
  response.appendHeader('Cache-Control', 'no-store');
  response.setBody(body);
  return response;
}

export function errorResponse(error: ApiError): RuntimeResponse {
  return jsonResponse(error.status, { error: { code: error.code, message: error.message } });
}
