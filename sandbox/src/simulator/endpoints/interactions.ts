import type { SimulatorCore } from '../core';
import type { AssignmentStatus, InteractionChannelStatus, SimInteractionChannel, SimTask } from '../model';
import { parseParams, readBody } from '../http';
import { renderInteractionChannel } from '../render';
import { badRequest, notFound } from '../twilio-errors';
import type { ApiAnswer, ApiRequest } from './request';

/**
 * Flex's Interaction Channels subresource (flex-api.twilio.com): fetch, and the update that closes a
 * channel. What an update does, and the readings where Twilio's docs are silent, are in README.md
 * ("Messaging: conversations and interaction channels").
 */

/** GET /v1/Interactions/{KD}/Channels/{UO}. */
export function fetchInteractionChannel(request: ApiRequest, interactionSid: string, channelSid: string): ApiAnswer {
  const { core, baseUrl, url } = request;
  const channel = core.store.channelOf(interactionSid, channelSid);
  core.store.recordMessagingFetch('channel', channelSid, channel?.status ?? null, null, core.now());
  if (!channel) throw notFound(url.pathname);
  return { status: 200, body: renderInteractionChannel(channel, { base: baseUrl }) };
}

const UPDATE_STATUSES: readonly InteractionChannelStatus[] = ['closed', 'inactive'];
const ROUTING_STATUSES = ['closed', 'wrapup'] as const;
type RoutingStatus = (typeof ROUTING_STATUSES)[number];

/** POST /v1/Interactions/{KD}/Channels/{UO}: form `Status` (closed | inactive), `Routing` (JSON, `{"status": …}`). */
export async function updateInteractionChannel(
  request: ApiRequest,
  interactionSid: string,
  channelSid: string,
): Promise<ApiAnswer> {
  const { core, baseUrl, url, req } = request;
  const raw = await readBody(req);
  let form: Record<string, string>;
  try {
    form = parseParams(raw, req.headers['content-type']);
  } catch {
    throw badRequest('Request body must be form-urlencoded');
  }
  const channel = core.store.channelOf(interactionSid, channelSid);
  if (!channel) throw notFound(url.pathname);
  const status = form.Status as InteractionChannelStatus | undefined;
  if (status === undefined) throw badRequest('Missing required parameter Status in the post body');
  if (!UPDATE_STATUSES.includes(status)) {
    throw badRequest(`Invalid Status '${status}'. Allowed values: ${UPDATE_STATUSES.join(', ')}`);
  }
  const routing = form.Routing === undefined ? null : parseRouting(form.Routing);
  if (status === 'inactive' && routing !== 'closed') {
    throw badRequest('Routing status is required when the channel status is set to inactive, and must be closed');
  }
  applyChannelUpdate(core, channel, status, routing);
  return { status: 200, body: renderInteractionChannel(channel, { base: baseUrl }) };
}

function parseRouting(text: string): RoutingStatus {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest('Routing must be a JSON object');
  }
  const value = (parsed as { status?: unknown } | null)?.status;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || typeof value !== 'string') {
    throw badRequest('Routing must be a JSON object with a status');
  }
  if (!(ROUTING_STATUSES as readonly string[]).includes(value)) {
    throw badRequest(`Invalid Routing status '${value}'. Allowed values: ${ROUTING_STATUSES.join(', ')}`);
  }
  return value as RoutingStatus;
}

/**
 * The channel takes the new status; closing it closes its conversation; its tasks move on: with
 * `Routing.status` closed an assigned or wrapping task is completed, without Routing (or wrapup) an
 * assigned task goes to wrapping. A pending or reserved task is left as it is (the conservative
 * reading of what Twilio does not document) unless `channelCloseCancelsUnassigned` is on.
 */
export function applyChannelUpdate(
  core: SimulatorCore,
  channel: SimInteractionChannel,
  status: InteractionChannelStatus,
  routing: RoutingStatus | null,
): void {
  const now = core.now();
  const from = channel.status;
  const tasks = core.store.tasksOfChannel(channel.sid);
  channel.status = status;
  channel.dateUpdated = now;
  const conversation = channel.conversationSid ? core.store.conversations.get(channel.conversationSid) : undefined;
  const conversationState = channel.conversationSid === null ? null : (conversation?.state ?? 'deleted');
  if (status === 'closed' && conversation && conversation.state !== 'closed') {
    conversation.state = 'closed';
    conversation.dateClosed = now;
    conversation.dateUpdated = now;
  }
  const moved = tasks.map((task) => {
    const before = task.assignmentStatus;
    const to = taskStatusAfter(core, task, routing);
    if (to !== null) {
      core.store.changeTaskStatus(task, {
        to,
        reason: null,
        source: 'api',
        ifMatch: null,
        now,
        viaChannelSid: channel.sid,
      });
    }
    return { taskSid: task.sid, from: before, to };
  });
  core.store.channelUpdateLog.push({
    seq: core.store.nextSeq(),
    time: new Date(now).toISOString(),
    interactionSid: channel.interactionSid,
    channelSid: channel.sid,
    from,
    to: status,
    routingStatus: routing,
    conversationState,
    tasks: moved,
  });
}

function taskStatusAfter(core: SimulatorCore, task: SimTask, routing: RoutingStatus | null): AssignmentStatus | null {
  switch (task.assignmentStatus) {
    case 'assigned':
      return routing === 'closed' ? 'completed' : 'wrapping';
    case 'wrapping':
      return routing === 'closed' ? 'completed' : null;
    case 'pending':
    case 'reserved':
      return core.config.channelCloseCancelsUnassigned ? 'canceled' : null;
    default:
      return null;
  }
}
