import type {
  ApiErrorCode,
  CloseResult,
  HistoryEntry,
  OrphanConversation,
  ScanResponse,
  Suspect,
  TaskDetailResponse,
} from '@plugin-stuck-tasks/contract';
import {
  API_ERROR_STATUS,
  HISTORY_DAYS_DEFAULT,
  HISTORY_DAYS_MAX,
  HISTORY_DAYS_MIN,
  MAX_CLOSE_BATCH,
} from '@plugin-stuck-tasks/contract';
import { closedResult } from './fixtures';

import type { RetryOptions } from '../api/client';

export const SERVICE_URL = 'https://stuck-tasks-1234.twil.io';

/** Retries as in production, but without the waiting. */
export const FAST_RETRY: RetryOptions = { retries: 4, minTimeoutMs: 1, maxTimeoutMs: 2 };

/** One POST as the Functions service received it. */
export interface RecordedRequest {
  path: string;
  params: Record<string, string>;
  contentType: string | null;
}

export type Reply = { status: number; body: unknown } | { networkError: true };

type Handler = (params: Record<string, string>, request: RecordedRequest) => Reply | Promise<Reply>;

export function ok(body: unknown): Reply {
  return { status: 200, body };
}

export function apiError(code: ApiErrorCode, message: string): Reply {
  return { status: API_ERROR_STATUS[code], body: { error: { code, message } } };
}

/**
 * A stand-in for the Functions service behind `fetch`: it sees exactly what the browser would send
 * (URL, form-encoded body) and answers like the contract says, so the plugin's own modules run unmocked.
 */
export class FakeFunctions {
  readonly requests: RecordedRequest[] = [];
  private readonly handlers = new Map<string, Handler>();
  /** Replies served before the handler, one per request to that path (for 429/5xx/network tests). */
  private readonly queued = new Map<string, Reply[]>();

  constructor() {
    // A workspace without reverse orphans unless a test serves some: the view asks after every scan.
    this.serveOrphans([]);
  }

