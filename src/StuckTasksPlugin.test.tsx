import * as React from 'react';
import { render, screen, waitFor, within } from '@testing-library/react';
import type * as Flex from '@twilio/flex-ui';
import { Theme } from '@twilio-paste/core/theme';
import { CustomizationProvider } from '@twilio-paste/core/customization';
import StuckTasksPlugin from './StuckTasksPlugin';
import { DEFAULT_STRINGS } from './strings';
import { FakeFunctions, SERVICE_URL } from './test/fakeFunctions';
import { makeSuspect, scanPages } from './test/fixtures';
import { setupUser } from './test/user';
import type { NamedSideLinkProps } from './components/StuckTasksSideLink';

/** The parts of the Flex global the plugin may touch, recording what it registers. */
function fakeFlex() {
  const nav: React.ReactElement[] = [];
  const views: React.ReactElement[] = [];
  const flex = {
    SideNav: { Content: { add: jest.fn((element: React.ReactElement) => nav.push(element)) } },
    ViewCollection: { Content: { add: jest.fn((element: React.ReactElement) => views.push(element)) } },
    // Like Flex 2.17's SideLink: a button with role "link", `aria-current` true or false, the label shown
    // only while the side bar is expanded, and `aria-label` passed through to the link.
    SideLink: ({
      children,
      isActive = false,
      onClick,
      showLabel = false,
      'aria-label': ariaLabel,
    }: NamedSideLinkProps) => (
      <button type="button" role="link" aria-current={isActive} aria-label={ariaLabel} onClick={onClick}>
        <span hidden={!showLabel}>{children}</span>
      </button>
    ),
    View: ({ name, children }: { name: string; children?: React.ReactNode }) => (
      <main data-view-name={name}>{children}</main>
    ),
    Actions: { invokeAction: jest.fn(async () => undefined) },
    Notifications: { registerNotification: jest.fn(), showNotification: jest.fn() },
    NotificationType: { information: 'information', success: 'success', warning: 'warning', error: 'error' },
    setProviders: jest.fn(),
  };
  return { flex, nav, views };
}

function fakeManager(roles: string[], options: { uiAttributes?: object; strings?: Record<string, string> } = {}) {
  return {
    strings: { ...(options.strings ?? {}) } as Record<string, string>,
    user: { identity: 'pat', roles, token: 'flex-token-1' },
    serviceConfiguration: { ui_attributes: options.uiAttributes ?? { stuck_tasks: { service_url: SERVICE_URL } } },
  };
}

async function initPlugin(roles: string[], options: Parameters<typeof fakeManager>[1] = {}) {
  const fake = fakeFlex();
  const manager = fakeManager(roles, options);
  await new StuckTasksPlugin().init(fake.flex as unknown as typeof Flex, manager as unknown as Flex.Manager);
  return { ...fake, manager };
}

const inFlexTheme = (element: React.ReactElement) => (
  <Theme.Provider theme="flex" disableAnimations>
    {element}
  </Theme.Provider>
);

