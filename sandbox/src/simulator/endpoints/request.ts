import type { IncomingMessage } from 'http';
import type { SimulatorCore } from '../core';

/** One Twilio request as the endpoints see it (the route's SIDs are passed on their own). */
export interface ApiRequest {
  core: SimulatorCore;
  /** The simulator's own base URL, for the URLs in answers. */
  baseUrl: string;
  url: URL;
  req: IncomingMessage;
}

export interface ApiAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}
