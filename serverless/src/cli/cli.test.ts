import { spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { PassThrough } from 'stream';
import { parse as parseCsv } from 'csv-parse/sync';
import { SANDBOX_CLOSE_REASON, startSimulator } from '@plugin-stuck-tasks/sandbox';
import type { Simulator } from '@plugin-stuck-tasks/sandbox';
import { createEngineDeps } from '../engine';
import { loadCliSettings } from './config';
import { EXIT_CODES } from './errors';
import { runCli } from './main';
import type { CliTuning } from './main';
import { NOT_ATTEMPTED, scanWorkspace } from '../engine';
import type { CloseResult } from '@plugin-stuck-tasks/contract';
import { ManualClock, advancingOnAnswers } from '../../test/support/manualClock';

/**
 * Twilio failing for good: give up once the gateway's retries are spent, each backoff at most 20 ms
 * instead of seconds. The time limit is a wide margin, so a busy machine still gives up on the retry
 * count and with Twilio's own error, not on the clock.
 */
const GIVE_UP_FAST: CliTuning = {
  gateway: { maxRetryTimeMs: 60_000, minBackoffMs: 1, maxBackoffMs: 20 },
  scanPageRetryDelayMs: 10,
};

/**
 * The simulator always answers: request time limits only matter for a real network, so the in-process
 * runs wait as long as a busy machine needs. Wide margins, not expectations about speed.
 */
const PATIENT_GATEWAY = { requestTimeoutMs: 120_000, maxRetryTimeMs: 300_000 };

jest.setTimeout(300_000);

type Env = Record<string, string | undefined>;

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

let sim: Simulator;
let workDir: string;

function simEnv(overrides: Env = {}): Env {
  return {
    TWILIO_ACCOUNT_SID: sim.accountSid,
    TWILIO_AUTH_TOKEN: sim.authToken,
    TASKROUTER_WORKSPACE_SID: sim.workspaceSid,
    TWILIO_API_BASE_URL: sim.url,
    ...overrides,
  };
}

/** Runs the CLI in-process; `answer` makes standard input a terminal that types it. */
async function run(
  argv: string[],
  options: { env?: Env; answer?: string; cwd?: string; tuning?: CliTuning } = {},
): Promise<RunResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  stdout.on('data', (chunk: Buffer) => chunks.stdout.push(chunk));
  stderr.on('data', (chunk: Buffer) => chunks.stderr.push(chunk));
  if (options.answer !== undefined) {
    stdin.isTTY = true;
    stdin.end(`${options.answer}\n`);
  } else {
    stdin.end();
  }
  const io = { stdin, stdout, stderr, env: options.env ?? simEnv(), cwd: options.cwd ?? workDir };
  const code = await runCli(argv, io, options.tuning ?? { gateway: PATIENT_GATEWAY });
  return { code, stdout: Buffer.concat(chunks.stdout).toString(), stderr: Buffer.concat(chunks.stderr).toString() };
}

