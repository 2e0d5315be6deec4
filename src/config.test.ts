import { DEFAULT_ALLOWED_ROLES, hasAllowedRole, readBuildVariables, readPluginConfig } from './config';

describe('readPluginConfig', () => {
  it('defaults to no service and the admin role', () => {
    expect(readPluginConfig(undefined, {})).toEqual({ serviceUrl: null, allowedRoles: ['admin'], problems: [] });
    expect(DEFAULT_ALLOWED_ROLES).toEqual(['admin']);
  });

  it('takes build variables, trimming the URL and splitting the role list', () => {
    expect(
      readPluginConfig({}, { serviceUrl: ' https://svc-1.twil.io/ ', allowedRoles: 'admin, supervisor ,' }),
    ).toEqual({ serviceUrl: 'https://svc-1.twil.io', allowedRoles: ['admin', 'supervisor'], problems: [] });
  });

  it('lets Flex UI attributes override build variables, each setting on its own', () => {
    const build = { serviceUrl: 'https://build.twil.io', allowedRoles: 'admin' };
    expect(
      readPluginConfig(
        { stuck_tasks: { service_url: 'https://runtime.twil.io', allowed_roles: ['supervisor'] } },
        build,
      ),
    ).toMatchObject({ serviceUrl: 'https://runtime.twil.io', allowedRoles: ['supervisor'] });
    expect(readPluginConfig({ stuck_tasks: { allowed_roles: 'supervisor,admin' } }, build)).toMatchObject({
      serviceUrl: 'https://build.twil.io',
      allowedRoles: ['supervisor', 'admin'],
    });
  });

  it('ignores bad values with a reason the admin can read', () => {
    const config = readPluginConfig(
      { stuck_tasks: { service_url: 'ftp://files.example', allowed_roles: [42] } },
      { serviceUrl: 'https://build.twil.io' },
    );
    expect(config.serviceUrl).toBeNull();
    expect(config.allowedRoles).toEqual(['admin']);
    expect(config.problems).toEqual([
      'The service URL "ftp://files.example" must start with https:// (http:// is accepted only for this machine: localhost, 127.0.0.0/8 or [::1]), because every request carries your Flex token; it was ignored.',
      'Allowed roles must be a list of role names or a comma-separated string; using the default.',
    ]);
    expect(readPluginConfig({ stuck_tasks: 'yes' }, {}).problems).toEqual([
      'ui_attributes.stuck_tasks must be an object; it was ignored.',
    ]);
    expect(readPluginConfig({}, { serviceUrl: 'not a url', allowedRoles: ' , ' }).problems).toEqual([
      'The service URL "not a url" is not a valid URL.',
      'Allowed roles is empty; using the default.',
    ]);
  });
});

describe('the service URL scheme (the Flex token travels with every request)', () => {
  it.each([
    'http://stuck-tasks-1234.twil.io',
    'http://10.0.0.5:3000',
    'http://[::ffff:127.0.0.1]:3000',
    'http://127.0.0.1.nip.io',
    'http://localhost.example.com',
    'http://[::2]',
    'http://[::]:3000',
    'http://128.0.0.1',
    'http://localhost.:3000',
    'ws://127.0.0.1:3000',
  ])('refuses %s, saying why, from UI attributes and from build variables', (url) => {
    const why = `The service URL "${url}" must start with https:// (http:// is accepted only for this machine: localhost, 127.0.0.0/8 or [::1]), because every request carries your Flex token; it was ignored.`;
    expect(readPluginConfig({ stuck_tasks: { service_url: url } }, {})).toMatchObject({
      serviceUrl: null,
      problems: [why],
    });
    expect(readPluginConfig({}, { serviceUrl: url })).toMatchObject({ serviceUrl: null, problems: [why] });
  });

  it.each([
    ['http://127.0.0.1:3001', 'http://127.0.0.1:3001'],
    ['http://127.8.9.10/', 'http://127.8.9.10'],
    ['http://localhost:3001/', 'http://localhost:3001'],
    ['http://LOCALHOST:3001', 'http://LOCALHOST:3001'],
    ['http://[::1]:3001', 'http://[::1]:3001'],
    // Other spellings of a loopback address, which the URL parser canonicalises.
    ['http://127.1:3001', 'http://127.1:3001'],
    ['http://0x7f.0.0.1:3001', 'http://0x7f.0.0.1:3001'],
    ['http://[0:0::1]:3001', 'http://[0:0::1]:3001'],
    ['https://stuck-tasks-1234.twil.io', 'https://stuck-tasks-1234.twil.io'],
    ['https://10.0.0.5:3000', 'https://10.0.0.5:3000'],
  ])('accepts %s', (url, serviceUrl) => {
    expect(readPluginConfig({ stuck_tasks: { service_url: url } }, {})).toEqual({
      serviceUrl,
      allowedRoles: ['admin'],
      problems: [],
    });
  });
});

describe('readBuildVariables', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('reads the FLEX_APP_ variables flex-plugin-scripts bakes into the bundle', () => {
    process.env.FLEX_APP_STUCK_TASKS_SERVICE_URL = 'https://env.twil.io';
    process.env.FLEX_APP_STUCK_TASKS_ALLOWED_ROLES = 'supervisor';
    expect(readBuildVariables()).toEqual({ serviceUrl: 'https://env.twil.io', allowedRoles: 'supervisor' });
  });
});

it('hasAllowedRole matches any of the user roles exactly', () => {
  expect(hasAllowedRole(['agent', 'supervisor'], ['supervisor'])).toBe(true);
  expect(hasAllowedRole(['agent'], ['admin'])).toBe(false);
  expect(hasAllowedRole(['Admin'], ['admin'])).toBe(false);
  expect(hasAllowedRole(undefined, ['admin'])).toBe(false);
});
