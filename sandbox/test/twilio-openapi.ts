import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'fs';
import path from 'path';

/**
 * Validators for Twilio's OpenAPI 3.0 response schemas, read from Twilio's own descriptions in
 * `../shared/twilio-oai/` beside the repository (TWILIO_OAI_DIR overrides; see its SOURCE.md). The spec lists no `required` fields, so an empty object would pass; Twilio
 * does send every field (null when unset), so the conversion makes every declared property
 * required and forbids undeclared ones. OpenAPI `nullable` is handled by ajv's own keyword.
 */

const SPEC_DIR = process.env.TWILIO_OAI_DIR ?? path.resolve(__dirname, '../../../shared/twilio-oai');

type Json = Record<string, unknown>;

function loadSpec(file: string): Json {
  return JSON.parse(readFileSync(path.join(SPEC_DIR, file), 'utf8')) as Json;
}

function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema as Json)) {
    if (key === 'description' || key === 'examples' || key === 'example' || key === 'x-twilio') continue;
    if (key === '$ref' && typeof value === 'string') {
      out.$ref = value.replace('#/components/schemas/', '#/definitions/');
      continue;
    }
    out[key] = key === 'properties' ? mapValues(value as Json, strict) : strict(value);
  }
  if (out.format === 'uri-map') {
    // An object of link names to URLs; ajv formats only apply to strings.
    delete out.format;
    out.additionalProperties = { type: 'string', format: 'uri' };
  }
  if (out.nullable === true && out.type === undefined && out.$ref === undefined && out.properties === undefined) {
    // An untyped field (the Event's `event_data`, the Conversations `timers` and `bindings`, Flex's
    // `routing`): any JSON value, null included, which ajv only lets `nullable` say next to a type.
    delete out.nullable;
  }
  if (out.properties && typeof out.properties === 'object') {
    out.type = out.type ?? 'object';
    out.required = Object.keys(out.properties as Json);
    out.additionalProperties = false;
  }
  return out;
}

function mapValues(object: Json, fn: (value: unknown) => unknown): Json {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, fn(value)]));
}

function responseSchema(spec: Json, pathKey: string, method: string): unknown {
  const paths = spec.paths as Record<string, Record<string, Json>>;
  const operation = paths[pathKey]?.[method];
  if (!operation) throw new Error(`No ${method} ${pathKey} in the spec`);
  const content = (operation.responses as Record<string, Json>)['200'].content as Record<string, Json>;
  return content['application/json'].schema;
}

function createAjv(): Ajv {
  const ajv = new Ajv({ strict: true, allErrors: true });
  addFormats(ajv);
  ajv.addFormat(
    'date-time-rfc-2822',
    /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/,
  );
  // Twilio's own API 2010 examples put relative paths (`/2010-04-01/…`) in `format: uri` fields.
  ajv.addFormat('uri', /^(https?:\/\/[^\s/$.?#][^\s]*|\/[^\s]*)$/);
  ajv.addFormat('currency', /^[A-Z]{3}$/);
  ajv.addFormat('phone-number', true);
  return ajv;
}

export interface TwilioSchemas {
  task: ValidateFunction;
  taskList: ValidateFunction;
  reservationList: ValidateFunction;
  call: ValidateFunction;
  callList: ValidateFunction;
  eventList: ValidateFunction;
  error: ValidateFunction;
  /** `conversations.v1.conversation` (conversations.twilio.com). */
  conversation: ValidateFunction;
  /** `ListConversationResponse`: a page of the conversations list. */
  conversationList: ValidateFunction;
  /** `flex.v1.interaction.interaction_channel` (flex-api.twilio.com), fetch and update alike. */
  interactionChannel: ValidateFunction;
  /** Property names the spec declares for each resource. */
  fields: {
    task: string[];
    reservation: string[];
    call: string[];
    event: string[];
    conversation: string[];
    interactionChannel: string[];
  };
}

export function loadTwilioSchemas(): TwilioSchemas {
  const taskrouter = loadSpec('twilio_taskrouter_v1.json');
  const api = loadSpec('twilio_api_v2010.json');
  const conversations = loadSpec('twilio_conversations_v1.json');
  const flex = loadSpec('twilio_flex_v1.json');
  const ajv = createAjv();
  const compile = (spec: Json, schema: unknown): ValidateFunction => {
    const components = (spec.components as Json).schemas as Json;
    return ajv.compile({ ...(strict(schema) as Json), definitions: mapValues(components, strict) });
  };
  const schemaOf = (spec: Json, name: string): Json => ((spec.components as Json).schemas as Json)[name] as Json;
  const propertyNames = (spec: Json, name: string): string[] => Object.keys(schemaOf(spec, name).properties as Json);
  return {
    task: compile(taskrouter, { $ref: '#/components/schemas/taskrouter.v1.workspace.task' }),
    taskList: compile(taskrouter, responseSchema(taskrouter, '/v1/Workspaces/{WorkspaceSid}/Tasks', 'get')),
    reservationList: compile(
      taskrouter,
      responseSchema(taskrouter, '/v1/Workspaces/{WorkspaceSid}/Tasks/{TaskSid}/Reservations', 'get'),
    ),
    call: compile(api, { $ref: '#/components/schemas/api.v2010.account.call' }),
    callList: compile(api, responseSchema(api, '/2010-04-01/Accounts/{AccountSid}/Calls.json', 'get')),
    eventList: compile(taskrouter, responseSchema(taskrouter, '/v1/Workspaces/{WorkspaceSid}/Events', 'get')),
    conversation: compile(conversations, responseSchema(conversations, '/v1/Conversations/{Sid}', 'get')),
    conversationList: compile(conversations, responseSchema(conversations, '/v1/Conversations', 'get')),
    interactionChannel: compile(flex, responseSchema(flex, '/v1/Interactions/{InteractionSid}/Channels/{Sid}', 'post')),
    // The specs describe no error body; this is Twilio's documented shape.
    error: ajv.compile({
      type: 'object',
      properties: {
        code: { type: 'integer', minimum: 20000 },
        message: { type: 'string', minLength: 1 },
        more_info: { type: 'string', format: 'uri', pattern: '^https://www\\.twilio\\.com/docs/errors/\\d+$' },
        status: { type: 'integer', minimum: 400, maximum: 599 },
      },
      required: ['code', 'message', 'more_info', 'status'],
      additionalProperties: false,
    }),
    fields: {
      task: propertyNames(taskrouter, 'taskrouter.v1.workspace.task'),
      reservation: propertyNames(taskrouter, 'taskrouter.v1.workspace.task.task_reservation'),
      call: propertyNames(api, 'api.v2010.account.call'),
      event: propertyNames(taskrouter, 'taskrouter.v1.workspace.event'),
      conversation: propertyNames(conversations, 'conversations.v1.conversation'),
      interactionChannel: propertyNames(flex, 'flex.v1.interaction.interaction_channel'),
    },
  };
}

export function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`).join('; ');
}
