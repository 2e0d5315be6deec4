/**
 * What the host page learns from its server about the signed-in user and the Flex account: the
 * stand-in for Flex's login and its service configuration. Shared by the server and the browser.
 */

export type SandboxUserKey = 'admin' | 'supervisor' | 'agent';

export interface SandboxUser {
  key: SandboxUserKey;
  /** Flex identity, as in the token. */
  identity: string;
  /** The login name. */
  realmUserId: string;
  fullName: string;
  roles: string[];
  workerSid: string;
}

export interface HostSession {
  user: SandboxUser & {
    /** A Flex token issued by the simulator, so the Functions validate it for real. */
    token: string;
    /** ISO 8601. */
    tokenExpiresAt: string;
  };
  /** Everyone the user switcher offers. */
  users: SandboxUser[];
  /** What Flex exposes as `manager.serviceConfiguration`. */
  serviceConfiguration: {
    account_sid: string;
    ui_attributes: Record<string, unknown>;
  };
  /** Plugin bundles to load, in order, like Flex's plugin service answer. */
  plugins: { name: string; src: string }[];
  /** Where the Functions run; shown in the sandbox guide. */
  functionsUrl: string;
}