function readCsv(file: string): Record<string, string>[] {
  return parseCsv(fs.readFileSync(file, 'utf8'), { columns: true });
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

const oracle = (verdict: 'stuck' | 'needs_review') => sorted(sim.listTasks({ verdict }).map((task) => task.sid));

beforeAll(async () => {
  sim = await startSimulator({ seed: 'cli', scenario: { openTasks: 120 } });
});

afterAll(async () => {
  await sim.stop();
});

beforeEach(() => {
  // No call ending near the grace boundary: verdicts must not change while a slow machine runs a test.
  sim.reset('cli', { openTasks: 120, recentlyEndedShare: 0 });
  sim.configure({ errorRate: 0, latencyMs: 0, concurrencyLimit: null });
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stuck-tasks-cli-'));
});

afterEach(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('scan', () => {
  it('is the default command: prints the summary and writes every suspect and needs-review task to a CSV', async () => {
    const result = await run(['--out', 'report.csv']);

    expect(result.code).toBe(EXIT_CODES.ok);
    const rows = readCsv(path.join(workDir, 'report.csv'));
    expect(sorted(rows.filter((row) => row.kind === 'suspect').map((row) => row.taskSid))).toEqual(oracle('stuck'));
    expect(sorted(rows.filter((row) => row.kind === 'needs_review').map((row) => row.taskSid))).toEqual(
      oracle('needs_review'),
    );
    const stuck = sim.listTasks({ verdict: 'stuck' });
    const firstSuspect = rows.find((row) => row.taskSid === stuck[0].sid);
    expect(firstSuspect).toMatchObject({
      assignmentStatus: stuck[0].assignmentStatus,
      action: stuck[0].action,
      callSid: stuck[0].callSid,
    });
    // Every suspect row carries its kind, every leg (role:CallSid:status) and the agent it blocks.
    for (const task of stuck) {
      const row = rows.find((entry) => entry.taskSid === task.sid);
      const holder = task.reservations.find((reservation) =>
        ['pending', 'accepted', 'wrapping'].includes(reservation.status),
      );
      expect(row).toMatchObject({
        suspectKind: task.stuckKind,
        legs: task.legs.map((leg) => `${leg.role}:${leg.callSid}:${leg.status}`).join('; '),
        workerSid: task.assignmentStatus === 'pending' || !holder ? '' : holder.workerSid,
        workerName: task.assignmentStatus === 'pending' || !holder ? '' : holder.workerName,
      });
    }
    expect(rows.some((row) => row.legs.includes('; worker:'))).toBe(true);
    expect(result.stdout).toMatch(new RegExp(`Stuck\\s+${stuck.length}\\b`));
    expect(result.stdout).toMatch(new RegExp(`Needs review\\s+${oracle('needs_review').length}\\b`));
    expect(result.stdout).toContain('stuck-tasks close --from report.csv');
    expect(sim.updateLog()).toEqual([]);
  });

  it('writes JSON when asked, and to standard output with --out - (summary on standard error)', async () => {
    const toFile = await run(['scan', '--out', 'report.json']);
    expect(toFile.code).toBe(EXIT_CODES.ok);
    const report = JSON.parse(fs.readFileSync(path.join(workDir, 'report.json'), 'utf8'));
    expect(report.workspaceSid).toBe(sim.workspaceSid);
    expect(sorted(report.suspects.map((suspect: { taskSid: string }) => suspect.taskSid))).toEqual(oracle('stuck'));
    expect(report.counts.stuck).toBe(oracle('stuck').length);

    const toStdout = await run(['scan', '--out', '-', '--format', 'json']);
    expect(toStdout.code).toBe(EXIT_CODES.ok);
    expect(JSON.parse(toStdout.stdout).suspects).toHaveLength(oracle('stuck').length);
    expect(toStdout.stderr).toContain('Stuck');
  });

  it('escapes CSV cells and neutralises spreadsheet formulas in queue names', async () => {
    const queueName = '=HYPERLINK("x"), "quoted"\nqueue';
    sim.reset('cli', { openTasks: 20, taskQueues: ['Support', queueName] });
    const call = sim.addCall({ status: 'completed', endedSecondsAgo: 3_600 });
    const task = sim.addTask({
      assignmentStatus: 'pending',
      channel: 'voice',
      taskQueueName: queueName,
      callSid: call.sid,
    });

    const result = await run(['--out', 'report.csv']);

    expect(result.code).toBe(EXIT_CODES.ok);
    const row = readCsv(path.join(workDir, 'report.csv')).find((entry) => entry.taskSid === task.sid);
    expect(row?.taskQueueName).toBe(`'${queueName}`);
  });

  it('walks every page of a workspace larger than one Twilio page', async () => {
    sim.reset('cli-large', { openTasks: 2_300, recentlyEndedShare: 0 });

    const result = await run(['--out', 'report.csv', '--concurrency', '50']);

    expect(result.code).toBe(EXIT_CODES.ok);
    expect(result.stdout).toMatch(/Scanned\s+2300\b/);
    const rows = readCsv(path.join(workDir, 'report.csv'));
    expect(sorted(rows.filter((row) => row.kind === 'suspect').map((row) => row.taskSid))).toEqual(oracle('stuck'));
  });

  it('follows nextPageToken across engine scan calls cut short by their deadline', async () => {
    // No call ending near the grace boundary: the verdicts must not change while the walk runs.
    sim.reset('cli-pages', { openTasks: 1_200, recentlyEndedShare: 0 });
    // Time counted in Twilio answers, 10 ms each: a 1 s scan call ends after 100 answers, however slow
    // the machine, and judging the workspace takes several times that (about 480 requests).
    const clock = new ManualClock();
    const real = createEngineDeps(loadCliSettings(simEnv()), { concurrency: 20, gateway: PATIENT_GATEWAY });
    const deps = { ...real, gateway: advancingOnAnswers(real.gateway, clock, 10), clock };
    const pages: number[] = [];

    const scan = await scanWorkspace(deps, {
      pageDeadlineMs: 1_000,
      onPage: ({ counts }) => pages.push(counts.scanned),
    });

    expect(pages.length).toBeGreaterThan(1);
    expect(scan.counts.scanned).toBe(1_200);
    expect(sorted(scan.suspects.map((suspect) => suspect.taskSid))).toEqual(oracle('stuck'));
    expect(sorted(scan.needsReview.map((item) => item.taskSid))).toEqual(oracle('needs_review'));
  });

  it('reads its settings from .env, with the shell winning over the file', async () => {
    const env = simEnv();
    fs.writeFileSync(
      path.join(workDir, '.env'),
      Object.entries({ ...env, TASKROUTER_WORKSPACE_SID: 'WS00000000000000000000000000000000' })
        .map(([name, value]) => `${name}=${value}`)
        .join('\n'),
    );

    const fromFileOnly = await run(['--out', 'a.csv'], { env: {} });
    expect(fromFileOnly.code).toBe(EXIT_CODES.workspaceNotFound);

    const shellWins = await run(['--out', 'b.csv'], { env: { TASKROUTER_WORKSPACE_SID: sim.workspaceSid } });
    expect(shellWins.code).toBe(EXIT_CODES.ok);
  });

  it('authenticates with an API key pair', async () => {
    const env = simEnv({
      TWILIO_AUTH_TOKEN: undefined,
      TWILIO_API_KEY: sim.apiKeySid,
      TWILIO_API_SECRET: sim.apiKeySecret,
    });
    const result = await run(['--out', 'report.csv'], { env });
    expect(result.code).toBe(EXIT_CODES.ok);
    expect(readCsv(path.join(workDir, 'report.csv')).length).toBeGreaterThan(0);
  });
});

describe('close', () => {
  it('with --yes closes exactly the stuck tasks, re-checked and with If-Match, and prints totals', async () => {
    const stuck = sim.listTasks({ verdict: 'stuck' });
    const cancels = stuck.filter((task) => task.action === 'cancel').length;

    const result = await run(['close', '--yes', '--identity', 'ops-night-shift']);

    expect(result.code).toBe(EXIT_CODES.ok);
    const updates = sim.updateLog().filter((entry) => entry.source === 'api');
    expect(sorted(updates.map((entry) => entry.taskSid))).toEqual(sorted(stuck.map((task) => task.sid)));
    for (const update of updates) {
      expect(update.ifMatch).toBe(update.etagBefore);
      expect(update.reason).toBe('Orchestration issue: closed stuck voice Task. Closed by ops-night-shift.');
      expect(update.to).toBe(update.from === 'assigned' ? 'completed' : 'canceled');
    }
    expect(result.stdout).toContain(
      `Totals: ${cancels} canceled, ${stuck.length - cancels} completed, 0 not stuck, 0 not found, 0 failed`,
    );
    for (const task of stuck) expect(result.stdout).toContain(task.sid);
    expect(oracle('stuck')).toEqual([]);
  });

  it('refuses without a terminal and without --yes, before any Twilio request', async () => {
    sim.resetStats();

    const result = await run(['close']);

    expect(result.code).toBe(EXIT_CODES.notConfirmed);
    expect(result.stderr).toContain('Re-run with --yes');
    expect(sim.stats().totalRequests).toBe(0);
    expect(sim.updateLog()).toEqual([]);
  });

  it('asks on a terminal: "n" closes nothing, "y" closes', async () => {
    const declined = await run(['close'], { answer: 'n' });
    expect(declined.code).toBe(EXIT_CODES.notConfirmed);
    expect(declined.stderr).toContain(`Close ${oracle('stuck').length} tasks in workspace ${sim.workspaceSid}`);
    expect(declined.stderr).toContain('Nothing was closed');
    expect(sim.updateLog()).toEqual([]);

    const accepted = await run(['close'], { answer: 'y' });
    expect(accepted.code).toBe(EXIT_CODES.ok);
    expect(oracle('stuck')).toEqual([]);
  });

  it('a close that scanned first writes each outcome with the kind, legs and agent the scan saw', async () => {
    const stuck = sim.listTasks({ verdict: 'stuck' });
    const result = await run(['close', '--yes', '--out', 'outcomes.csv']);
    expect(result.code).toBe(EXIT_CODES.ok);
    const rows = readCsv(path.join(workDir, 'outcomes.csv'));
    expect(rows).toHaveLength(stuck.length);
    for (const task of stuck) {
      const row = rows.find((entry) => entry.taskSid === task.sid);
      expect(row).toMatchObject({
        outcome: task.action === 'cancel' ? 'canceled' : 'completed',
        suspectKind: task.stuckKind,
        assignmentStatus: task.assignmentStatus,
        legs: task.legs.map((leg) => `${leg.role}:${leg.callSid}:${leg.status}`).join('; '),
      });
      if (task.assignmentStatus === 'pending') expect(row?.workerSid).toBe('');
    }
  });

  it('--from closes only the tasks listed in an edited report, and writes the outcomes', async () => {
    await run(['--out', 'report.csv']);
    const file = path.join(workDir, 'report.csv');
    const lines = fs.readFileSync(file, 'utf8').split('\r\n');
    const kept = lines.slice(0, 4);
    fs.writeFileSync(file, kept.join('\r\n'));
    const keptSids = sorted(readCsv(file).map((row) => row.taskSid));

    const result = await run(['close', '--from', 'report.csv', '--yes', '--out', 'outcomes.json']);

    expect(result.code).toBe(EXIT_CODES.ok);
    expect(sorted(sim.updateLog().map((entry) => entry.taskSid))).toEqual(keptSids);
    const outcomes = JSON.parse(fs.readFileSync(path.join(workDir, 'outcomes.json'), 'utf8'));
    expect(outcomes.results).toHaveLength(3);
    expect(outcomes.totals.failed).toBe(0);
    expect(outcomes.totals.canceled + outcomes.totals.completed).toBe(3);
  });

  it('--from reports a task whose call came back to life as not stuck, and leaves it open', async () => {
    await run(['--out', 'report.json']);
    const [revived] = sim.listTasks({ verdict: 'stuck' });
    sim.reviveCall(revived.callSid as string);

    const result = await run(['close', '--from', 'report.json', '--yes']);

    expect(result.code).toBe(EXIT_CODES.ok);
    expect(result.stdout).toMatch(new RegExp(`${revived.sid}\\s+not_stuck`));
    expect(sim.getTask(revived.sid)?.assignmentStatus).toBe(revived.assignmentStatus);
    expect(sim.updateLog().some((entry) => entry.taskSid === revived.sid)).toBe(false);
  });

  it('rejects a --from file with bad rows, naming them, and changes nothing', async () => {
    fs.writeFileSync(
      path.join(workDir, 'bad.csv'),
      'kind,taskSid\r\nsuspect,WT123\r\nsuspect,"WT00000000000000000000000000000000; DROP TABLE"\r\n',
    );

    const result = await run(['close', '--from', 'bad.csv', '--yes']);

    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toContain('2 entries are not Task SIDs');
    expect(result.stderr).toContain('line 2: "WT123"');
    expect(sim.updateLog()).toEqual([]);
  });

  it('exits 1 and reports each task as failed when Twilio keeps failing during the close', async () => {
    await run(['--out', 'report.csv']);
    const stuckCount = oracle('stuck').length;
    sim.configure({ errorRate: 1 });

    const result = await run(['close', '--from', 'report.csv', '--yes'], { tuning: GIVE_UP_FAST });

    expect(result.code).toBe(EXIT_CODES.tasksFailed);
    expect(result.stdout).toContain(`0 canceled, 0 completed, 0 not stuck, 0 not found, ${stuckCount} failed`);
    expect(result.stderr).toContain(`${stuckCount} tasks failed to close`);
    expect(sim.updateLog()).toEqual([]);
  });
});

describe('history', () => {
  const DAY_S = 86_400;
  /** The seeded closures this service made within the last `days` days, newest first (the oracle). */
  const ourClosures = (days: number) =>
    sim
      .listEvents()
      .filter((event) => event.eventType === 'task.canceled' || event.eventType === 'task.completed')
      .filter((event) => event.reason?.startsWith(SANDBOX_CLOSE_REASON))
      .filter((event) => Date.now() - Date.parse(event.eventDate) < days * DAY_S * 1000 - 60_000)
      .reverse();

  it('prints a table of this service’s closures and writes them all to a CSV, others’ left out', async () => {
    const expected = ourClosures(14);
    expect(expected.length).toBeGreaterThan(10);
    const result = await run(['history', '--days', '14', '--out', 'history.csv']);
    expect(result.code).toBe(EXIT_CODES.ok);
    expect(result.stdout).toMatch(new RegExp(`${expected.length} tasks closed by this service in the last 14 days`));
    expect(result.stdout).toMatch(/Closed at\s+Task\s+Outcome\s+Closed by\s+Queue\s+Channel/);
    expect(result.stdout).toContain(expected[0].taskSid);
    expect(result.stdout).toMatch(/Wrote \d+ closures \(CSV\)/);
    const rows = readCsv(path.join(workDir, 'history.csv'));
    expect(rows.map((row) => row.taskSid)).toEqual(expected.map((event) => event.taskSid));
    expect(Object.keys(rows[0])).toEqual([
      'closedAt',
      'taskSid',
      'outcome',
      'closedBy',
      'taskQueueName',
      'taskChannel',
      'reason',
    ]);
    expect(new Set(rows.map((row) => row.closedBy))).toEqual(
      new Set(['ada_40sandbox_2Eexample', 'sam_40sandbox_2Eexample', 'cli:ops', 'cli:night-shift']),
    );
    expect(rows.every((row) => row.reason.startsWith(SANDBOX_CLOSE_REASON))).toBe(true);
  });

  it('covers 7 days by default', async () => {
    const result = await run(['history', '--out', '-']);
    expect(result.code).toBe(EXIT_CODES.ok);
    const rows = parseCsv(result.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row.taskSid)).toEqual(ourClosures(7).map((event) => event.taskSid));
    expect(result.stderr).toMatch(/in the last 7 days/);
  });

  it('finds the closures the CLI just made, with its operator’s identity, and guards formula cells', async () => {
    const closed = await run(['close', '--yes', '--identity', 'ops-night-shift']);
    expect(closed.code).toBe(EXIT_CODES.ok);
    sim.addClosureEvent({
      status: 'canceled',
      reason: `${SANDBOX_CLOSE_REASON} Closed by =HYPERLINK("http://evil.example").`,
      closedSecondsAgo: 30,
      taskQueueName: 'Sales',
    });
    const result = await run(['history', '--days', '1', '--out', 'today.json']);
    expect(result.code).toBe(EXIT_CODES.ok);
    const report = JSON.parse(fs.readFileSync(path.join(workDir, 'today.json'), 'utf8'));
    const byCli = report.entries.filter((entry: { closedBy: string }) => entry.closedBy === 'ops-night-shift');
    const closedNow = sim.updateLog().filter((entry) => entry.reason?.endsWith('Closed by ops-night-shift.'));
    expect(closedNow.length).toBeGreaterThan(0);
    expect(byCli.map((entry: { taskSid: string }) => entry.taskSid).sort()).toEqual(
      closedNow.map((entry) => entry.taskSid).sort(),
    );
    expect(report).toMatchObject({ workspaceSid: sim.workspaceSid, days: 1 });
    const csv = await run(['history', '--days', '1', '--out', 'today.csv']);
    expect(csv.code).toBe(EXIT_CODES.ok);
    const text = fs.readFileSync(path.join(workDir, 'today.csv'), 'utf8');
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(text).toMatch(/\r\n/);
  });

  it.each([['0'], ['31'], ['abc'], ['7.5']])('refuses --days %s before any Twilio request', async (days) => {
    sim.resetStats();
    const result = await run(['history', '--days', days]);
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(/--days.*must be a whole number from 1 to 30/);
    expect(sim.stats().totalRequests).toBe(0);
  });
});

describe('orphans', () => {
  const IDLE_S = 2 * 3600;
  let orphans: string[];

  beforeEach(() => {
    orphans = [
      sim.addConversation({ state: 'active', updatedSecondsAgo: IDLE_S }),
      sim.addConversation({ state: 'inactive', updatedSecondsAgo: IDLE_S + 60 }),
      sim.addConversation({
        state: 'active',
        updatedSecondsAgo: IDLE_S,
        friendlyName: '=HYPERLINK("http://evil.example")',
      }),
    ];
    sim.addConversation({ state: 'closed', updatedSecondsAgo: IDLE_S });
    sim.addConversation({ state: 'active', updatedSecondsAgo: 0 });
  });

  it('prints the conversations going with no open task and writes them to a CSV, changing nothing', async () => {
    const result = await run(['orphans', '--out', 'orphans.csv']);
    expect(result.code).toBe(EXIT_CODES.ok);
    expect(result.stdout).toMatch(/3 conversations still going with no open task, idle longer than 60 seconds/);
    expect(result.stdout).toMatch(/Listed for review only: nothing here is closed/);
    expect(result.stdout).toMatch(/Conversation\s+State\s+Idle\s+Last change\s+Name/);
    expect(result.stdout).toContain('2h 0m');
    expect(result.stdout).toMatch(/Wrote 3 conversations \(CSV\)/);
    const rows = readCsv(path.join(workDir, 'orphans.csv'));
    expect(sorted(rows.map((row) => row.conversationSid))).toEqual(sorted(orphans));
    expect(Object.keys(rows[0])).toEqual([
      'conversationSid',
      'state',
      'friendlyName',
      'dateCreated',
      'dateUpdated',
      'idleSeconds',
    ]);
    expect(fs.readFileSync(path.join(workDir, 'orphans.csv'), 'utf8')).toContain(
      `"'=HYPERLINK(""http://evil.example"")"`,
    );
    expect(sim.updateLog()).toEqual([]);
    expect(sim.channelUpdateLog()).toEqual([]);
  });

  it('writes JSON to standard output with the counts, the table going to standard error', async () => {
    const result = await run(['orphans', '--out', '-', '--format', 'json']);
    expect(result.code).toBe(EXIT_CODES.ok);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ workspaceSid: sim.workspaceSid, graceSeconds: 60 });
    expect(sorted(report.conversations.map((c: { conversationSid: string }) => c.conversationSid))).toEqual(
      sorted(orphans),
    );
    expect(report.counts.orphaned).toBe(3);
    expect(report.counts.scanned).toBe(report.counts.orphaned + report.counts.withOpenTask + report.counts.recent);
    expect(result.stderr).toMatch(/3 conversations still going/);
  });

  it('with MESSAGING=off lists none and asks Twilio nothing', async () => {
    sim.resetStats();
    const result = await run(['orphans'], { env: simEnv({ MESSAGING: 'off' }) });
    expect(result.code).toBe(EXIT_CODES.ok);
    expect(result.stdout).toMatch(/MESSAGING=off/);
    expect(sim.stats().totalRequests).toBe(0);
  });
});

