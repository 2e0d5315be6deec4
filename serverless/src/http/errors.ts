import type { ApiErrorCode } from '@plugin-stuck-tasks/contract';
import { API_ERROR_STATUS } from '@plugin-stuck-tasks/contract';

/**
 * `internal` is not part of the client contract: it only answers a misconfigured service (bad
 * settings) or a defect, and clients treat it like any other failure. Details go to the Function
 * logs, never to the response.
 */
export type ServerErrorCode = ApiErrorCode | 'internal';

const STATUS: Readonly<Record<ServerErrorCode, number>> = { ...API_ERROR_STATUS, internal: 500 };

/** An error that becomes an `{"error": {"code", "message"}}` response with the code's status. */
export class ApiError extends Error {
  constructor(
    readonly code: ServerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export const badRequest = (message: string): ApiError => new ApiError('bad_request', message);
export const unauthorized = (message: string): ApiError => new ApiError('unauthorized', message);
export const forbidden = (message: string): ApiError => new ApiError('forbidden', message);
export const notFound = (message: string): ApiError => new ApiError('not_found', message);
export const upstream = (message: string): ApiError => new ApiError('upstream', message);
export const internal = (message: string): ApiError => new ApiError('internal', message);