beforeEach(() => {
  // FlexPlugin's constructor announces itself on the console; that is not what these tests look at.
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

const savedEnv = { ...process.env };
const savedFetch = globalThis.fetch;
afterEach(() => {
  jest.restoreAllMocks();
  process.env = { ...savedEnv };
  globalThis.fetch = savedFetch;
});

describe('role gating', () => {
  it('gives an admin the "Close stuck tasks" nav entry and view', async () => {
    const { flex, nav, views } = await initPlugin(['admin']);
    expect(nav).toHaveLength(1);
    expect(views).toHaveLength(1);
    expect(views[0].props.name).toBe('stuck-tasks');

    const user = setupUser();
    render(inFlexTheme(nav[0]));
    await user.click(screen.getByRole('link', { name: 'Close stuck tasks' }));
    expect(flex.Actions.invokeAction).toHaveBeenCalledWith('NavigateToView', { viewName: 'stuck-tasks' });
    expect(screen.getByRole('link', { name: 'Close stuck tasks' })).toHaveAttribute('aria-current', 'false');
  });

  it('marks the nav entry active while its view is shown (Flex passes activeView to SideNav children)', async () => {
    const { nav } = await initPlugin(['admin']);
    render(inFlexTheme(React.cloneElement(nav[0], { activeView: 'stuck-tasks' })));
    expect(screen.getByRole('link', { name: 'Close stuck tasks' })).toHaveAttribute('aria-current', 'true');
  });

  it.each([
    ['collapsed', false],
    ['expanded', true],
  ])('names the nav entry "Close stuck tasks" while the side bar is %s', async (_state, showLabel) => {
    const { nav } = await initPlugin(['admin'], { strings: { StuckTasksNavLabel: 'Tâches bloquées' } });
    render(inFlexTheme(React.cloneElement(nav[0], { showLabel })));
    expect(screen.getByRole('link', { name: 'Tâches bloquées' })).toBeInTheDocument();
    expect(screen.getByText('Tâches bloquées')).toHaveProperty('hidden', !showLabel);
  });

  it.each([[['agent']], [['supervisor']], [['agent', 'wfo.team_leader']], [[]]])(
    'gives %j nothing at all',
    async (roles) => {
      const { flex, manager } = await initPlugin(roles);
      expect(flex.SideNav.Content.add).not.toHaveBeenCalled();
      expect(flex.ViewCollection.Content.add).not.toHaveBeenCalled();
      expect(flex.Notifications.registerNotification).not.toHaveBeenCalled();
      expect(flex.setProviders).not.toHaveBeenCalled();
      expect(manager.strings).toEqual({});
    },
  );

  it('takes the allowed roles from Flex UI attributes over the FLEX_APP_ build variable', async () => {
    process.env.FLEX_APP_STUCK_TASKS_ALLOWED_ROLES = 'agent';
    const uiAttributes = { stuck_tasks: { service_url: SERVICE_URL, allowed_roles: ['supervisor'] } };
    expect((await initPlugin(['supervisor'], { uiAttributes })).nav).toHaveLength(1);
    expect((await initPlugin(['agent'], { uiAttributes })).nav).toHaveLength(0);
    expect((await initPlugin(['admin'], { uiAttributes })).nav).toHaveLength(0);
  });

  it('takes the allowed roles and service URL from FLEX_APP_ build variables when UI attributes are silent', async () => {
    process.env.FLEX_APP_STUCK_TASKS_ALLOWED_ROLES = 'supervisor,admin';
    process.env.FLEX_APP_STUCK_TASKS_SERVICE_URL = SERVICE_URL;
    const service = new FakeFunctions().serveScan(scanPages([makeSuspect(1)]));
    globalThis.fetch = service.fetch;
    const { views } = await initPlugin(['supervisor'], { uiAttributes: {} });
    render(inFlexTheme(views[0]));
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(/Scan finished/));
    expect(service.requestsTo('/stuck-tasks/scan')[0].params.Token).toBe('flex-token-1');
  });
});

describe('registration', () => {
  it('wraps Flex in the Paste customization provider and registers the summary notifications', async () => {
    const { flex } = await initPlugin(['admin']);
    expect(flex.setProviders).toHaveBeenCalledWith({ PasteThemeProvider: CustomizationProvider });
    expect(flex.Notifications.registerNotification.mock.calls.map(([notification]) => notification)).toEqual([
      expect.objectContaining({ id: 'StuckTasksCloseSummary', content: 'StuckTasksCloseSummary', type: 'success' }),
      expect.objectContaining({
        id: 'StuckTasksCloseSummaryWithFailures',
        content: 'StuckTasksCloseSummary',
        type: 'warning',
      }),
    ]);
  });

  it('shows the close summary through Flex Notifications after a close', async () => {
    const suspect = makeSuspect(1);
    const service = new FakeFunctions().serveScan(scanPages([suspect])).serveClose([suspect]);
    globalThis.fetch = service.fetch;
    const { flex, views } = await initPlugin(['admin']);
    const user = setupUser();
    render(inFlexTheme(views[0]));
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(/Scan finished/));

    await user.click(screen.getByRole('checkbox', { name: 'Select all stuck tasks' }));
    await user.click(screen.getByRole('button', { name: 'Close stuck tasks (1)' }));
    await user.click(screen.getByRole('button', { name: 'Close tasks' }));
    await waitFor(() => expect(flex.Notifications.showNotification).toHaveBeenCalled());
    expect(flex.Notifications.showNotification).toHaveBeenCalledWith('StuckTasksCloseSummary', {
      total: '1',
      closed: '1',
      canceled: '1',
      completed: '0',
      notStuck: '0',
      notFound: '0',
      failed: '0',
    });
  });

  it('shows a "not configured" view when no service URL is set anywhere', async () => {
    const { views } = await initPlugin(['admin'], { uiAttributes: {} });
    render(inFlexTheme(views[0]));
    expect(screen.getByText('The plugin is not configured')).toBeInTheDocument();
    expect(screen.getByText(/FLEX_APP_STUCK_TASKS_SERVICE_URL/)).toBeInTheDocument();
  });

  it('refuses a plain http:// service URL to another machine and tells the admin why, sending nothing', async () => {
    const fetch = jest.fn();
    globalThis.fetch = fetch;
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { views } = await initPlugin(['admin'], {
      uiAttributes: { stuck_tasks: { service_url: 'http://stuck-tasks-1234.example.com' } },
    });
    render(inFlexTheme(views[0]));
    expect(screen.getByText('The plugin is not configured')).toBeInTheDocument();
    expect(screen.getByText(/"http:\/\/stuck-tasks-1234\.example\.com" must start with https:\/\//)).toHaveTextContent(
      'because every request carries your Flex token',
    );
    expect(console.warn).toHaveBeenCalledWith(expect.stringContaining('must start with https://'));
    expect(fetch).not.toHaveBeenCalled();
  });

  it('reads the token from the manager at every call, so a refreshed token is used', async () => {
    const suspect = makeSuspect(1);
    const service = new FakeFunctions().serveScan(scanPages([suspect]));
    globalThis.fetch = service.fetch;
    const { views, manager } = await initPlugin(['admin']);
    const user = setupUser();
    render(inFlexTheme(views[0]));
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(/Scan finished/));
    manager.user.token = 'flex-token-2';
    await user.click(screen.getByRole('button', { name: 'Scan again' }));
    await waitFor(() => expect(service.requestsTo('/stuck-tasks/scan')).toHaveLength(2));
    expect(service.requestsTo('/stuck-tasks/scan').map((request) => request.params.Token)).toEqual([
      'flex-token-1',
      'flex-token-2',
    ]);
  });
});

