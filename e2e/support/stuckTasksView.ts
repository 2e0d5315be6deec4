import type { Page } from 'playwright-core';

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
