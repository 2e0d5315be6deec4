import pRetry, { AbortError } from 'p-retry';
import type {
  ApiErrorBody,
  ApiErrorCode,
  CloseResponse,
  CloseResult,
  HistoryResponse,
  OrphanConversationsResponse,
  ScanResponse,
  TaskDetailResponse,
} from '@plugin-stuck-tasks/contract';
import { HISTORY_DAYS_MAX, HISTORY_DAYS_MIN, MAX_CLOSE_BATCH } from '@plugin-stuck-tasks/contract';

/** What the view needs from the Functions service. */
export interface StuckTasksApi {
  /** One page of the scan; pass the previous page's `nextPageToken` (null for the first page). */
  scan(pageToken: string | null, signal?: AbortSignal): Promise<ScanResponse>;
  inspectTask(taskSid: string, signal?: AbortSignal): Promise<TaskDetailResponse>;
  /** At most MAX_CLOSE_BATCH SIDs per call; the server re-verifies each task before closing it. */
  closeTasks(taskSids: readonly string[], options?: { force?: boolean }): Promise<CloseResult[]>;
  /**
   * One page of the closures this service made in the last `days` days (HISTORY_DAYS_MIN to
   * HISTORY_DAYS_MAX), newest first; pass the previous page's `nextPageToken` (null for the first).
   */
  history(days: number, pageToken: string | null, signal?: AbortSignal): Promise<HistoryResponse>;
  /**
   * One page of the conversations still going that no open task names (review only: nothing closes
   * them); pass the previous page's `nextPageToken` (null for the first).
   */
  orphanConversations(pageToken: string | null, signal?: AbortSignal): Promise<OrphanConversationsResponse>;
}

/**
 * `network`: the service could not be reached; `http`: an answer outside the contract (e.g. a proxy's
 * error page); `aborted`: the caller gave up. The rest are the contract's error codes.
 */
export type ApiFailureKind = ApiErrorCode | 'network' | 'http' | 'aborted';

export class StuckTasksApiError extends Error {
  constructor(
    readonly kind: ApiFailureKind,
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'StuckTasksApiError';
  }
}

export interface RetryOptions {
  /** Further attempts after the first one. */
  retries: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
}

/** About 0.4 + 0.8 + 1.6 + 3.2 s (each randomised ×1–2) before giving up: rides out a short 429 storm. */
export const DEFAULT_RETRY: RetryOptions = { retries: 4, minTimeoutMs: 400, maxTimeoutMs: 5000 };

export interface StuckTasksApiOptions {
  serviceUrl: string;
  /** Read on every attempt: Flex refreshes the token while the page stays open. */
  getToken: () => string;
  fetch?: typeof fetch;
  retry?: RetryOptions;
}

