/**
 * The plugin registered into the real @twilio/flex-ui module (the installed, pinned 2.17.1), not a
 * stand-in: its content stores, notification manager, SideLink, View and RootContainer. Loading the
 * module costs seconds and hundreds of MB, so everything that needs it stays in this one file.
 *
 * Flex is assembled without Twilio's login service the way its own store setup allows: its reducer,
 * middleware and enhancer, a Manager over that store with the service configuration set where Flex
 * keeps it, and the login Flex dispatches once Twilio accepted a token. Those are Flex internals
 * (measured on 2.17.1): the first test fails loudly if the installed version moves.
 */
import * as React from 'react';
import * as Flex from '@twilio/flex-ui';
// The Redux Flex itself uses (4.x), not the older copy another package hoisted to the root.
import { combineReducers, compose, createStore } from '@twilio/flex-ui/node_modules/redux';
import type { StoreEnhancer } from '@twilio/flex-ui/node_modules/redux';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import StuckTasksPlugin from './StuckTasksPlugin';
import type { FlexSurface } from './flex/registration';
import { NOTIFICATION_IDS, VIEW_NAME } from './flex/registration';
import { FakeFunctions, SERVICE_URL } from './test/fakeFunctions';
import { makeSuspect, scanPages } from './test/fixtures';
import { setupUser } from './test/user';

/** The real module provides every part of Flex the plugin declares it uses (checked by tsc). */
const flexSurface: FlexSurface = Flex;

const PINNED_FLEX_VERSION = '2.17.1';

type FlexStore = ConstructorParameters<typeof Flex.Manager>[1];
type ServiceConfiguration = Flex.Manager['serviceConfiguration'];

function createFlexManager(uiAttributes: object): Flex.Manager {
  const enhancer = compose(Flex.applyFlexMiddleware({ type: 'memory' }), Flex.flexStoreEnhancer) as StoreEnhancer;
  const store = createStore(combineReducers({ flex: Flex.FlexReducer }), enhancer) as unknown as FlexStore;
  const manager = new Flex.Manager({ logLevel: 'error', disableTelemetry: true, router: { type: 'memory' } }, store);
  // Without it the real MainHeader throws reading `outbound_call_flows`.
  const serviceConfiguration = {
    account_sid: 'AC00000000000000000000000000000000',
    outbound_call_flows: {},
    queue_stats_configuration: null,
    taskrouter_skills: [],
    ui_attributes: uiAttributes,
  } as unknown as ServiceConfiguration;
  (manager as unknown as { _serviceConfiguration: ServiceConfiguration })._serviceConfiguration = serviceConfiguration;
  // What `Manager.create` does once configured, so Flex's components find it via `Manager.getInstance()`.
  (Object.getPrototypeOf(Flex.Manager) as { _instance?: Flex.Manager })._instance = manager;
  (Flex.Manager as unknown as { createProxiedInstance(): void }).createProxiedInstance();
  if (Flex.Manager.getInstance()?.store !== manager.store) {
    throw new Error(`Flex ${Flex.VERSION}: Manager.getInstance() does not answer the assembled manager`);
  }
  return manager;
}

/** What Flex's own login dispatches once Twilio accepted the user's token. */
function logIn(manager: Flex.Manager, identity: string, roles: string[]): void {
  const tokenPayload = {
    identity,
    roles,
    token: `flex-token-${identity}`,
    expiration: new Date(Date.now() + 3_600_000).toISOString(),
    permissions: {},
    accountSid: 'AC00000000000000000000000000000000',
  };
  manager.store.dispatch({ type: 'FLEX_ACTION_LOGIN_FULFILLED', payload: { tokenPayload } });
}

/** The elements registered into one of Flex's dynamic content stores. */
function registeredElements(store: Flex.DynamicContentStore): React.ReactElement[] {
  return store.fragments.flatMap((fragment) =>
    React.Children.toArray(fragment.props.children).filter(React.isValidElement),
  );
}

/** Their keys (`Children.toArray` prefixes each key with `.$`). */
function registeredKeys(store: Flex.DynamicContentStore): string[] {
  return registeredElements(store).map((element) => String(element.key).replace(/^\.\$/, ''));
}

function pluginNotificationIds(): string[] {
  const ours: string[] = Object.values(NOTIFICATION_IDS);
  return [...Flex.Notifications.registeredNotifications.keys()].filter((id) => ours.includes(id));
}

const sideBar = () => screen.getByRole('navigation', { name: 'Side bar' });

