export { createTwilioGateway, buildGateway, DEFAULT_GATEWAY_OPTIONS, TASKROUTER_HOST, API_HOST } from './twilioGateway';
export type { GatewayOptions } from './twilioGateway';
export { UpstreamError, DeadlineExceededError } from './errors';
export type {
  CallPage,
  CloseStatus,
  EventPage,
  EventQuery,
  FetchedTask,
  GatewayStats,
  ListCursor,
  ListTasksOptions,
  RequestBudget,
  RequestKind,
  TaskPage,
  TaskUpdate,
  TwilioCall,
  TwilioEvent,
  TwilioGateway,
  TwilioReservation,
  TwilioTask,
  TwilioConversation,
  TwilioInteractionChannel,
  UpdateChannelResult,
  UpdateTaskResult,
} from './types';
