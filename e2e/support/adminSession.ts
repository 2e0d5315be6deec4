import type { Page } from 'playwright-core';

import type { Sandbox } from '../../sandbox/src/start/sandbox';
import type { SandboxOptions } from '../../sandbox/src/start/sandbox';
import { launchChromium, openAs } from './browser';
import type { UserPage } from './browser';
import { startE2eSandbox } from './sandbox';

/** What the Functions write after the close reason for the sandbox admin (Ada). */
export const ADMIN_IDENTITY_IN_REASON = 'Closed by ada_40sandbox_2Eexample.';

export interface AdminSession {
  sandbox: Sandbox;
  /** The admin's page in the Flex stand-in. */
  page: Page;
}

/**
 * One sandbox and one admin's page for a whole test file: started before its first test, stopped
 * after its last. After every test, the page must have reported no problem and must not have asked
 * anything of a host other than this machine.
 *
 * The returned object is filled in by `beforeAll`: read its fields inside hooks and tests only.
 */
export function setUpAdminSession(options: SandboxOptions): AdminSession {
  const session = {} as AdminSession;
  let admin: UserPage | undefined;
  let closeBrowser: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const [sandbox, browser] = await Promise.all([startE2eSandbox(options), launchChromium()]);
    session.sandbox = sandbox;
    closeBrowser = () => browser.close();
    admin = await openAs(browser, sandbox, 'admin');
    session.page = admin.page;
  }, 240_000);

  afterAll(async () => {
    await admin?.context.close();
    await closeBrowser?.();
    await session.sandbox?.stop();
  });

  afterEach(() => {
    expect(admin?.problems).toEqual([]);
    // Nothing the page asked for left this machine (Paste's web fonts are refused by the page's CSP).
    expect(admin?.remoteRequests).toEqual([]);
  });

  return session;
}
