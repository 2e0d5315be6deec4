/**
 * The undocumented parts of Flex this page relies on to boot the real Flex UI without Twilio's login
 * and configuration services (measured on @twilio/flex-ui 2.17.1). Each step checks that Flex still
 * behaves as it did, and throws a FlexInternalsError naming the step when it does not, so a Flex
 * upgrade fails loudly on the page and in the browser tests instead of booting half a Flex.
 */
import * as Flex from '@twilio/flex-ui';
import type { UserInfo } from '@twilio/flex-ui';
// The Redux Flex itself uses (4.x), not the older copy another package hoisted to the root.
import { combineReducers, compose, createStore, type StoreEnhancer } from '@twilio/flex-ui/node_modules/redux';

/** The Flex version these internals were measured on; the root package.json pins it exactly. */
export const PINNED_FLEX_VERSION = '2.17.1';

export class FlexInternalsError extends Error {
  constructor(step: string, detail: string) {
    super(
      `Flex ${Flex.VERSION} no longer boots the way the sandbox expects (${step}): ${detail}. ` +
        `The sandbox was built against @twilio/flex-ui ${PINNED_FLEX_VERSION}; see sandbox/src/flex-host/README.md.`,
    );
    this.name = 'FlexInternalsError';
  }
}

type FlexStore = ConstructorParameters<typeof Flex.Manager>[1];
type ServiceConfiguration = Flex.Manager['serviceConfiguration'];
/** What Flex's login keeps as `session.ssoTokenPayload` (identity, roles, token, expiration, permissions). */
export interface TokenPayload {
  identity: string;
  roles: string[];
  token: string;
  /** ISO 8601. */
  expiration: string;
  permissions: UserInfo['permissions'];
  accountSid: string;
}

export function assertPinnedVersion(): void {
  if (Flex.VERSION !== PINNED_FLEX_VERSION) {
    throw new FlexInternalsError('version', `expected ${PINNED_FLEX_VERSION}`);
  }
}

/** Flex's Redux store as its docs describe a custom one: its reducer under `flex`, its middleware and enhancer. */
export function createFlexStore(): FlexStore {
  const enhancer: StoreEnhancer = compose(Flex.applyFlexMiddleware({ type: 'browser' }), Flex.flexStoreEnhancer);
  const store = createStore(combineReducers({ flex: Flex.FlexReducer }), enhancer) as unknown as FlexStore;
  const state = store.getState() as Partial<Flex.FlexState> | undefined;
  if (!state?.flex?.session || !state.flex.view) {
    throw new FlexInternalsError('store', 'FlexReducer did not create the flex.session and flex.view state');
  }
  return store;
}

/**
 * A Manager over that store. Flex's boot (`Manager.create`) would fetch the service configuration
 * from Twilio; here it is set where Flex keeps it. Without it the real MainHeader throws reading
 * `outbound_call_flows`.
 */
export function createManager(
  store: FlexStore,
  config: Flex.Config,
  serviceConfiguration: Partial<ServiceConfiguration>,
): Flex.Manager {
  const manager = new Flex.Manager(config, store);
  const full = {
    outbound_call_flows: {},
    queue_stats_configuration: null,
    taskrouter_skills: [],
    ui_attributes: {},
    ...serviceConfiguration,
  } as ServiceConfiguration;
  (manager as unknown as { _serviceConfiguration: ServiceConfiguration })._serviceConfiguration = full;
  if (manager.serviceConfiguration !== full) {
    throw new FlexInternalsError('service configuration', 'manager.serviceConfiguration ignores _serviceConfiguration');
  }
  // Flex's boot registers the manager as the instance that Manager.getInstance() answers (a proxy of
  // it, for Flex's usage telemetry): the exported Manager extends the base class that holds both.
  const base = Object.getPrototypeOf(Flex.Manager) as {
    _instance?: Flex.Manager;
    createProxiedInstance?: () => void;
  };
  if (typeof base.createProxiedInstance !== 'function') {
    throw new FlexInternalsError('manager', 'the Manager base class has no createProxiedInstance()');
  }
  base._instance = manager;
  base.createProxiedInstance();
  if (Flex.Manager.getInstance()?.store !== store) {
    throw new FlexInternalsError('manager', 'Manager.getInstance() does not answer the constructed manager');
  }
  return manager;
}

/** What Flex's own login dispatches once Twilio accepted the user: the token payload. */
export function logIn(manager: Flex.Manager, payload: TokenPayload): void {
  manager.store.dispatch({ type: 'FLEX_ACTION_LOGIN_FULFILLED', payload: { tokenPayload: payload } });
  const user = manager.user;
  if (user.identity !== payload.identity || user.token !== payload.token) {
    throw new FlexInternalsError('login', 'FLEX_ACTION_LOGIN_FULFILLED did not sign the user in');
  }
}

export interface PluginLoadResult {
  name: string;
  /** Flex's PluginState: Initialized, Failed, or where it stopped. */
  state: string;
  error?: string;
}

type PluginDefinition = Parameters<typeof Flex.Plugins.storePluginDefinition>[0][number];

/**
 * Loads plugin bundles through Flex's own plugin manager, as Flex's loader does after asking the
 * plugin service: the definitions are stored, then each bundle is added as a script tag carrying its
 * uuid. The bundle calls `Twilio.Flex.Plugins.init(Plugin)`, and Flex instantiates the plugin and
 * awaits its `init(flex, manager)`. Resolves when every plugin is Initialized or Failed (or timed out).
 */
export function loadPluginsThroughFlex(
  manager: Flex.Manager,
  plugins: { name: string; version: string; src: string }[],
  timeoutMs: number,
): Promise<PluginLoadResult[]> {
  Flex.Plugins.setup(Flex, manager);
  const definitions = plugins.map((plugin, index): PluginDefinition => ({
    ...plugin,
    flexVersion: Flex.VERSION,
    phase: 3,
    uuid: `sandbox-plugin-${index}`,
    state: 'NotStarted' as PluginDefinition['state'],
  }));
  Flex.Plugins.storePluginDefinition(definitions);
  if (Flex.Plugins.plugins.length !== definitions.length) {
    throw new FlexInternalsError('plugins', 'Plugins.storePluginDefinition did not store the definitions');
  }
  const downloadErrors = new Map<string, string>();
  const settled = () =>
    Flex.Plugins.plugins.every((plugin) => ['Initialized', 'Failed'].includes(String(plugin.state)));
  const results = (): PluginLoadResult[] =>
    Flex.Plugins.plugins.map((plugin) => ({
      name: plugin.name,
      state: String(plugin.state),
      ...(downloadErrors.has(plugin.uuid) ? { error: downloadErrors.get(plugin.uuid) } : {}),
    }));

  return new Promise((resolve) => {
    const finish = () => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve(results());
    };
    // Flex notifies its own listeners only; its plugin states are polled (a few ms each).
    const poll = setInterval(() => settled() && finish(), 50);
    const timer = setTimeout(finish, timeoutMs);
    for (const definition of definitions) {
      const script = document.createElement('script');
      script.setAttribute('uuid', definition.uuid);
      script.src = definition.src;
      script.onerror = () => {
        downloadErrors.set(definition.uuid, `could not download ${definition.src}`);
        Flex.Plugins.updatePluginState(definition.uuid, 'Failed' as PluginDefinition['state']);
      };
      document.body.appendChild(script);
    }
  });
}