describe('strings', () => {
  it('registers every default string without replacing ones the deployment already set', async () => {
    const { manager } = await initPlugin(['admin'], {
      strings: { StuckTasksNavLabel: 'Tâches bloquées', TaskLineCallAssigned: 'unrelated Flex string' },
    });
    expect(manager.strings).toEqual({
      ...DEFAULT_STRINGS,
      StuckTasksNavLabel: 'Tâches bloquées',
      TaskLineCallAssigned: 'unrelated Flex string',
    });
  });

  it('renders overridden strings in the nav entry and the view, including later overrides', async () => {
    const suspect = makeSuspect(1);
    const service = new FakeFunctions().serveScan(scanPages([suspect]));
    globalThis.fetch = service.fetch;
    const { nav, views, manager } = await initPlugin(['admin'], {
      strings: { StuckTasksNavLabel: 'Tâches bloquées' },
    });
    manager.strings.StuckTasksViewTitle = 'Fermer les tâches bloquées';
    manager.strings.StuckTasksSelectedCount = '{{selected}} sur {{total}} sélectionnées';

    render(inFlexTheme(<>{[...nav, ...views]}</>));
    expect(screen.getByRole('link', { name: 'Tâches bloquées' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Fermer les tâches bloquées' })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(/Scan finished/));
    expect(within(screen.getByRole('main')).getByText('0 sur 1 sélectionnées')).toBeInTheDocument();
  });
});
