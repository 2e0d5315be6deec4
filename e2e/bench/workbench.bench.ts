/**
 * Benchmark, not a test (issue 11): how long filtering and select-all take in Chromium with about
 * 2,000 suspects listed. Run it on its own:
 *
 *   npx jest -c jest.e2e.config.js --testMatch '**\/e2e/bench/*.bench.ts' e2e/bench/workbench.bench.ts
 *
 * (or BENCH_TASKS=N to size the workspace). The sandbox is the e2e one (real Flex, real Functions,
 * the simulator); the times are taken inside the page with performance.now(): from dispatching the
 * user's event to React's commit (React 17 handles discrete events synchronously, so that is when
 * the DOM is up to date), and to the next frame (a requestAnimationFrame then a task, after layout
 * and paint). It prints the figures and checks only that each measurement ran; the target is < 100 ms.
 *
 * BENCH_PROFILE=1 also records, after the timed runs (so they are not slowed), a Chrome CPU profile of
 * each kind of change into artifacts/e2e/bench-*.cpuprofile (open in Chrome's DevTools, Performance).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

import type { Page } from 'playwright-core';

import { ARTIFACTS_DIR } from '../support/browser';
import { setUpAdminSession } from '../support/adminSession';
import { scanInView } from '../support/stuckTasksView';

// The default outage makes about 31 % of the tasks call-ended suspects, plus the overdue wrap-ups.
const TASKS = Number(process.env.BENCH_TASKS ?? 6400);
// Warm Function instances: the scan before the timings is quicker, and the view is what is measured.
const session = setUpAdminSession({ tasks: TASKS, functionInstances: 'warm' });
let page: Page;

beforeAll(() => {
  ({ page } = session);
});

interface Timing {
  commitMs: number;
  frameMs: number;
}

/** Runs `act` (in the page) and times it to React's commit and to the next frame. */
function timeInPage(page: Page, act: string, argument: string): Promise<Timing> {
  return page.evaluate(
    async ([body, arg]) => {
      const run = new Function('arg', body) as (arg: string) => void;
      const start = performance.now();
      run(arg);
      const commit = performance.now();
      await new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      return { commitMs: commit - start, frameMs: performance.now() - start };
    },
    [act, argument] as const,
  );
}

const SELECT_QUEUE = `
  const select = document.getElementById('stuck-tasks-filter-queue');
  select.value = arg;
  select.dispatchEvent(new Event('change', { bubbles: true }));
`;
const TYPE_TEXT = `
  const input = document.getElementById('stuck-tasks-filter-text');
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, arg);
  input.dispatchEvent(new Event('input', { bubbles: true }));
`;
const CLICK_SELECT_ALL = `document.getElementById('stuck-tasks-select-all').click();`;
const TICK_FIRST_ROW = `document.querySelector('[id^="stuck-tasks-select-WT"]').click();`;

/** Where the main thread's time went during `run`: Chrome's cumulative metrics before and after. */
async function breakdown(page: Page, run: () => Promise<unknown>): Promise<Record<string, number>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const read = async () =>
    Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((metric) => [metric.name, metric.value]));
  const before = await read();
  await run();
  const after = await read();
  await cdp.detach();
  const ms = (name: string) => Math.round((after[name] - before[name]) * 1000);
  return {
    script: ms('ScriptDuration'),
    style: ms('RecalcStyleDuration'),
    layout: ms('LayoutDuration'),
    task: ms('TaskDuration'),
    styleRecalcs: after.RecalcStyleCount - before.RecalcStyleCount,
    layouts: after.LayoutCount - before.LayoutCount,
    nodes: after.Nodes,
  };
}

/** Records a CPU profile of `run` (sampled every 100 µs) into artifacts/e2e/bench-<name>.cpuprofile. */
async function profile(page: Page, name: string, run: () => Promise<unknown>): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await run();
  const { profile: recorded } = await cdp.send('Profiler.stop');
  await cdp.detach();
  await fs.mkdir(ARTIFACTS_DIR, { recursive: true });
  await fs.writeFile(path.join(ARTIFACTS_DIR, `bench-${name}.cpuprofile`), JSON.stringify(recorded));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const describe = (name: string, timings: Timing[]) =>
  `${name.padEnd(44)} commit median ${median(timings.map((t) => t.commitMs)).toFixed(1)} ms, max ${Math.max(...timings.map((t) => t.commitMs)).toFixed(1)} ms; ` +
  `next frame median ${median(timings.map((t) => t.frameMs)).toFixed(1)} ms, max ${Math.max(...timings.map((t) => t.frameMs)).toFixed(1)} ms`;

