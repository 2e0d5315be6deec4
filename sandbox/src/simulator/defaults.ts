/** Fixed credentials of the offline sandbox: shaped like real ones, valid nowhere else. */
export const SANDBOX_ACCOUNT_SID = 'ACe6185536f6607f69473e9850801719e6';
export const SANDBOX_AUTH_TOKEN = '170e15bfb5a0bae539cf9284aac5e56e';
export const SANDBOX_WORKSPACE_SID = 'WS2592ff961d90a59f389b7bcd8e58d5cd';
/** An API key pair the simulator also accepts for Basic auth (as Twilio accepts `SK…:secret`). */
export const SANDBOX_API_KEY_SID = 'SK107ec39f280d72e199d6bf25f45ef7b6';
export const SANDBOX_API_KEY_SECRET = 'sandboxApiKeySecret0000000000000';

/**
 * The stuck-tasks service's default CLOSE_REASON (serverless/src/settings.ts DEFAULT_CLOSE_REASON;
 * a serverless test checks they are equal): the seeded history's own closures start with it.
 */
export const SANDBOX_CLOSE_REASON = 'Orchestration issue: closed stuck voice Task.';

export const DEFAULT_CLOSED_TASK_TTL_MS = 5 * 60 * 1000;
export const DEFAULT_GRACE_SECONDS = 60;
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

export type SandboxUserName = 'admin' | 'supervisor' | 'agent';

export interface SandboxUser {
  identity: string;
  realmUserId: string;
  fullName: string;
  roles: string[];
  workerSid: string;
}

/** The three people the sandbox's user switcher offers; their worker SIDs do not depend on the seed. */
export const SANDBOX_USERS: Readonly<Record<SandboxUserName, SandboxUser>> = {
  admin: {
    identity: 'ada_40sandbox_2Eexample',
    realmUserId: 'ada@sandbox.example',
    fullName: 'Ada Admin',
    roles: ['admin'],
    workerSid: 'WK0a1d5a4b7e0f4c2d9a6b3c8e1f2d4a01',
  },
  supervisor: {
    identity: 'sam_40sandbox_2Eexample',
    realmUserId: 'sam@sandbox.example',
    fullName: 'Sam Supervisor',
    roles: ['supervisor'],
    workerSid: 'WK0a1d5a4b7e0f4c2d9a6b3c8e1f2d4a02',
  },
  agent: {
    identity: 'alex_40sandbox_2Eexample',
    realmUserId: 'alex@sandbox.example',
    fullName: 'Alex Agent',
    roles: ['agent'],
    workerSid: 'WK0a1d5a4b7e0f4c2d9a6b3c8e1f2d4a03',
  },
};

/** Header carrying the simulator's per-run control secret (`Simulator.controlSecret`) on `/_sim/…` requests. */
export const CONTROL_SECRET_HEADER = 'X-Sim-Control-Secret';