describe('errors', () => {
  it('names every missing setting (exit 2)', async () => {
    const result = await run(['scan'], { env: {} });
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toContain('TWILIO_ACCOUNT_SID is missing');
    expect(result.stderr).toContain('set TWILIO_AUTH_TOKEN, or the API key pair');
    expect(result.stderr).toContain('TASKROUTER_WORKSPACE_SID is missing');
  });

  it('says which setting is malformed', async () => {
    const result = await run(['scan'], { env: simEnv({ STUCK_GRACE_SECONDS: 'soon', TWILIO_API_KEY: 'SKnope' }) });
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toContain('STUCK_GRACE_SECONDS must be a whole number');
    expect(result.stderr).toContain('TWILIO_API_KEY must be SK followed by 32 hex digits');
    expect(result.stderr).toContain('TWILIO_API_SECRET is missing');
  });

  it('reports credentials Twilio rejects (401, exit 3)', async () => {
    const result = await run(['scan', '--out', 'r.csv'], { env: simEnv({ TWILIO_AUTH_TOKEN: 'x'.repeat(32) }) });
    expect(result.code).toBe(EXIT_CODES.unauthorized);
    expect(result.stderr).toContain('Twilio rejected the credentials (HTTP 401, Twilio error 20003)');
    expect(result.stderr).toContain(`Check TWILIO_ACCOUNT_SID (${sim.accountSid}) and TWILIO_AUTH_TOKEN`);
    expect(fs.existsSync(path.join(workDir, 'r.csv'))).toBe(false);
  });

  it('reports a workspace the account does not have (404, exit 4)', async () => {
    const result = await run(['scan'], { env: simEnv({ TASKROUTER_WORKSPACE_SID: `WS${'0'.repeat(32)}` }) });
    expect(result.code).toBe(EXIT_CODES.workspaceNotFound);
    expect(result.stderr).toContain(`Workspace WS${'0'.repeat(32)} was not found in account ${sim.accountSid}`);
  });

  it('reports a Twilio that cannot be reached (exit 5)', async () => {
    const gone = await startSimulator();
    await gone.stop();
    const env = simEnv({ TWILIO_API_BASE_URL: gone.url });
    const result = await run(['scan', '--out', 'r.csv'], { env, tuning: GIVE_UP_FAST });
    expect(result.code).toBe(EXIT_CODES.upstream);
    expect(result.stderr).toContain('no answer from Twilio');
  });

  it('rejects bad arguments with usage help (exit 2)', async () => {
    for (const argv of [['--concurrency', '0'], ['scan', '--format', 'xml'], ['purge'], ['close', '--frm', 'x']]) {
      const result = await run(argv);
      expect(result.code).toBe(EXIT_CODES.usage);
      expect(result.stderr).toMatch(/error: /);
    }
    expect(sim.updateLog()).toEqual([]);
  });

  it('refuses a headroom not below the account limit, from flags or settings, before any request (exit 2)', async () => {
    sim.resetStats();
    const flags = await run(['scan', '--out', 'r.csv', '--account-limit', '40', '--headroom', '40']);
    expect(flags.code).toBe(EXIT_CODES.usage);
    expect(flags.stderr).toMatch(/headroom \(40.*must be below the account limit \(40/);
    const mixed = await run(['scan', '--out', 'r.csv', '--account-limit', '10'], {
      env: simEnv({ TWILIO_CONCURRENCY_HEADROOM: '12' }),
    });
    expect(mixed.code).toBe(EXIT_CODES.usage);
    expect(mixed.stderr).toMatch(/headroom \(12.*account limit \(10/);
    const badFlag = await run(['scan', '--headroom', 'lots']);
    expect(badFlag.code).toBe(EXIT_CODES.usage);
    expect(badFlag.stderr).toMatch(/--headroom/);
    expect(sim.stats().totalRequests).toBe(0);
  });

  it('keeps requests in flight at limit − headroom by default, caps them at TWILIO_MAX_CONCURRENT_REQUESTS, and --concurrency wins', async () => {
    // Latency keeps the scan's first requests (three live-call lists and the task list, sent together)
    // in flight at once, so the simulator's peak shows the cap.
    sim.configure({ latencyMs: 20 });
    sim.resetStats();
    expect((await run(['scan', '--out', 'a.csv'], { env: simEnv({ TWILIO_MAX_CONCURRENT_REQUESTS: '2' }) })).code).toBe(
      EXIT_CODES.ok,
    );
    expect(sim.stats().peakConcurrency).toBe(2);
    sim.resetStats();
    const flag = await run(['scan', '--out', 'b.csv', '--concurrency', '3'], {
      env: simEnv({ TWILIO_MAX_CONCURRENT_REQUESTS: '2' }),
    });
    expect(flag.code).toBe(EXIT_CODES.ok);
    expect(sim.stats().peakConcurrency).toBe(3);
    // Default, with a tiny account: the cap is the account limit (3), never reached blind: the window
    // starts at the target 3 − 1 = 2 (--account-limit, --headroom) and grows only while Twilio counts
    // fewer than that, so the account is never over its limit and nothing is refused.
    sim.configure({ concurrencyLimit: 3 });
    sim.resetStats();
    const target = await run(['scan', '--out', 'c.csv', '--account-limit', '3', '--headroom', '1']);
    expect(target.code).toBe(EXIT_CODES.ok);
    expect(sim.stats().peakConcurrency).toBeGreaterThanOrEqual(2);
    expect(sim.stats().peakConcurrency).toBeLessThanOrEqual(3);
    expect(sim.stats().throttled).toBe(0);
    sim.configure({ concurrencyLimit: null });
  });

  it('refuses a cap above the account limit or not a whole number, from flags or settings, before any request (exit 2)', async () => {
    sim.resetStats();
    const above = await run(['scan', '--out', 'r.csv', '--concurrency', '150']);
    expect(above.code).toBe(EXIT_CODES.usage);
    expect(above.stderr).toMatch(/most requests in flight \(150.*must not exceed the account limit \(100/);
    const belowFlag = await run(['scan', '--out', 'r.csv', '--account-limit', '10', '--headroom', '2'], {
      env: simEnv({ TWILIO_MAX_CONCURRENT_REQUESTS: '20' }),
    });
    expect(belowFlag.code).toBe(EXIT_CODES.usage);
    expect(belowFlag.stderr).toMatch(/\(20, --concurrency or TWILIO_MAX_CONCURRENT_REQUESTS\).*\(10, --account-limit/);
    const setting = await run(['scan', '--out', 'r.csv'], { env: simEnv({ TWILIO_MAX_CONCURRENT_REQUESTS: 'many' }) });
    expect(setting.code).toBe(EXIT_CODES.usage);
    expect(setting.stderr).toMatch(/TWILIO_MAX_CONCURRENT_REQUESTS must be a whole number/);
    for (const value of ['0', '2.5', '10001']) {
      const flag = await run(['scan', '--out', 'r.csv', '--concurrency', value]);
      expect(flag.code).toBe(EXIT_CODES.usage);
      expect(flag.stderr).toMatch(/--concurrency/);
    }
    expect(sim.stats().totalRequests).toBe(0);
  });

  it('refuses an output file it could not write, before scanning', async () => {
    sim.resetStats();
    const result = await run(['scan', '--out', path.join(workDir, 'missing-dir', 'r.csv')]);
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toContain('Cannot write');
    expect(sim.stats().totalRequests).toBe(0);
  });
});

describe('the installed bin', () => {
  function spawnBin(argv: string[], env: Env): Promise<RunResult> {
    const bin = path.resolve(__dirname, '../../bin/stuck-tasks.js');
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [bin, ...argv], {
        cwd: workDir,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      child.stdin.end();
    });
  }

  it('runs the TypeScript CLI without a build step: scan, then close refusing without --yes', async () => {
    const scan = await spawnBin(['scan', '--out', 'report.csv'], simEnv());
    expect(scan.stderr).toBe('');
    expect(scan.code).toBe(EXIT_CODES.ok);
    expect(readCsv(path.join(workDir, 'report.csv')).length).toBe(
      oracle('stuck').length + oracle('needs_review').length,
    );

    const close = await spawnBin(['close', '--from', 'report.csv'], simEnv());
    expect(close.code).toBe(EXIT_CODES.notConfirmed);
    expect(close.stderr).toContain('standard input is not a terminal');
    expect(sim.updateLog()).toEqual([]);
  });
});

describe('close stopped by Ctrl-C (the installed bin)', () => {
  interface RunningBin {
    child: ReturnType<typeof spawn>;
    stderr: () => string;
    exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  }

  function startBin(argv: string[], env: Env): RunningBin {
    const bin = path.resolve(__dirname, '../../bin/stuck-tasks.js');
    const child = spawn(process.execPath, [bin, ...argv], {
      cwd: workDir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout?.resume();
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve({ code, signal }));
    });
    return { child, stderr: () => stderr, exited };
  }

  /** Waits for what the test needs to see; the test's own time limit bounds it. */
  async function until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  let reportedStuck: string[];

  beforeEach(async () => {
    sim.reset('cli-interrupt', { openTasks: 300, recentlyEndedShare: 0 });
    await run(['--out', 'report.csv']);
    reportedStuck = readCsv(path.join(workDir, 'report.csv'))
      .filter((row) => row.kind === 'suspect')
      .map((row) => row.taskSid);
    // Slow enough that the closes are still going when Ctrl-C arrives, whatever the machine.
    sim.configure({ latencyMs: 100 });
  });

  afterEach(async () => {
    sim.configure({ latencyMs: 0 });
    // No request of the killed CLI may land in the next test's workspace.
    await until(() => sim.stats().inFlight === 0);
  });

  const closeArgs = ['close', '--from', 'report.csv', '--yes', '--concurrency', '2', '--out', 'outcomes.json'];

  it('a first Ctrl-C starts no further task, lets those in flight finish, writes their real outcomes and exits 130', async () => {
    const cli = startBin(closeArgs, simEnv());
    await until(() => sim.updateLog().length > 0);

    cli.child.kill('SIGINT');

    expect(await cli.exited).toEqual({ code: EXIT_CODES.interrupted, signal: null });
    expect(cli.stderr()).toContain('Stopping: no further task is started');
    const results: CloseResult[] = JSON.parse(fs.readFileSync(path.join(workDir, 'outcomes.json'), 'utf8')).results;
    expect(sorted(results.map((result) => result.taskSid))).toEqual(sorted(reportedStuck));
    const closed = results.filter((result) => result.outcome === 'canceled' || result.outcome === 'completed');
    const notAttempted = results.filter((result) => result.outcome === 'failed' && result.message === NOT_ATTEMPTED);
    expect(closed.length).toBeGreaterThan(0);
    expect(notAttempted.length).toBeGreaterThan(0);
    expect(closed.length + notAttempted.length).toBe(results.length);
    expect(cli.stderr()).toContain(`Stopped by Ctrl-C: ${notAttempted.length} tasks were not attempted`);
    // Each close in flight is reported as what it did; nothing else was changed.
    for (const result of closed) expect(sim.getTask(result.taskSid)?.assignmentStatus).toBe(result.outcome);
    const updated = sim.updateLog().filter((entry) => entry.source === 'api');
    expect(sorted(updated.map((entry) => entry.taskSid))).toEqual(sorted(closed.map((result) => result.taskSid)));
    for (const result of notAttempted) {
      expect(['pending', 'reserved', 'assigned']).toContain(sim.getTask(result.taskSid)?.assignmentStatus);
    }
  });

  it('a second Ctrl-C quits at once, without waiting for the closes in flight or writing the report', async () => {
    const cli = startBin(closeArgs, simEnv());
    await until(() => sim.updateLog().length > 0);
    // From here each Twilio answer takes 3 s: the closes in flight are still waiting at the second Ctrl-C.
    sim.configure({ latencyMs: 3_000 });

    cli.child.kill('SIGINT');
    await until(() => cli.stderr().includes('Ctrl-C again quits at once'));
    cli.child.kill('SIGINT');

    const exit = await cli.exited;
    expect(exit.signal === 'SIGINT' || exit.code === EXIT_CODES.interrupted).toBe(true);
    expect(fs.existsSync(path.join(workDir, 'outcomes.json'))).toBe(false);
    expect(cli.stderr()).not.toContain('Stopped by Ctrl-C');
  });
});
