import http from 'http';
import https from 'https';
import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient';
import type TwilioResponse from 'twilio/lib/http/response';
import { validator as flexTokenValidator } from 'twilio-flex-token-validator';
import type { Simulator } from '../src/simulator';
import { startSimulator } from '../src/simulator';

/**
 * The real client libraries against the simulator: twilio-node (host rewritten to the simulator,
 * as the gateway does with TWILIO_API_BASE_URL) and twilio-flex-token-validator (its https request
 * redirected to the simulator's loopback port). If these work, the product's code can talk to it.
 */

class SimulatorRequestClient extends RequestClient {
  constructor(private readonly baseUrl: string) {
    super();
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<TwilioResponse<TData>> {
    return super.request({ ...opts, uri: opts.uri.replace(/^https:\/\/[a-z0-9.-]+\.twilio\.com/, this.baseUrl) });
  }
}

describe('real Twilio client libraries against the simulator', () => {
  let sim: Simulator;
  let client: twilio.Twilio;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 'clients', scenario: { openTasks: 120 } });
    client = twilio(sim.accountSid, sim.authToken, { httpClient: new SimulatorRequestClient(sim.url) });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await sim.stop();
  });

  const workspace = (): ReturnType<twilio.Twilio['taskrouter']['v1']['workspaces']> =>
    client.taskrouter.v1.workspaces(sim.workspaceSid);

  it('twilio-node pages through open tasks with assignmentStatus as an array', async () => {
    const sids: string[] = [];
    let page: { instances: { sid: string }[]; nextPage(): Promise<unknown> | undefined } | undefined =
      await workspace().tasks.page({
        assignmentStatus: ['pending', 'reserved', 'assigned'],
        pageSize: 25,
      });
    while (page) {
      sids.push(...page.instances.map((task) => task.sid));
      page = (await page.nextPage()) as typeof page;
    }
    expect(sids).toEqual(sim.listTasks({ status: ['pending', 'reserved', 'assigned'] }).map((task) => task.sid));
  });

  it('twilio-node fetches, then updates with ifMatch; a stale ifMatch is a RestException 412', async () => {
    const target = sim.listTasks({ status: ['reserved'] })[0];
    const task = await workspace().tasks(target.sid).fetch();
    expect(task.assignmentStatus).toBe('reserved');
    expect(JSON.parse(task.attributes)).toEqual(JSON.parse(target.attributes));
    const updated = await workspace()
      .tasks(target.sid)
      .update({ assignmentStatus: 'canceled', reason: 'twilio-node test', ifMatch: target.etag });
    expect(updated.assignmentStatus).toBe('canceled');
    await expect(
      workspace().tasks(target.sid).update({ assignmentStatus: 'canceled', ifMatch: target.etag }),
    ).rejects.toMatchObject({ status: 412, code: 20412 });
  });

  it('twilio-node surfaces 20001 and 20404 as RestExceptions with Twilio’s fields', async () => {
    const assigned = sim.listTasks({ status: ['assigned'] })[0];
    await expect(workspace().tasks(assigned.sid).update({ assignmentStatus: 'canceled' })).rejects.toMatchObject({
      status: 400,
      code: 20001,
      moreInfo: 'https://www.twilio.com/docs/errors/20001',
    });
    await expect(
      workspace()
        .tasks(`WT${'0'.repeat(32)}`)
        .fetch(),
    ).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it('twilio-node lists reservations and fetches and lists calls', async () => {
    const assigned = sim.listTasks({ status: ['assigned'] })[0];
    const reservations = await workspace().tasks(assigned.sid).reservations.list();
    expect(reservations.some((r) => r.reservationStatus === 'accepted' && r.workerName)).toBe(true);

    const call = await client.calls(assigned.callSid ?? sim.listCalls()[0].sid).fetch();
    expect(call.dateCreated).toBeInstanceOf(Date);
    const canceled = await client.calls.list({ status: 'canceled', pageSize: 2 });
    expect(canceled.length).toBe(sim.listCalls({ status: ['canceled'] }).length);
    expect(canceled.every((c) => c.status === 'canceled')).toBe(true);
  });

  it('the unmodified twilio-flex-token-validator accepts a sandbox token and rejects an expired one', async () => {
    jest.spyOn(https, 'request').mockImplementation(((
      options: https.RequestOptions,
      callback: (res: http.IncomingMessage) => void,
    ) => {
      expect(options.hostname).toBe('iam.twilio.com');
      return http.request({ ...options, hostname: '127.0.0.1', port: sim.port }, callback);
    }) as unknown as typeof https.request);
    const result = (await flexTokenValidator(sim.issueSandboxToken('admin'), sim.accountSid, sim.authToken)) as Record<
      string,
      unknown
    >;
    expect(result).toMatchObject({ valid: true, roles: ['admin'] });
    const expired = sim.issueToken({ identity: 'late', roles: ['admin'], ttlSeconds: -5 });
    await expect(flexTokenValidator(expired, sim.accountSid, sim.authToken)).rejects.toMatch(/expired/i);
    await expect(flexTokenValidator(sim.issueSandboxToken('admin'), sim.accountSid, 'wrong-token')).rejects.toBe(
      'Authenticate',
    );
  });
});
