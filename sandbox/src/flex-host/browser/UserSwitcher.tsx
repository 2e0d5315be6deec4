import * as React from 'react';

import type { HostSession } from '../session';

/**
 * "Signed in as": Flex's own header has no way to change user, so the sandbox adds this to
 * Flex's MainHeader. Flex initialises plugins once per login, so switching means a fresh page.
 */
export function UserSwitcher({ session }: { session: HostSession }): React.ReactElement {
  const switchUser = (event: React.ChangeEvent<HTMLSelectElement>) => {
    const url = new URL(window.location.href);
    url.searchParams.set('user', event.target.value);
    window.location.assign(url.toString());
  };
  return (
    <label style={{ display: 'flex', alignItems: 'center', gap: '0.5rem', margin: '0 0.75rem', fontSize: '0.875rem' }}>
      Signed in as
      <select value={session.user.key} onChange={switchUser} style={{ font: 'inherit', padding: '0.25rem' }}>
        {session.users.map((user) => (
          <option key={user.key} value={user.key}>
            {`${user.fullName} (${user.roles.join(', ')})`}
          </option>
        ))}
      </select>
    </label>
  );
}