test('filter and select-all with about 2,000 suspects', async () => {
  // The scan of 6,400 tasks takes 3–5 minutes on the busy 2-core machine.
  await scanInView(page, 480_000).catch(async (error: unknown) => {
    // On a busy machine the simulator may answer a scan call too slowly three times in a row, which
    // fails the scan (502): start it again, as a supervisor would, rather than lose the run.
    const tryAgain = page.getByRole('button', { name: 'Try again' });
    if (!(await tryAgain.isVisible())) throw error;
    await tryAgain.click();
    await page.getByText(/^Scan finished:/).waitFor({ timeout: 480_000 });
  });
  const resultText = (await page.locator('#stuck-tasks-filter-result').textContent()) ?? '';
  const queues = await page
    .locator('#stuck-tasks-filter-queue option')
    .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value).slice(1));
  const agents = await page.locator('#stuck-tasks-filter-agent option').count();
  const lines = [`workspace: ${TASKS} tasks; ${resultText}`, `queues: ${queues.length}; agent options: ${agents - 1}`];
  const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

  const filter: Timing[] = [];
  const unfilter: Timing[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const queue of queues) {
      filter.push(await timeInPage(page, SELECT_QUEUE, queue));
      unfilter.push(await timeInPage(page, SELECT_QUEUE, '*any*'));
    }
  }
  lines.push(describe('filter by queue (all → one queue)', filter));
  lines.push(describe('clear the queue filter (one queue → all)', unfilter));

  const text: Timing[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const typed of ['W', 'WT', 'WT0', 'CA', 'no-such-sid', ''])
      text.push(await timeInPage(page, TYPE_TEXT, typed));
  }
  lines.push(describe('type in the SID filter (one keystroke)', text));

  // The floor: ticking one row re-renders that row and the view around the tables, nothing else.
  const tickOne: Timing[] = [];
  for (let round = 0; round < ROUNDS * 2; round += 1) tickOne.push(await timeInPage(page, TICK_FIRST_ROW, ''));
  lines.push(describe('tick one row (the floor)', tickOne));

  const selectAll: Timing[] = [];
  const clearAll: Timing[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    selectAll.push(await timeInPage(page, CLICK_SELECT_ALL, ''));
    clearAll.push(await timeInPage(page, CLICK_SELECT_ALL, ''));
  }
  const callEnded = (await page.getByRole('heading', { name: /^Stuck tasks \(/ }).textContent()) ?? '';
  lines.push(describe(`select all, no filter (${callEnded})`, selectAll));
  lines.push(describe('clear all, no filter', clearAll));

  const filteredSelect: Timing[] = [];
  const filteredClear: Timing[] = [];
  await timeInPage(page, SELECT_QUEUE, queues[0]);
  for (let round = 0; round < ROUNDS; round += 1) {
    filteredSelect.push(await timeInPage(page, CLICK_SELECT_ALL, ''));
    filteredClear.push(await timeInPage(page, CLICK_SELECT_ALL, ''));
  }
  lines.push(describe('select all shown, queue filter', filteredSelect));
  lines.push(describe('clear shown, queue filter', filteredClear));
  await timeInPage(page, SELECT_QUEUE, '*any*');

  // Main-thread time by kind over a few changes of each sort (Chrome's metrics; wall time is above).
  const kinds: [string, () => Promise<unknown>][] = [
    [
      'filter by queue and clear, x3',
      async () => {
        for (const queue of queues.slice(0, 3)) {
          await timeInPage(page, SELECT_QUEUE, queue);
          await timeInPage(page, SELECT_QUEUE, '*any*');
        }
      },
    ],
    [
      'select all and clear, x3',
      async () => {
        for (let round = 0; round < 3; round += 1) {
          await timeInPage(page, CLICK_SELECT_ALL, '');
          await timeInPage(page, CLICK_SELECT_ALL, '');
        }
      },
    ],
  ];
  for (const [name, run] of kinds) {
    const spent = await breakdown(page, run);
    lines.push(
      `${name.padEnd(44)} main thread ${spent.task} ms: script ${spent.script}, style ${spent.style} (${spent.styleRecalcs} recalcs), layout ${spent.layout} (${spent.layouts}); ${spent.nodes} DOM nodes`,
    );
  }

  if (process.env.BENCH_PROFILE) {
    await profile(page, 'filter', async () => {
      for (const queue of queues.slice(0, 3)) await timeInPage(page, SELECT_QUEUE, queue);
    });
    await timeInPage(page, SELECT_QUEUE, queues[0]);
    await profile(page, 'unfilter', async () => {
      for (const queue of queues.slice(1, 4)) {
        await timeInPage(page, SELECT_QUEUE, '*any*');
        await timeInPage(page, SELECT_QUEUE, queue);
      }
      await timeInPage(page, SELECT_QUEUE, '*any*');
    });
    await profile(page, 'select-all', async () => {
      for (let round = 0; round < 3; round += 1) {
        await timeInPage(page, CLICK_SELECT_ALL, '');
        await timeInPage(page, CLICK_SELECT_ALL, '');
      }
    });
    await profile(page, 'text', async () => {
      for (const typed of ['W', 'WT', 'WT0', '']) await timeInPage(page, TYPE_TEXT, typed);
    });
  }

  process.stdout.write(`\nworkbench benchmark (Chromium)\n${lines.map((line) => `  ${line}`).join('\n')}\n`);
  for (const timings of [filter, unfilter, text, tickOne, selectAll, clearAll, filteredSelect, filteredClear]) {
    expect(timings.length).toBeGreaterThan(0);
  }
});
