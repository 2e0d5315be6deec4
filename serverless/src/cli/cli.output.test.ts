/**
 * What the CLI writes and prints, when what it writes or prints comes from someone else: report
 * files never overwrite or follow a link unless told to, every CSV has the formula guard, and queue
 * names with terminal escape codes reach the terminal harmless. Against the simulator, in-process.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { PassThrough } from 'stream';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Suspect } from '@plugin-stuck-tasks/contract';
import type { Simulator } from '@plugin-stuck-tasks/sandbox';
import { startSimulator } from '@plugin-stuck-tasks/sandbox';
import { EXIT_CODES } from './errors';
import { runCli } from './main';
import { formatOutcomes, formatReport } from './report';

jest.setTimeout(60_000);

let sim: Simulator;
let workDir: string;

async function run(argv: string[], env: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end();
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  stdout.on('data', (chunk: Buffer) => chunks.stdout.push(chunk));
  stderr.on('data', (chunk: Buffer) => chunks.stderr.push(chunk));
  const io = {
    stdin,
    stdout,
    stderr,
    cwd: workDir,
    env: {
      TWILIO_ACCOUNT_SID: sim.accountSid,
      TWILIO_AUTH_TOKEN: sim.authToken,
      TASKROUTER_WORKSPACE_SID: sim.workspaceSid,
      TWILIO_API_BASE_URL: sim.url,
      ...env,
    },
  };
  const code = await runCli(argv, io);
  return { code, stdout: Buffer.concat(chunks.stdout).toString(), stderr: Buffer.concat(chunks.stderr).toString() };
}

/** A control character other than a line break, or an invisible formatting one (escape codes start with one). */
const UNPRINTABLE = /[^\n\P{Cc}]|\p{Cf}/u;

const inWorkDir = (name: string) => path.join(workDir, name);
const twilioRequests = () => sim.stats().totalRequests;

beforeAll(async () => {
  sim = await startSimulator({ seed: 'cli-output', scenario: { openTasks: 30 } });
});
afterAll(() => sim.stop());
beforeEach(() => {
  sim.reset('cli-output', { openTasks: 30 });
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stuck-tasks-cli-output-'));
});
afterEach(() => fs.rmSync(workDir, { recursive: true, force: true }));

describe('--out', () => {
  it('refuses to overwrite an existing file, before any Twilio request, unless --overwrite', async () => {
    fs.writeFileSync(inWorkDir('report.csv'), 'keep me');
    fs.writeFileSync(inWorkDir('outcomes.csv'), 'keep me too');
    sim.resetStats();

    const scan = await run(['scan', '--out', 'report.csv']);
    expect(scan.code).toBe(EXIT_CODES.usage);
    expect(scan.stderr).toMatch(/report\.csv: it already exists \(add --overwrite to replace it\)/);
    const close = await run(['close', '--yes', '--out', 'outcomes.csv']);
    expect(close.code).toBe(EXIT_CODES.usage);
    expect(close.stderr).toMatch(/already exists/);
    expect(twilioRequests()).toBe(0);
    expect(sim.updateLog()).toEqual([]);
    expect(fs.readFileSync(inWorkDir('report.csv'), 'utf8')).toBe('keep me');
    expect(fs.readFileSync(inWorkDir('outcomes.csv'), 'utf8')).toBe('keep me too');

    const replaced = await run(['scan', '--out', 'report.csv', '--overwrite']);
    expect(replaced.code).toBe(EXIT_CODES.ok);
    expect(fs.readFileSync(inWorkDir('report.csv'), 'utf8')).toMatch(/^kind,taskSid,/);
  });

  it('never follows a symbolic link, even with --overwrite, and leaves its target alone', async () => {
    const target = inWorkDir('precious.txt');
    fs.writeFileSync(target, 'precious');
    fs.symlinkSync(target, inWorkDir('link.csv'));
    fs.symlinkSync(inWorkDir('missing.txt'), inWorkDir('dangling.csv'));

    for (const argv of [
      ['scan', '--out', 'link.csv'],
      ['scan', '--out', 'link.csv', '--overwrite'],
      ['scan', '--out', 'dangling.csv'],
      ['close', '--yes', '--out', 'link.csv', '--overwrite'],
    ]) {
      const result = await run(argv);
      expect(result.code).toBe(EXIT_CODES.usage);
      expect(result.stderr).toMatch(/it is a symbolic link, which is never followed/);
    }
    expect(fs.readFileSync(target, 'utf8')).toBe('precious');
    expect(fs.existsSync(inWorkDir('missing.txt'))).toBe(false);
    expect(sim.updateLog()).toEqual([]);
  });

  it('writes a new file as before', async () => {
    const result = await run(['scan', '--out', 'new.json']);
    expect(result.code).toBe(EXIT_CODES.ok);
    expect(JSON.parse(fs.readFileSync(inWorkDir('new.json'), 'utf8')).workspaceSid).toBe(sim.workspaceSid);
  });
});

