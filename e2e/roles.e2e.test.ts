/**
 * Role gating end to end: only an allowed role (admin by default) gets the plugin's nav entry and view,
 * and the Functions refuse everyone else's real Flex token, whatever the browser shows.
 */
import type { Browser } from 'playwright-core';

import type { Sandbox } from '../sandbox/src/start/sandbox';
import {
  callFunctionAsUser,
  launchChromium,
  openAs,
  screenshot,
  sideBar,
  waitForFlex,
  type SandboxUserKey,
} from './support/browser';
import { startE2eSandbox } from './support/sandbox';

let sandbox: Sandbox;
let browser: Browser;

beforeAll(async () => {
  [sandbox, browser] = await Promise.all([startE2eSandbox({ tasks: 40 }), launchChromium()]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

describe.each<SandboxUserKey>(['agent', 'supervisor'])('%s', (user) => {
  test('sees no "Close stuck tasks" entry, and the view is not there even by URL', async () => {
    const { context, page, problems, remoteRequests } = await openAs(browser, sandbox, user);
    try {
      // Flex's side bar holds only Flex's own Agent Desktop entry.
      const links = sideBar(page).getByRole('link');
      await expect(links.evaluateAll((all) => all.map((link) => link.getAttribute('aria-label')))).resolves.toEqual([
        'Agent Desktop',
      ]);
      await screenshot(page, `07-${user}-no-entry`, user === 'agent' ? 'agent-no-entry' : undefined);

      // By URL, Flex's router sends the user to the default view: this user has no such view.
      await page.goto(`${sandbox.url}/stuck-tasks?user=${user}`);
      await waitForFlex(page);
      await page.waitForURL((url) => url.pathname === '/agent-desktop');
      await page.getByRole('heading', { name: 'Agent Desktop View' }).waitFor();
      await expect(page.getByRole('heading', { name: 'Close stuck tasks' }).count()).resolves.toBe(0);
      await expect(sideBar(page).getByRole('link', { name: 'Close stuck tasks' }).count()).resolves.toBe(0);
      expect(problems).toEqual([]);
      expect(remoteRequests).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('is refused by every endpoint (403) with a valid token', async () => {
    const { context, page } = await openAs(browser, sandbox, user);
    try {
      const [task] = sandbox.simulator.listTasks({ verdict: 'stuck' });
      const calls = [
        await callFunctionAsUser(page, sandbox.functions.url, '/stuck-tasks/scan'),
        await callFunctionAsUser(page, sandbox.functions.url, '/stuck-tasks/task', { TaskSid: task.sid }),
        await callFunctionAsUser(page, sandbox.functions.url, '/stuck-tasks/close', { TaskSids: task.sid }),
      ];
      for (const call of calls) {
        expect(call).toEqual({ status: 403, body: { error: { code: 'forbidden', message: expect.any(String) } } });
      }
      expect(sandbox.simulator.getTask(task.sid)?.assignmentStatus).toBe(task.assignmentStatus);
    } finally {
      await context.close();
    }
  });
});

test('the admin, in the same sandbox, is served by the same endpoint', async () => {
  const { context, page } = await openAs(browser, sandbox, 'admin');
  try {
    await sideBar(page).getByRole('link', { name: 'Close stuck tasks' }).waitFor();
    const scan = await callFunctionAsUser(page, sandbox.functions.url, '/stuck-tasks/scan');
    expect(scan.status).toBe(200);
    expect(scan.body).toMatchObject({ suspects: expect.any(Array), counts: expect.any(Object) });
  } finally {
    await context.close();
  }
});

test('"Signed in as" in Flex\'s header switches user: the supervisor who follows gets no entry', async () => {
  const { context, page, problems, remoteRequests } = await openAs(browser, sandbox, 'admin');
  try {
    await sideBar(page).getByRole('link', { name: 'Close stuck tasks' }).waitFor();
    const switcher = page.getByRole('banner', { name: 'Main header' }).getByRole('combobox', { name: 'Signed in as' });
    // Flex initialises plugins once per login, so the switch loads the page anew.
    await Promise.all([page.waitForEvent('load', { timeout: 240_000 }), switcher.selectOption('supervisor')]);
    await waitForFlex(page);
    await expect(switcher.inputValue()).resolves.toBe('supervisor');
    await expect(sideBar(page).getByRole('link', { name: 'Close stuck tasks' }).count()).resolves.toBe(0);
    expect(problems).toEqual([]);
    expect(remoteRequests).toEqual([]);
    // The page now holds the supervisor's token (Chromium logs the 403 it answers as a console error).
    const scan = await callFunctionAsUser(page, sandbox.functions.url, '/stuck-tasks/scan');
    expect(scan.status).toBe(403);
  } finally {
    await context.close();
  }
});
