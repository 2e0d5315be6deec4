import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const PRELOAD = path.join(__dirname, 'local-runtime.js');

/**
 * A stand-in for the launcher (functions.ts): starts a long-running child with the preload and the
 * same stdio as twilio-run gets, prints the child's pid and stays alive.
 */
const LAUNCHER = `
  const { spawn } = require('node:child_process');
  const child = spawn(process.execPath, ['--require', ${JSON.stringify(PRELOAD)}, '-e', 'setInterval(() => {}, 1000)'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  console.log(child.pid);
  setInterval(() => {}, 1000);
`;

/** Whether `pid` still runs (an exited child nobody has reaped yet is a zombie: it does not run). */
function isRunning(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

describe('local-runtime preload', () => {
  let childPid: number | null = null;

  afterEach(() => {
    // Only if the test failed: the child must not outlive it.
    if (childPid !== null && isRunning(childPid)) process.kill(childPid, 'SIGKILL');
    childPid = null;
  });

  it('stops the process it runs in when its launcher is killed with SIGKILL', async () => {
    const launcher = spawn(process.execPath, ['-e', LAUNCHER], { stdio: ['ignore', 'pipe', 'inherit'] });
    const launcherExited = new Promise<void>((resolve) => launcher.once('exit', () => resolve()));
    childPid = await new Promise<number>((resolve, reject) => {
      launcher.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      launcher.once('exit', () => reject(new Error('the launcher exited before starting its child')));
    });
    expect(childPid).toBeGreaterThan(0);
    expect(isRunning(childPid)).toBe(true);

    launcher.kill('SIGKILL');
    await launcherExited;

    // Generous: the watchdog reacts as soon as the kernel closes the channel, not on a timer.
    const pid = childPid;
    expect(await waitUntil(() => !isRunning(pid), 20_000)).toBe(true);
  }, 30_000);
});