// Rendering Flex's RootContainer takes seconds in jsdom, several times more on a busy 2-core CI machine.
jest.setTimeout(60_000);

const savedFetch = globalThis.fetch;
beforeEach(() => {
  // FlexPlugin and Flex's loggers announce themselves on the console; these tests do not look at it.
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'info').mockImplementation(() => undefined);
});
afterEach(() => {
  jest.restoreAllMocks();
  globalThis.fetch = savedFetch;
});

// Flex's content stores and notification manager are module singletons, shared by the tests below:
// the user without an allowed role goes first, before anything is registered.
let manager: Flex.Manager;
beforeAll(() => {
  manager = createFlexManager({ stuck_tasks: { service_url: SERVICE_URL } });
});

it('runs against the pinned Flex version', () => {
  expect(Flex.VERSION).toBe(PINNED_FLEX_VERSION);
  expect(flexSurface.SideNav.Content).toBeInstanceOf(Flex.DynamicContentStore);
});

it('registers nothing into the real Flex for a user without an allowed role', async () => {
  logIn(manager, 'alex_agent', ['agent']);
  expect(manager.user.roles).toEqual(['agent']);
  const navBefore = Flex.SideNav.Content.fragments.length;
  const viewsBefore = Flex.ViewCollection.Content.fragments.length;

  await new StuckTasksPlugin().init(Flex, manager);

  expect(Flex.SideNav.Content.fragments).toHaveLength(navBefore);
  expect(Flex.ViewCollection.Content.fragments).toHaveLength(viewsBefore);
  expect(pluginNotificationIds()).toEqual([]);
  expect(manager.strings).not.toHaveProperty('StuckTasksNavLabel');
});

it("registers the nav entry, the view and both notifications into the real Flex's stores for an admin", async () => {
  logIn(manager, 'ada_admin', ['admin']);

  await new StuckTasksPlugin().init(Flex, manager);

  expect(registeredKeys(Flex.SideNav.Content)).toContain('stuck-tasks-side-link');
  expect(registeredKeys(Flex.ViewCollection.Content)).toContain('stuck-tasks-view');
  const view = registeredElements(Flex.ViewCollection.Content).find((element) => element.props.name === VIEW_NAME);
  expect(view?.type).toBe(Flex.View);
  const notifications = Flex.Notifications.registeredNotifications;
  expect(notifications.get(NOTIFICATION_IDS.closeSummary)).toMatchObject({
    type: Flex.NotificationType.success,
    content: 'StuckTasksCloseSummary',
  });
  expect(notifications.get(NOTIFICATION_IDS.closeSummaryWithFailures)).toMatchObject({
    type: Flex.NotificationType.warning,
    content: 'StuckTasksCloseSummary',
  });
});

it("shows the nav entry, named in Flex's collapsed and expanded side bar, and the view it opens", async () => {
  // Runs after the admin's registration above, into the same Flex.
  const service = new FakeFunctions().serveScan(scanPages([makeSuspect(1)]));
  globalThis.fetch = service.fetch;
  const user = setupUser();
  render(
    <Flex.ContextProvider manager={manager} legacy>
      <Flex.RootContainer />
    </Flex.ContextProvider>,
  );

  // Flex starts with its side bar collapsed, which hides the link's label (its stylesheet sets
  // `visibility: hidden`); the link must still be named. (`hidden: true` only skips Testing Library's
  // per-element visibility walk, which costs seconds against Flex's stylesheet in jsdom; the name
  // below is computed the way assistive technology does, without hidden text.)
  const link = await within(sideBar()).findByRole('link', { name: 'Close stuck tasks', hidden: true });
  expect(link).toBeVisible();
  expect(within(link).getByText('Close stuck tasks')).not.toBeVisible();
  expect(link).toHaveAccessibleName('Close stuck tasks');
  expect(link).toHaveAttribute('aria-current', 'false');

  await user.click(link);
  expect(await screen.findByRole('heading', { name: 'Close stuck tasks' })).toBeInTheDocument();
  await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(/Scan finished/));
  expect(service.requestsTo('/stuck-tasks/scan')[0].params.Token).toBe('flex-token-ada_admin');
  expect(link).toHaveAttribute('aria-current', 'true');

  await act(() => Flex.Actions.invokeAction('ToggleSidebar', { open: true }));
  expect(within(link).getByText('Close stuck tasks')).toBeVisible();
  expect(link).toHaveAccessibleName('Close stuck tasks');
});
