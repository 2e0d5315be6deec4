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
      'The service URL "ftp://files.example" must start with https:// (or http:// for local testing).',
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
