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
import { promises as fs } from 'fs';
import path from 'path';
import type { Page } from 'playwright-core';
import { launchChromium, openAs } from '../../e2e/support/browser';
import { navLink } from '../../e2e/support/stuckTasksView';
import { REPO_ROOT } from '../../sandbox/src/start/builds';
import { startSandbox } from '../../sandbox/src/start/sandbox';
import type { BrowserMessage } from './browserMessages';

/** A close of thousands of tasks at 100 ms per Twilio request takes minutes on a busy machine. */
const CLOSE_TIMEOUT_MS = 15 * 60_000;

/**
 * Waits until a paragraph of the page matches `pattern`, looking four times a second at paragraphs'
 * text only. Not Playwright's `getByText`/`getByRole(…).waitFor()`: those poll on every animation
 * frame, each time matching text or computing ARIA roles and visibility over the whole page (some
 * 12,000 elements with 2,000 suspects listed), and that polling kept the page's main thread busy for
 * most of the scan and the close, so the bench measured Playwright more than the view (profiles:
 * BENCH_PROFILE=1). A supervisor's browser does none of it.
 */
async function waitForParagraph(page: Page, pattern: string): Promise<void> {
  await page.waitForFunction(
    (source) => {
      const wanted = new RegExp(source);
      return Array.from(document.querySelectorAll('p')).some((paragraph) => wanted.test(paragraph.textContent ?? ''));
    },
    pattern,
    { polling: 250, timeout: CLOSE_TIMEOUT_MS },
  );
}

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

    // The page's own main-thread time (Chrome's TaskDuration): how much of the machine the view used.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const mainThreadMs = async () =>
      1000 *
      ((await cdp.send('Performance.getMetrics')).metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? 0);
    const atStart = await mainThreadMs();
    // BENCH_PROFILE=1: Chrome CPU profiles of the page's scan and close (artifacts/bench/browser-*.cpuprofile).
    const profiling = Boolean(process.env.BENCH_PROFILE);
    const saveProfile = async (name: string) => {
      if (!profiling) return;
      const { profile } = await cdp.send('Profiler.stop');
      await fs.writeFile(
        path.join(REPO_ROOT, 'artifacts', 'bench', `browser-${name}.cpuprofile`),
        JSON.stringify(profile),
      );
      await cdp.send('Profiler.start');
    };
    if (profiling) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
      await cdp.send('Profiler.start');
    }

    // Opening the view starts its scan (as e2e's scanInView, with a bench-sized timeout).
    const started = Date.now();
    await navLink(page).click();
    await waitForParagraph(page, '^Scan finished:');
    const scanned = Date.now();
    const afterScan = await mainThreadMs();
    await saveProfile('scan');
    // Paste draws its own checkbox over a visually hidden input: click what the user sees.
    const selectAll = page.getByRole('checkbox', { name: 'Select all stuck tasks' });
    await page.locator(`label[for="${await selectAll.getAttribute('id')}"]`).click();
    const closeButton = page.getByRole('button', { name: /^Close stuck tasks \([\d,]+\)$/ });
    const selected = Number(/\(([\d,]+)\)/.exec((await closeButton.textContent()) ?? '')?.[1]?.replace(/,/g, '') ?? 0);
    await closeButton.click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Close tasks' }).click();
    const summary = page.getByText(/^Closed [\d,]+ of [\d,]+ tasks:/).first();
    await waitForParagraph(page, '^Closed [\\d,]+ of [\\d,]+ tasks:');
    const closed = Date.now();
    const afterClose = await mainThreadMs();
    await saveProfile('close');
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
        pageMainThreadMs: { scan: afterScan - atStart, close: afterClose - afterScan },
      },
    } satisfies BrowserMessage);
  } catch (error) {
    process.send?.({ failed: (error as Error).stack ?? String(error) } satisfies BrowserMessage);
  }
}

void main().catch((error: unknown) => {
  process.send?.({ failed: (error as Error).stack ?? String(error) } satisfies BrowserMessage);
});
