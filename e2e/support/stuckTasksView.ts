import type { Locator, Page } from 'playwright-core';

import { sideBar } from './browser';

/** The plugin's entry in Flex's side bar. */
export const navLink = (page: Page) => sideBar(page).getByRole('link', { name: 'Close stuck tasks', exact: true });

/**
 * Opens the plugin's view from Flex's side bar and runs a scan to its end. The view scans by itself
 * the first time it opens and keeps its last results afterwards, so a later call presses "Scan again".
 * Each test calls this for itself: none relies on what an earlier test left on screen. `timeoutMs`: how
 * long the scan may take (the benchmark's 6,400 tasks take longer than that on a busy machine).
 */
export async function scanInView(page: Page, timeoutMs = 180_000): Promise<void> {
  await navLink(page).click();
  await page.waitForURL((url) => url.pathname.replace(/\/$/, '') === '/stuck-tasks');
  await page.getByRole('heading', { name: 'Close stuck tasks', level: 1 }).waitFor();
  const progress = page.getByRole('progressbar', { name: 'Scan progress' });
  const scanAgain = page.getByRole('button', { name: 'Scan again' });
  await progress.or(scanAgain).first().waitFor();
  if (!(await progress.isVisible())) await scanAgain.click();
  await progress.waitFor({ state: 'detached', timeout: timeoutMs });
  await page.getByText(/^Scan finished:/).waitFor();
}

/** A notification in Flex's notification bar (the entry with its close button), by its text. */
export const flexNotification = (page: Page, text: string) =>
  page
    .locator('div')
    .filter({ has: page.getByRole('button', { name: 'Close notification' }) })
    .filter({ hasText: text })
    .last();

/**
 * A table's pager: its arrows, and turning to the first page or the next. Paste hides the arrow that
 * leads nowhere (and takes it out of the accessibility tree), so an arrow's count says whether it can go.
 */
function tablePager(page: Page, tableName: string) {
  const pager = page.getByRole('navigation', { name: `Pages of ${tableName}`, exact: true });
  const previous = pager.getByRole('button', { name: 'Previous page' });
  const next = pager.getByRole('button', { name: 'Next page' });
  /** Clicks an arrow and waits for the pager's range ("Rows 26–50 of 96") to change. */
  const turn = async (arrow: Locator): Promise<void> => {
    const range = pager.getByText(/^Rows /);
    const before = await range.textContent();
    await arrow.click();
    await range.filter({ hasNotText: before ?? '' }).waitFor();
  };
  return {
    pager,
    next,
    turnNext: () => turn(next),
    async toFirstPage(): Promise<void> {
      while ((await previous.count()) > 0) await turn(previous);
    },
  };
}

/**
 * What `read` finds on every page of a table, from its first page to its last, turning the pages with
 * the table's pager as a supervisor would (the plugin pages its tables by 25 rows); then back to the
 * first page, where the view opens. A table that fits on one page has no pager and is read as it is.
 */
export async function readEveryPage<T>(page: Page, tableName: string, read: () => Promise<T[]>): Promise<T[]> {
  const { pager, next, turnNext, toFirstPage } = tablePager(page, tableName);
  if ((await pager.count()) === 0) return read();
  await toFirstPage();
  const items: T[] = [];
  for (;;) {
    items.push(...(await read()));
    if ((await next.count()) === 0) break;
    await turnNext();
  }
  await toFirstPage();
  return items;
}

/** The task SIDs a table lists on all its pages, in the order shown, by its rows' "Review task …" buttons. */
export async function listedTaskSids(page: Page, tableName: string): Promise<string[]> {
  const table = page.getByRole('table', { name: tableName, exact: true });
  const labels = await readEveryPage(page, tableName, () =>
    table
      .getByRole('button', { name: /^Review task WT/ })
      .evaluateAll((buttons) => buttons.map((button) => button.getAttribute('aria-label') ?? '')),
  );
  return labels.map((label) => label.replace('Review task ', ''));
}

/**
 * Turns a table's pages, from its first, until the row of a task is shown (by its "Review task …"
 * button), as a supervisor looking for it would. Throws when no page has it.
 */
export async function showRowOf(page: Page, tableName: string, sid: string): Promise<void> {
  const table = page.getByRole('table', { name: tableName, exact: true });
  const review = table.getByRole('button', { name: `Review task ${sid}`, exact: true });
  const { next, turnNext, toFirstPage } = tablePager(page, tableName);
  if ((await review.count()) > 0) return;
  await toFirstPage();
  while ((await review.count()) === 0) {
    if ((await next.count()) === 0) throw new Error(`${tableName} lists no ${sid} on any page`);
    await turnNext();
  }
}

/** Ticks a row's checkbox (a native input drawn as Paste's, clicked where the user sees it) and checks it took. */
export async function tickRow(box: Locator): Promise<void> {
  await box.click();
  if (!(await box.isChecked()))
    throw new Error(`${(await box.getAttribute('aria-label')) ?? 'The checkbox'} did not tick`);
}