describe('text from Twilio on the terminal', () => {
  it('strips escape codes and control characters from queue names in printed outcomes', async () => {
    const hostile = 'Sup\u001b[2J\u001b]0;owned\u0007port\u001b[31m\r\nQ\u202e';
    sim.reset('cli-output-queues', { openTasks: 10, taskQueues: ['Support', hostile] });
    const call = sim.addCall({ status: 'completed', endedSecondsAgo: 600 });
    const task = sim.addTask({ assignmentStatus: 'pending', taskQueueName: hostile, callSid: call.sid });
    fs.writeFileSync(inWorkDir('targets.csv'), `taskSid\r\n${task.sid}\r\n`);

    const result = await run(['close', '--from', 'targets.csv', '--yes', '--out', 'outcomes.csv'], {
      EXCLUDED_TASK_QUEUES: task.taskQueueSid,
    });

    expect(result.code).toBe(EXIT_CODES.ok);
    const printed = result.stdout + result.stderr;
    expect(printed).toContain('its queue Support  Q is excluded');
    expect(printed).not.toMatch(UNPRINTABLE);
    // The file keeps what Twilio said (CSV-quoted): only the terminal is protected.
    const rows = parseCsv(fs.readFileSync(inWorkDir('outcomes.csv'), 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    expect(rows[0].message).toContain(hostile);
  });
});

describe('the formula guard', () => {
  it('is on every CSV the CLI writes: close outcomes as well as scan reports', () => {
    const outcomes = formatOutcomes(
      'WS0',
      [
        { taskSid: `WT${'0'.repeat(32)}`, outcome: 'not_stuck', message: '=HYPERLINK("http://evil","x")' },
        { taskSid: `WT${'1'.repeat(32)}`, outcome: 'failed', message: '@SUM(1)' },
        { taskSid: `WT${'2'.repeat(32)}`, outcome: 'failed', message: '+1' },
        { taskSid: `WT${'3'.repeat(32)}`, outcome: 'failed', message: '-1' },
      ],
      'csv',
    );
    const messages = (parseCsv(outcomes, { columns: true }) as Record<string, string>[]).map((row) => row.message);
    expect(messages).toEqual([`'=HYPERLINK("http://evil","x")`, "'@SUM(1)", "'+1", "'-1"]);

    const report = formatReport(
      {
        workspaceSid: 'WS0',
        generatedAt: '',
        graceSeconds: 60,
        counts: {
          scanned: 1,
          stuck: 0,
          wrapupOverdue: 0,
          conversationClosed: 0,
          needsReview: 1,
          active: 0,
          skipped: 0,
        },
        suspects: [],
        needsReview: [
          {
            taskSid: `WT${'4'.repeat(32)}`,
            assignmentStatus: 'pending',
            problem: 'no_call_sid',
            taskChannel: '=cmd|"/c calc"!A1',
            taskQueueName: '\tq',
            ageSeconds: 1,
            dateCreated: '',
            callSid: null,
          },
        ],
      } as unknown as Parameters<typeof formatReport>[0],
      'csv',
    );
    const [row] = parseCsv(report, { columns: true }) as Record<string, string>[];
    expect([row.taskChannel, row.taskQueueName]).toEqual([`'=cmd|"/c calc"!A1`, "'\tq"]);
  });
});

describe('the new report columns (issue 10)', () => {
  const CA = `CA${'a'.repeat(32)}`;
  const CB = `CA${'b'.repeat(32)}`;
  const suspect: Suspect = {
    taskSid: `WT${'5'.repeat(32)}`,
    assignmentStatus: 'wrapping',
    taskChannel: 'voice',
    taskQueueName: 'Support',
    ageSeconds: 6000,
    dateCreated: '2024-05-01T10:00:00.000Z',
    workerSid: `WK${'1'.repeat(32)}`,
    workerName: '=Ann',
    kind: 'wrapup_overdue',
    legs: [
      {
        role: 'call_sid',
        callSid: CA,
        status: 'completed',
        endedAt: '2024-05-01T10:30:00.000Z',
        from: '+14155550100',
        to: '+18005550199',
      },
      { role: 'worker', callSid: CB, status: 'canceled', endedAt: null, from: null, to: null },
    ],
    callSid: CA,
    callStatus: 'completed',
    callEndedAt: '2024-05-01T10:30:00.000Z',
    action: 'complete',
    conversationSid: null,
    conversationState: null,
    conversationEndedAt: null,
    interactionSid: null,
    interactionChannelSid: null,
    channelType: null,
  };

  it('scan CSV: suspectKind, legs as role:CallSid:status, and the agent (formula-guarded like every cell)', () => {
    const report = formatReport(
      {
        workspaceSid: 'WS0',
        generatedAt: '',
        graceSeconds: 60,
        counts: {
          scanned: 1,
          stuck: 1,
          wrapupOverdue: 1,
          conversationClosed: 0,
          needsReview: 0,
          active: 0,
          skipped: 0,
        },
        suspects: [suspect],
        needsReview: [],
      },
      'csv',
    );
    const [row] = parseCsv(report, { columns: true }) as Record<string, string>[];
    expect(row).toMatchObject({
      kind: 'suspect',
      suspectKind: 'wrapup_overdue',
      assignmentStatus: 'wrapping',
      legs: `call_sid:${CA}:completed; worker:${CB}:canceled`,
      workerSid: suspect.workerSid,
      workerName: "'=Ann",
    });
  });

  it('close outcomes carry what the scan saw when the close scanned first, and stay empty otherwise', () => {
    const results = [{ taskSid: suspect.taskSid, outcome: 'completed' as const, message: 'Completed.' }];
    const csv = formatOutcomes('WS0', results, 'csv', new Map([[suspect.taskSid, suspect]]));
    expect(parseCsv(csv, { columns: true })).toEqual([
      {
        taskSid: suspect.taskSid,
        outcome: 'completed',
        message: 'Completed.',
        suspectKind: 'wrapup_overdue',
        assignmentStatus: 'wrapping',
        legs: `call_sid:${CA}:completed; worker:${CB}:canceled`,
        workerSid: suspect.workerSid,
        workerName: "'=Ann",
      },
    ]);
    const json = JSON.parse(formatOutcomes('WS0', results, 'json', new Map([[suspect.taskSid, suspect]])));
    expect(json.results[0]).toMatchObject({ suspectKind: 'wrapup_overdue', legs: suspect.legs, workerName: '=Ann' });
    const fromFile = parseCsv(formatOutcomes('WS0', results, 'csv'), { columns: true }) as Record<string, string>[];
    expect(fromFile[0]).toMatchObject({ suspectKind: '', legs: '', workerSid: '' });
  });
});

describe('the messaging report columns (issue 14)', () => {
  it('scan CSV: a messaging suspect has its conversation and channel, no call; a review item its SIDs', () => {
    const CH = `CH${'c'.repeat(32)}`;
    const KD = `KD${'d'.repeat(32)}`;
    const UO = `UO${'e'.repeat(32)}`;
    const base = {
      taskSid: `WT${'6'.repeat(32)}`,
      assignmentStatus: 'assigned' as const,
      taskChannel: 'sms',
      taskQueueName: 'Support',
      ageSeconds: 6000,
      dateCreated: '2024-05-01T10:00:00.000Z',
      workerSid: null,
      workerName: null,
    };
    const report = formatReport(
      {
        workspaceSid: 'WS0',
        generatedAt: '',
        graceSeconds: 60,
        counts: {
          scanned: 2,
          stuck: 1,
          wrapupOverdue: 0,
          conversationClosed: 1,
          needsReview: 1,
          active: 0,
          skipped: 0,
        },
        suspects: [
          {
            ...base,
            kind: 'conversation_closed',
            legs: [],
            callSid: null,
            callStatus: null,
            callEndedAt: null,
            action: 'close_interaction',
            conversationSid: CH,
            conversationState: 'deleted',
            conversationEndedAt: null,
            interactionSid: KD,
            interactionChannelSid: UO,
            channelType: 'whatsapp',
          },
        ],
        needsReview: [
          {
            ...base,
            taskSid: `WT${'7'.repeat(32)}`,
            callSid: null,
            problem: 'no_interaction',
            conversationSid: CH,
            interactionSid: null,
            interactionChannelSid: null,
          },
        ],
      },
      'csv',
    );
    const [suspectRow, reviewRow] = parseCsv(report, { columns: true }) as Record<string, string>[];
    expect(suspectRow).toMatchObject({
      suspectKind: 'conversation_closed',
      action: 'close_interaction',
      callSid: '',
      callStatus: '',
      legs: '',
      conversationSid: CH,
      conversationState: 'deleted',
      conversationEndedAt: '',
      interactionSid: KD,
      interactionChannelSid: UO,
      channelType: 'whatsapp',
    });
    expect(reviewRow).toMatchObject({ problem: 'no_interaction', conversationSid: CH, interactionSid: '' });
  });
});

describe('--identity', () => {
  it.each([
    ['a newline', 'eve\nClosed by ada'],
    ['an escape code', 'eve\u001b[8m'],
    ['a bidirectional override', '\u202eeve'],
    ['too many characters', 'e'.repeat(101)],
  ])('is refused with %s, before any Twilio request', async (_label, identity) => {
    sim.resetStats();
    const result = await run(['close', '--yes', '--identity', identity]);
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(/--identity must be 1 to 100 printable characters/);
    expect(result.stderr).not.toMatch(UNPRINTABLE);
    expect(twilioRequests()).toBe(0);
  });
});
