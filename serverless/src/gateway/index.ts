export { createTwilioGateway, buildGateway, DEFAULT_GATEWAY_OPTIONS, TASKROUTER_HOST, API_HOST } from './twilioGateway';
export type { GatewayOptions } from './twilioGateway';
export { UpstreamError, DeadlineExceededError } from './errors';
export type {
  CallPage,
  CloseStatus,
  FetchedTask,
  GatewayStats,
  ListCursor,
  RequestBudget,
  RequestKind,
  TaskPage,
  TwilioCall,
  TwilioGateway,
  TwilioReservation,
  TwilioTask,
  UpdateTaskResult,
} from './types';
