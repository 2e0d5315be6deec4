import type { SimulatorCore } from './core';

/** HTTP Basic with the account SID and auth token, or with one of the API key pairs. */
export function authenticated(core: SimulatorCore, header: string | undefined): boolean {
  if (!header || !header.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const user = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  return (
    (user === core.accountSid && secret === core.authToken) ||
    core.apiKeys.some((key) => key.sid === user && key.secret === secret)
  );
}