export function createStuckTasksApi(options: StuckTasksApiOptions): StuckTasksApi {
  const retry = options.retry ?? DEFAULT_RETRY;
  const baseUrl = options.serviceUrl.replace(/\/+$/, '');

  async function post<T>(path: string, params: Record<string, string>, signal?: AbortSignal): Promise<T> {
    return pRetry(() => attempt<T>(path, params, signal), {
      retries: retry.retries,
      minTimeout: retry.minTimeoutMs,
      maxTimeout: retry.maxTimeoutMs,
      factor: 2,
      randomize: true,
    });
  }

  async function attempt<T>(path: string, params: Record<string, string>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) {
      throw new AbortError(new StuckTasksApiError('aborted', 'The request was stopped.', null));
    }
    const body = new URLSearchParams({ ...params, Token: options.getToken() });
    const fetchImpl = options.fetch ?? globalThis.fetch;
    let response: Response;
    try {
      response = await fetchImpl(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8' },
        body: body.toString(),
        signal,
      });
    } catch (error) {
      if (signal?.aborted) {
        throw new AbortError(new StuckTasksApiError('aborted', 'The request was stopped.', null));
      }
      // Retried: the browser reports DNS, connection and CORS failures alike as a thrown fetch.
      throw new StuckTasksApiError('network', describeThrown(error), null);
    }
    if (response.ok) {
      return readJson<T>(response);
    }
    const failure = await readFailure(response);
    if (response.status === 429 || response.status >= 500) {
      throw failure;
    }
    throw new AbortError(failure);
  }

  return {
    scan(pageToken, signal) {
      const params: Record<string, string> = pageToken === null ? {} : { PageToken: pageToken };
      return post<ScanResponse>('/stuck-tasks/scan', params, signal).then((page) => {
        if (!Array.isArray(page?.suspects) || !Array.isArray(page?.needsReview) || page?.counts === undefined) {
          throw new StuckTasksApiError('http', 'The scan answer is not in the expected format.', 200);
        }
        return page;
      });
    },
    inspectTask(taskSid, signal) {
      return post<TaskDetailResponse>('/stuck-tasks/task', { TaskSid: taskSid }, signal);
    },
    async closeTasks(taskSids, closeOptions = {}) {
      if (taskSids.length === 0 || taskSids.length > MAX_CLOSE_BATCH) {
        throw new RangeError(`closeTasks takes 1 to ${MAX_CLOSE_BATCH} task SIDs, got ${taskSids.length}`);
      }
      const params: Record<string, string> = { TaskSids: JSON.stringify(taskSids) };
      if (closeOptions.force) {
        params.Force = 'true';
      }
      const answer = await post<CloseResponse>('/stuck-tasks/close', params);
      if (!Array.isArray(answer?.results)) {
        throw new StuckTasksApiError('http', 'The close answer is not in the expected format.', 200);
      }
      return answer.results;
    },
    async history(days, pageToken, signal) {
      if (!Number.isInteger(days) || days < HISTORY_DAYS_MIN || days > HISTORY_DAYS_MAX) {
        throw new RangeError(`history takes ${HISTORY_DAYS_MIN} to ${HISTORY_DAYS_MAX} days, got ${days}`);
      }
      const params: Record<string, string> = { Days: String(days) };
      if (pageToken !== null) params.PageToken = pageToken;
      const page = await post<HistoryResponse>('/stuck-tasks/history', params, signal);
      if (!Array.isArray(page?.entries) || page?.nextPageToken === undefined) {
        throw new StuckTasksApiError('http', 'The history answer is not in the expected format.', 200);
      }
      return page;
    },
    async orphanConversations(pageToken, signal) {
      const params: Record<string, string> = pageToken === null ? {} : { PageToken: pageToken };
      const page = await post<OrphanConversationsResponse>('/stuck-tasks/orphan-conversations', params, signal);
      if (!Array.isArray(page?.conversations) || page?.counts === undefined || page?.nextPageToken === undefined) {
        throw new StuckTasksApiError('http', 'The conversations answer is not in the expected format.', 200);
      }
      return page;
    },
  };
}

async function readJson<T>(response: Response): Promise<T> {
  try {
    return (await response.json()) as T;
  } catch {
    throw new AbortError(new StuckTasksApiError('http', 'The answer is not JSON.', response.status));
  }
}

const CODE_BY_STATUS: Record<number, ApiErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  502: 'upstream',
};

async function readFailure(response: Response): Promise<StuckTasksApiError> {
  let message = `HTTP ${response.status}`;
  let code: ApiErrorCode | undefined = CODE_BY_STATUS[response.status];
  try {
    const body = (await response.json()) as Partial<ApiErrorBody>;
    if (body?.error && typeof body.error.message === 'string') {
      message = body.error.message;
      code = body.error.code ?? code;
    }
  } catch {
    // Not the contract's error body (e.g. a gateway page); the status alone has to do.
  }
  return new StuckTasksApiError(code ?? 'http', message, response.status);
}

function describeThrown(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
