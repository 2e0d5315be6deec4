import type { SimCall, SimConversation, SimInteractionChannel, SimReservation, SimTask } from './model';
import type { SimStore } from './store';

/** TaskRouter dates: ISO 8601 in UTC without milliseconds, as `2014-05-14T14:26:54Z`. */
export function isoDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** API 2010 dates: RFC 2822, as `Fri, 18 Oct 2019 17:00:00 +0000`. */
export function rfc2822Date(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

export interface Urls {
  /** Base URL of the simulator, e.g. `http://127.0.0.1:4010`. */
  base: string;
}

/** `conversations.v1.conversation`, every field of the spec; `timers` holds the dates Twilio has set. */
export function renderConversation(
  conversation: SimConversation,
  store: SimStore,
  urls: Urls,
): Record<string, unknown> {
  const url = `${urls.base}/v1/Conversations/${conversation.sid}`;
  const timers: Record<string, string> = {};
  if (conversation.dateInactive !== null) timers.date_inactive = isoDate(conversation.dateInactive);
  if (conversation.dateClosed !== null) timers.date_closed = isoDate(conversation.dateClosed);
  return {
    account_sid: store.accountSid,
    chat_service_sid: conversation.chatServiceSid,
    messaging_service_sid: null,
    sid: conversation.sid,
    friendly_name: conversation.friendlyName,
    unique_name: null,
    attributes: '{}',
    state: conversation.state,
    date_created: isoDate(conversation.dateCreated),
    date_updated: isoDate(conversation.dateUpdated),
    timers,
    url,
    links: {
      participants: `${url}/Participants`,
      messages: `${url}/Messages`,
      webhooks: `${url}/Webhooks`,
    },
    bindings: null,
  };
}

/** `flex.v1.interaction.interaction_channel`, every field of the spec. */
export function renderInteractionChannel(channel: SimInteractionChannel, urls: Urls): Record<string, unknown> {
  const url = `${urls.base}/v1/Interactions/${channel.interactionSid}/Channels/${channel.sid}`;
  return {
    sid: channel.sid,
    interaction_sid: channel.interactionSid,
    type: channel.type,
    status: channel.status,
    error_code: channel.errorCode,
    error_message: channel.errorMessage,
    url,
    links: { participants: `${url}/Participants`, invites: `${url}/Invites`, transfers: `${url}/Transfers` },
  };
}

export function workspaceUrl(urls: Urls, store: SimStore): string {
  return `${urls.base}/v1/Workspaces/${store.workspaceSid}`;
}

/** `taskrouter.v1.workspace.task`, every field of the spec in the spec's order. */
export function renderTask(
  task: SimTask,
  store: SimStore,
  urls: Urls,
  now: number,
  options: { hideAttributes: boolean },
): Record<string, unknown> {
  const workspace = workspaceUrl(urls, store);
  const url = `${workspace}/Tasks/${task.sid}`;
  return {
    account_sid: store.accountSid,
    age: Math.max(0, Math.floor((now - task.dateCreated) / 1000)),
    assignment_status: task.assignmentStatus,
    attributes: options.hideAttributes ? null : task.attributes,
    addons: '{}',
    date_created: isoDate(task.dateCreated),
    date_updated: isoDate(task.dateUpdated),
    task_queue_entered_date: isoDate(task.taskQueueEnteredDate),
    priority: task.priority,
    reason: task.reason,
    sid: task.sid,
    task_queue_sid: task.taskQueueSid,
    task_queue_friendly_name: task.taskQueueName,
    task_channel_sid: task.taskChannelSid,
    task_channel_unique_name: task.channel,
    timeout: task.timeout,
    workflow_sid: task.workflowSid,
    workflow_friendly_name: task.workflowName,
    workspace_sid: store.workspaceSid,
    url,
    links: {
      task_queue: `${workspace}/TaskQueues/${task.taskQueueSid}`,
      workflow: `${workspace}/Workflows/${task.workflowSid}`,
      workspace,
      reservations: `${url}/Reservations`,
    },
    virtual_start_time: isoDate(task.virtualStartTime),
    ignore_capacity: false,
    routing_target: null,
  };
}

/** `taskrouter.v1.workspace.task.task_reservation`. */
export function renderReservation(
  reservation: SimReservation,
  task: SimTask,
  store: SimStore,
  urls: Urls,
): Record<string, unknown> {
  const workspace = workspaceUrl(urls, store);
  const taskUrl = `${workspace}/Tasks/${task.sid}`;
  return {
    account_sid: store.accountSid,
    date_created: isoDate(reservation.dateCreated),
    date_updated: isoDate(reservation.dateUpdated),
    reservation_status: reservation.status,
    sid: reservation.sid,
    task_sid: task.sid,
    worker_name: reservation.workerName,
    worker_sid: reservation.workerSid,
    workspace_sid: store.workspaceSid,
    url: `${taskUrl}/Reservations/${reservation.sid}`,
    links: {
      task: taskUrl,
      worker: `${workspace}/Workers/${reservation.workerSid}`,
      workspace,
    },
  };
}

/** `api.v2010.account.call`. */
export function renderCall(call: SimCall, store: SimStore): Record<string, unknown> {
  const uri = `/2010-04-01/Accounts/${store.accountSid}/Calls/${call.sid}`;
  const durationSeconds =
    call.endTime === null
      ? null
      : call.startTime === null
        ? 0
        : Math.max(0, Math.round((call.endTime - call.startTime) / 1000));
  const ended = call.endTime !== null;
  const subresource = (name: string): string => `${uri}/${name}.json`;
  return {
    sid: call.sid,
    date_created: rfc2822Date(call.dateCreated),
    date_updated: rfc2822Date(call.dateUpdated),
    parent_call_sid: null,
    account_sid: store.accountSid,
    to: call.to,
    to_formatted: formatNumber(call.to),
    from: call.from,
    from_formatted: formatNumber(call.from),
    phone_number_sid: call.direction === 'inbound' ? `PN${call.sid.slice(2)}` : null,
    status: call.status,
    start_time: call.startTime === null ? null : rfc2822Date(call.startTime),
    end_time: call.endTime === null ? null : rfc2822Date(call.endTime),
    duration: durationSeconds === null ? null : String(durationSeconds),
    price: ended && durationSeconds ? (-0.0085 * Math.ceil(durationSeconds / 60)).toFixed(5) : null,
    price_unit: 'USD',
    direction: call.direction,
    answered_by: null,
    api_version: '2010-04-01',
    forwarded_from: null,
    group_sid: null,
    caller_name: null,
    queue_time: String(call.queueTimeMs),
    trunk_sid: null,
    uri: `${uri}.json`,
    subresource_uris: {
      feedback: subresource('Feedback'),
      notifications: subresource('Notifications'),
      recordings: subresource('Recordings'),
      streams: subresource('Streams'),
      payments: subresource('Payments'),
      user_defined_message_subscriptions: subresource('UserDefinedMessageSubscriptions'),
      transcriptions: subresource('Transcriptions'),
      siprec: subresource('Siprec'),
      events: subresource('Events'),
      feedback_summaries: `/2010-04-01/Accounts/${store.accountSid}/Calls/FeedbackSummary.json`,
      user_defined_messages: subresource('UserDefinedMessages'),
    },
  };
}

function formatNumber(number: string): string {
  const match = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(number);
  return match ? `(${match[1]}) ${match[2]}-${match[3]}` : number;
}
