import { existsSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';

import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

import type { Sandbox } from '../../sandbox/src/start/sandbox';

/** Debian's Chromium (`apt-get install -y chromium`); npm never downloads a browser here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = path.resolve(__dirname, '..', '..', 'artifacts', 'e2e');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}. Install Debian's: apt-get install -y chromium (or set CHROMIUM_PATH).`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

export type SandboxUserKey = 'admin' | 'supervisor' | 'agent';

export interface UserPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors, which a test expects to stay empty. */
  problems: string[];
  /** Requests for anything not on this machine (blocked before they leave). */
  remoteRequests: string[];
}

const isLoopback = (url: string) => /^(http:\/\/127\.0\.0\.1[:/]|data:|blob:)/.test(url);

/**
 * What the real Flex UI asks of Twilio's hosts on its own, which the page's Content-Security-Policy
 * refuses before any request is made (Chromium reports each refusal as a console error): Paste's web
 * fonts, Flex's country and flag lists, and its ringtone. Flex works without them.
 */
const REFUSED_FLEX_ASSETS = [
  'https://assets.twilio.com/public_assets/paste-fonts/',
  'https://assets.flex.twilio.com/assets/',
  'https://media.twiliocdn.com/sdk/js/client/sounds/',
];
const isRefusedFlexAsset = (text: string) =>
  /Content Security Policy/.test(text) && REFUSED_FLEX_ASSETS.some((prefix) => text.includes(prefix));

/** Page load to a booted Flex is 5–10 s on an idle 2-core machine, much more on a busy one. */
const BOOT_TIMEOUT_MS = 240_000;

/** What the sandbox page reports about its boot (`window.sandboxStatus`, set by its main.tsx). */
interface SandboxStatus {
  state: 'booting' | 'ready' | 'failed';
  error?: string;
  plugins?: { name: string; state: string; error?: string }[];
  readyAfterMs?: number;
}

/** The real Flex UI's side bar; each entry (Flex's SideLink) is a link. */
export const sideBar = (page: Page) => page.getByRole('navigation', { name: 'Side bar' });

/**
 * Waits until the page booted the real Flex UI and Flex initialised every plugin, and fails with the
 * page's own explanation when it did not (for example a Flex internal that moved in another version).
 */
export async function waitForFlex(page: Page): Promise<SandboxStatus> {
  await page.waitForFunction(
    () => (window as unknown as { sandboxStatus?: SandboxStatus }).sandboxStatus?.state !== 'booting',
    null,
    { timeout: BOOT_TIMEOUT_MS },
  );
  const status = await page.evaluate(() => (window as unknown as { sandboxStatus: SandboxStatus }).sandboxStatus);
  if (status.state !== 'ready') throw new Error(`The sandbox page did not boot Flex: ${status.error}`);
  const failed = (status.plugins ?? []).filter((plugin) => plugin.state !== 'Initialized');
  if (failed.length > 0) throw new Error(`Flex did not initialise every plugin: ${JSON.stringify(failed)}`);
  await sideBar(page).getByRole('link', { name: 'Agent Desktop' }).waitFor();
  return status;
}

/** Opens the sandbox as one of its users, in a fresh browser context (a fresh Flex login). */
export async function openAs(
  browser: Browser,
  sandbox: Sandbox,
  user: SandboxUserKey,
  view = 'agent-desktop',
): Promise<UserPage> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const problems: string[] = [];
  const remoteRequests: string[] = [];
  await context.route(
    (url) => !isLoopback(url.href),
    (route) => {
      remoteRequests.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !isRefusedFlexAsset(message.text())) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  await page.goto(`${sandbox.url}/${view}?user=${user}`, { timeout: BOOT_TIMEOUT_MS });
  await waitForFlex(page);
  return { context, page, problems, remoteRequests };
}

const DOCS_SCREENSHOTS_DIR = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');

/**
 * Saves a screenshot under artifacts/e2e/ (kept by CI as a test artefact). The ones the README shows
 * name their docs file; `E2E_UPDATE_DOCS=1 npm run test:e2e` refreshes those in docs/screenshots/.
 */
export async function screenshot(page: Page, name: string, docsName?: string): Promise<string> {
  await fs.mkdir(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  if (docsName && process.env.E2E_UPDATE_DOCS === '1') {
    await fs.mkdir(DOCS_SCREENSHOTS_DIR, { recursive: true });
    await fs.copyFile(file, path.join(DOCS_SCREENSHOTS_DIR, `${docsName}.png`));
  }
  return file;
}

/** Calls a Functions endpoint from the page, as the plugin does: form-urlencoded POST with the user's token. */
export async function callFunctionAsUser(
  page: Page,
  functionsUrl: string,
  endpoint: string,
  params: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ({ url, fields }) => {
      const flex = (
        window as unknown as { Twilio: { Flex: { Manager: { getInstance(): { user: { token: string } } } } } }
      ).Twilio.Flex;
      const body = new URLSearchParams({ ...fields, Token: flex.Manager.getInstance().user.token });
      const response = await fetch(url, { method: 'POST', body });
      return { status: response.status, body: (await response.json()) as unknown };
    },
    { url: `${functionsUrl}${endpoint}`, fields: params },
  );
}
