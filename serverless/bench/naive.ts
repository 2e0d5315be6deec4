/**
 * The naive baseline: the support article's sample script, as an operator would run it after fixing
 * only what stops it from working at all (it does not parse; its per-task `done()` is the list's stop
 * function). Everything else is the script's plan, on purpose: list a 1,000-task page, start one call
 * fetch per task of the page at once, move straight on to the next page, update every task whose
 * call is in the script's terminal list (no `canceled`, no grace period, no re-check, no If-Match),
 * twilio-node's plain `autoRetry` (429 only, 3 retries), and the whole run ends at the first error
 * from the list (the script's catch calls process.exit(1)).
 *
 * Paging is explicit here instead of `each()`: `each()` fires a page's callbacks synchronously and
 * requests the next page right away without awaiting them, which is exactly what this loop does.
 */
import http from 'http';
import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient';
import { rebase } from '../src/gateway/httpTransport';

export interface NaiveConfig {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  workspaceSid: string;
  /**
   * 'pooled': twilio-node 5's own agent limits (20 sockets per host, one pool per Twilio host, as
   * against the real hosts). 'unbounded': no socket limit, as with twilio-node 4 (and as measured in
   * the reference README): every request of a page is on the wire at once.
   */
  sockets: 'pooled' | 'unbounded';
}

export interface NaiveProgress {
  processed: number;
  skipped: number;
  tasksUpdated: number;
  /** Tasks whose call fetch or update threw (after autoRetry gave up). */
  errors: number;
  /** The same, by HTTP status or error code. */
  errorsByCause: Record<string, number>;
  inFlight: number;
  peakInFlight: number;
  pages: number;
}

export interface NaiveResult extends NaiveProgress {
  /** The list failed: the script's catch would have called process.exit(1) here. */
  aborted: string | null;
  elapsedMs: number;
}

const TERMINAL_CALL_STATES = ['completed', 'failed', 'busy', 'no-answer'];
const VOICE_REASON = 'Orchestration issue: closed stuck voice Task.';

/** twilio-node 5's defaults for its https agent (see RequestClient.js), applied to the http one. */
const TWILIO_NODE_POOL = { keepAlive: true, maxSockets: 20, maxTotalSockets: 100, maxFreeSockets: 5 };

type AddRequest = (this: http.Agent, request: http.ClientRequest, options: unknown) => void;

function countingAgent(options: http.AgentOptions, progress: NaiveProgress): http.Agent {
  const agent = new http.Agent(options);
  const original = (http.Agent.prototype as unknown as { addRequest: AddRequest }).addRequest;
  // In flight = holding a socket; requests queued inside the agent's pool are not on the wire yet.
  (agent as unknown as { addRequest: AddRequest }).addRequest = function (request, requestOptions) {
    request.once('socket', () => {
      progress.inFlight += 1;
      progress.peakInFlight = Math.max(progress.peakInFlight, progress.inFlight);
      request.once('close', () => {
        progress.inFlight -= 1;
      });
    });
    original.call(this, request, requestOptions);
  };
  return agent;
}

function naiveHttpClient(config: NaiveConfig, progress: NaiveProgress): RequestClient {
  const clientFor = () => {
    const client = new RequestClient({ autoRetry: true, maxRetries: 3 });
    client.axios.defaults.httpAgent = countingAgent(
      config.sockets === 'pooled' ? TWILIO_NODE_POOL : { keepAlive: true },
      progress,
    );
    return client;
  };
  // One pool per Twilio host, as twilio-node's agent keeps per host against the real API.
  const byHost = new Map<string, RequestClient>();
  return {
    request(opts: RequestClient.RequestOptions) {
      // Next-page links may point at the simulator itself: pool by API (TaskRouter or 2010), not host.
      const host = new URL(opts.uri).pathname.startsWith('/2010-04-01/') ? 'api' : 'taskrouter';
      let client = byHost.get(host);
      if (!client) {
        client = clientFor();
        byHost.set(host, client);
      }
      return client.request({ ...opts, uri: rebase(opts.uri, config.baseUrl) });
    },
  } as unknown as RequestClient;
}

export async function runNaiveBaseline(
  config: NaiveConfig,
  onProgress: (progress: NaiveProgress) => void,
): Promise<NaiveResult> {
  const progress: NaiveProgress = {
    processed: 0,
    skipped: 0,
    tasksUpdated: 0,
    errors: 0,
    errorsByCause: {},
    inFlight: 0,
    peakInFlight: 0,
    pages: 0,
  };
  const client = twilio(config.accountSid, config.authToken, { httpClient: naiveHttpClient(config, progress) });
  const tasks = client.taskrouter.v1.workspaces(config.workspaceSid).tasks;
  const started = Date.now();
  const ticker = setInterval(() => onProgress({ ...progress, errorsByCause: { ...progress.errorsByCause } }), 500);

  type TaskInstance = Awaited<ReturnType<typeof tasks.page>>['instances'][number];
  const handle = async (task: TaskInstance): Promise<void> => {
    progress.processed++;
    let attributes: { call_sid?: string } = {};
    try {
      attributes = JSON.parse(task.attributes);
    } catch {
      progress.skipped++;
      return;
    }
    if (task.taskChannelUniqueName !== 'voice' || !attributes.call_sid) {
      progress.skipped++;
      return;
    }
    try {
      const call = await client.calls(attributes.call_sid).fetch();
      if (TERMINAL_CALL_STATES.includes(call.status)) {
        const status = task.assignmentStatus === 'assigned' ? 'completed' : 'canceled';
        await client.taskrouter.v1
          .workspaces(config.workspaceSid)
          .tasks(task.sid)
          .update({ assignmentStatus: status, reason: VOICE_REASON });
        progress.tasksUpdated++;
      }
    } catch (error) {
      progress.errors++;
      const { status, code } = error as { status?: number; code?: string };
      const cause = String(status ?? code ?? (error as Error).name);
      progress.errorsByCause[cause] = (progress.errorsByCause[cause] ?? 0) + 1;
    }
  };

  const handlers: Promise<void>[] = [];
  let aborted: string | null = null;
  try {
    let page: { instances: TaskInstance[]; nextPage(): Promise<unknown> | undefined } = await tasks.page({
      assignmentStatus: ['pending,reserved,assigned'],
      pageSize: 1000,
    });
    for (;;) {
      progress.pages++;
      for (const task of page.instances) handlers.push(handle(task));
      const next = page.nextPage();
      if (next === undefined) break;
      page = (await next) as typeof page;
    }
  } catch (error) {
    aborted = (error as Error).message;
  }
  // Without an abort the script's process lives on until every started update has finished.
  if (aborted === null) await Promise.all(handlers);
  clearInterval(ticker);
  return { ...progress, aborted, elapsedMs: Date.now() - started };
}
