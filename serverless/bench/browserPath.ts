/**
 * The bench's browser row (`--only load`): the supervisor's path, exactly as a supervisor takes it. The
 * whole sandbox (the Twilio simulator, the real Functions under twilio-run, the page running the real
 * Flex UI with the plugin) and Chromium driving that page: open the plugin's view (it scans by itself),
 * select every stuck task, close them, wait for the summary.
 *
 * Runs in a process of its own, started with the sandbox's require hook (sandbox/src/start/register-ts.js:
 * the sandbox finds its builds and launchers from its files' own paths, so it cannot be bundled like
 * the bench). It tells the bench its simulator's address; the bench seeds the workspace through the
 * control API as for every other row, then says "go" and judges the outcome itself.
 */
import path from 'path';
import { launchChromium, openAs } from '../../e2e/support/browser';
import { navLink } from '../../e2e/support/stuckTasksView';
import { REPO_ROOT } from '../../sandbox/src/start/builds';
import { startSandbox } from '../../sandbox/src/start/sandbox';
import type { BrowserMessage } from './browserMessages';

/** A close of thousands of tasks at 100 ms per Twilio request takes minutes on a busy machine. */
const CLOSE_TIMEOUT_MS = 15 * 60_000;

async function main(): Promise<void> {
  const instances = process.argv[2];
  if (instances !== 'cold' && instances !== 'warm')
    throw new Error(`Function instances: cold or warm, got ${instances}`);
  const sandbox = await startSandbox({
    functionInstances: instances,
    seed: 'bench',
    // Seeded again by the bench through the control API; small here so the page boots fast.
    tasks: 10,
    wrapupOverdueMinutes: null,
    ports: { simulator: 0, functions: 0, host: 0 },
    logDir: path.join(REPO_ROOT, 'artifacts', 'bench'),
    say: (line) => process.stderr.write(`    [sandbox] ${line}\n`),
  });
  const browser = await launchChromium();
  const stop = async () => {
    await browser.close().catch(() => undefined);
    await sandbox.stop();
  };
  process.once('disconnect', () => {
    void stop().finally(() => process.exit(0));
  });
  try {
    const admin = await openAs(browser, sandbox, 'admin');
    const { page } = admin;
    page.setDefaultTimeout(CLOSE_TIMEOUT_MS);
    const sim = sandbox.simulator;
    await new Promise<void>((resolve) => {
      process.once('message', () => resolve());
      process.send?.({
        ready: {
          url: sim.url,
          accountSid: sim.accountSid,
          authToken: sim.authToken,
          workspaceSid: sim.workspaceSid,
          controlSecret: sim.controlSecret,
        },
      } satisfies BrowserMessage);
    });

    // Opening the view starts its scan (as e2e's scanInView, with a bench-sized timeout).
    const started = Date.now();
    await navLink(page).click();
    const progress = page.getByRole('progressbar', { name: 'Scan progress' });
    const finished = page.getByText(/^Scan finished:/);
    await progress.or(finished).first().waitFor();
    await progress.waitFor({ state: 'detached', timeout: CLOSE_TIMEOUT_MS });
    await finished.waitFor();
    const scanned = Date.now();
    // Paste draws its own checkbox over a visually hidden input: click what the user sees.
    const selectAll = page.getByRole('checkbox', { name: 'Select all stuck tasks' });
    await page.locator(`label[for="${await selectAll.getAttribute('id')}"]`).click();
    const closeButton = page.getByRole('button', { name: /^Close stuck tasks \([\d,]+\)$/ });
    const selected = Number(/\(([\d,]+)\)/.exec((await closeButton.textContent()) ?? '')?.[1]?.replace(/,/g, '') ?? 0);
    await closeButton.click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Close tasks' }).click();
    const summary = page.getByText(/^Closed [\d,]+ of [\d,]+ tasks:/).first();
    await summary.waitFor({ timeout: CLOSE_TIMEOUT_MS });
    const closed = Date.now();
    // A failed task stays in the list with its reason: the first one says why (the bench's note).
    const failedRow = page.getByRole('table', { name: 'Stuck tasks' }).getByRole('row').filter({ hasText: 'Failed' });
    const firstFailure = (await failedRow.count()) > 0 ? await failedRow.first().textContent() : null;
    process.send?.({
      done: {
        scanMs: scanned - started,
        closeMs: closed - scanned,
        selected,
        summary: (await summary.textContent()) ?? '',
        firstFailure,
      },
    } satisfies BrowserMessage);
  } catch (error) {
    process.send?.({ failed: (error as Error).stack ?? String(error) } satisfies BrowserMessage);
  }
}

void main().catch((error: unknown) => {
  process.send?.({ failed: (error as Error).stack ?? String(error) } satisfies BrowserMessage);
});