  readonly fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    if (`${url.protocol}//${url.host}` !== SERVICE_URL || init?.method !== 'POST') {
      throw new TypeError(`unexpected request ${init?.method} ${url}`);
    }
    const params = Object.fromEntries(new URLSearchParams(String(init?.body ?? '')));
    const request: RecordedRequest = { path: url.pathname, params, contentType: headerValue(init, 'content-type') };
    this.requests.push(request);
    const reply = this.queued.get(url.pathname)?.shift() ?? (await this.handle(request));
    if ('networkError' in reply) {
      throw new TypeError('Failed to fetch');
    }
    return {
      ok: reply.status >= 200 && reply.status < 300,
      status: reply.status,
      json: async () => reply.body,
    } as Response;
  });

  on(path: string, handler: Handler): this {
    this.handlers.set(path, handler);
    return this;
  }

  /** Wraps the current handler of `path`, e.g. to hold a request or fail some of them. */
  intercept(
    path: string,
    wrapper: (params: Record<string, string>, next: () => Reply | Promise<Reply>) => Reply | Promise<Reply>,
  ): this {
    const inner = this.handlers.get(path);
    return this.on(path, (params, request) =>
      wrapper(params, () => (inner ? inner(params, request) : apiError('not_found', `No fake handler for ${path}`))),
    );
  }

  /** The next requests to `path` get these replies, in order, before the handler answers again. */
  queue(path: string, ...replies: Reply[]): this {
    this.queued.set(path, [...(this.queued.get(path) ?? []), ...replies]);
    return this;
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  /** Serves scan pages keyed by the PageToken they answer (null for the first page). */
  serveScan(pages: Map<string | null, ScanResponse>): this {
    return this.on('/stuck-tasks/scan', (params) => {
      const page = pages.get(params.PageToken ?? null);
      return page ? ok(page) : apiError('bad_request', 'Unknown page token.');
    });
  }

  serveDetails(details: TaskDetailResponse[]): this {
    const bySid = new Map(details.map((detail) => [detail.task.taskSid, detail]));
    return this.on('/stuck-tasks/task', (params) => {
      const detail = bySid.get(params.TaskSid);
      return detail ? ok(detail) : apiError('not_found', 'Task not found.');
    });
  }

  /**
   * Closes like the real service: each listed suspect gets canceled/completed unless `override` says
   * otherwise; unknown SIDs are not_found. Rejects batches over MAX_CLOSE_BATCH as the server does.
   */
  serveClose(
    suspects: Suspect[],
    override: (taskSid: string, force: boolean) => CloseResult | null = () => null,
  ): this {
    const bySid = new Map(suspects.map((suspect) => [suspect.taskSid, suspect]));
    return this.on('/stuck-tasks/close', (params) => {
      const taskSids = JSON.parse(params.TaskSids) as string[];
      if (taskSids.length > MAX_CLOSE_BATCH) return apiError('bad_request', 'Too many TaskSids.');
      const force = params.Force === 'true';
      const results = taskSids.map((sid): CloseResult => {
        const special = override(sid, force);
        if (special) return special;
        const suspect = bySid.get(sid);
        return suspect ? closedResult(suspect) : { taskSid: sid, outcome: 'not_found', message: 'Task not found.' };
      });
      return ok({ results });
    });
  }

  /**
   * Serves the history like the contract says: entries closed within `Days` days of `now` (default
   * HISTORY_DAYS_DEFAULT; outside HISTORY_DAYS_MIN–MAX a 400), newest first, `pageSize` per page with
   * the offset as the page token.
   */
  serveHistory(entries: readonly HistoryEntry[], options: { pageSize?: number; now?: () => number } = {}): this {
    const pageSize = options.pageSize ?? 50;
    const now = options.now ?? Date.now;
    return this.on('/stuck-tasks/history', (params) => {
      const days = params.Days === undefined ? HISTORY_DAYS_DEFAULT : Number(params.Days);
      if (!Number.isInteger(days) || days < HISTORY_DAYS_MIN || days > HISTORY_DAYS_MAX) {
        return apiError('bad_request', `Days must be a whole number from ${HISTORY_DAYS_MIN} to ${HISTORY_DAYS_MAX}.`);
      }
      const since = now() - days * 86_400_000;
      const inWindow = entries
        .filter((entry) => Date.parse(entry.closedAt) >= since)
        .sort((a, b) => Date.parse(b.closedAt) - Date.parse(a.closedAt));
      const offset = params.PageToken === undefined ? 0 : Number(params.PageToken);
      if (!Number.isInteger(offset) || offset < 0) return apiError('bad_request', 'Unknown page token.');
      const next = offset + pageSize;
      return ok({
        entries: inWindow.slice(offset, next),
        nextPageToken: next < inWindow.length ? String(next) : null,
      });
    });
  }

  /**
   * Serves reverse orphans like the contract says, `pageSize` per page with the offset as the page
   * token; each page counts 3 more conversations looked at (2 with an open task, 1 recent).
   */
  serveOrphans(conversations: readonly OrphanConversation[], options: { pageSize?: number } = {}): this {
    const pageSize = options.pageSize ?? 50;
    return this.on('/stuck-tasks/orphan-conversations', (params) => {
      const offset = params.PageToken === undefined ? 0 : Number(params.PageToken);
      if (!Number.isInteger(offset) || offset < 0) return apiError('bad_request', 'Unknown page token.');
      const page = conversations.slice(offset, offset + pageSize);
      const next = offset + pageSize;
      return ok({
        conversations: page,
        counts: { scanned: page.length + 3, withOpenTask: 2, recent: 1, orphaned: page.length },
        nextPageToken: next < conversations.length ? String(next) : null,
      });
    });
  }

  private async handle(request: RecordedRequest): Promise<Reply> {
    const handler = this.handlers.get(request.path);
    if (!handler) return apiError('not_found', `No fake handler for ${request.path}`);
    return handler(request.params, request);
  }
}

function headerValue(init: RequestInit | undefined, name: string): string | null {
  const headers = (init?.headers ?? {}) as Record<string, string>;
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? null : headers[key];
}
