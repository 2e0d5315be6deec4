import type { HostSession } from '../session';

export interface ManagerStandIn {
  user: {
    identity: string;
    roles: string[];
    token: string;
    tokenExpirationDate: Date;
    permissions: Record<string, unknown>;
  };
  /** Flex's string templates; plugins add or override theirs here. */
  strings: Record<string, string>;
  serviceConfiguration: HostSession['serviceConfiguration'] & { runtime_domain: string };
  configuration: Record<string, unknown>;
  updateConfig(partial: Record<string, unknown>): void;
  /** A read-only slice of Flex's Redux state, for plugins that read the session from the store. */
  store: {
    getState(): Record<string, unknown>;
    subscribe(listener: () => void): () => void;
    dispatch(action: unknown): unknown;
  };
}

/** A few of Flex's own strings, so `manager.strings` is not empty like in a real Flex. */
const FLEX_DEFAULT_STRINGS: Record<string, string> = {
  SideNavAgentDesktop: 'Agent desktop',
  SideNavTeamsView: 'Teams',
  LoginLoading: 'Loading',
};

export function createManager(session: HostSession, getActiveView: () => string): ManagerStandIn {
  const { user } = session;
  const configuration: Record<string, unknown> = {
    language: 'en-US',
    theme: { isLight: true },
    pluginService: { enabled: true },
  };
  const manager: ManagerStandIn = {
    user: {
      identity: user.identity,
      roles: [...user.roles],
      token: user.token,
      tokenExpirationDate: new Date(user.tokenExpiresAt),
      permissions: {},
    },
    strings: { ...FLEX_DEFAULT_STRINGS },
    serviceConfiguration: { ...session.serviceConfiguration, runtime_domain: session.functionsUrl },
    configuration,
    updateConfig(partial) {
      Object.assign(configuration, partial);
    },
    store: {
      getState: () => ({
        flex: {
          session: {
            isLoggedIn: true,
            identity: user.identity,
            ssoTokenPayload: { token: user.token, expiration: user.tokenExpiresAt },
          },
          worker: {
            source: { sid: user.workerSid },
            attributes: { full_name: user.fullName, roles: user.roles, contact_uri: `client:${user.identity}` },
          },
          view: { activeView: getActiveView() },
          config: configuration,
        },
      }),
      subscribe: () => () => undefined,
      dispatch: (action) => action,
    },
  };
  return manager;
}
