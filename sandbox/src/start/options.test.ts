import { DEFAULT_PORTS, UsageError, optionsFromCommandLine } from './options';

describe('npm start options', () => {
  test('no flags: the default ports and the default workspace', () => {
    expect(optionsFromCommandLine([], {})).toEqual({
      ports: DEFAULT_PORTS,
      tasks: undefined,
      seed: undefined,
      latencyMs: undefined,
      concurrencyLimit: undefined,
      errorRate: undefined,
      otherTrafficMean: undefined,
      otherTrafficSwing: undefined,
      graceSeconds: undefined,
      wrapupOverdueMinutes: undefined,
      allowedRoles: undefined,
      functionInstances: undefined,
    });
  });

  test.each([
    [['--function-instances', 'warm'], {}, 'warm'],
    [['--function-instances', 'cold'], { SANDBOX_FUNCTION_INSTANCES: 'warm' }, 'cold'],
    [[], { SANDBOX_FUNCTION_INSTANCES: 'warm' }, 'warm'],
  ])('Function instances: %j %j → %p', (argv, env, instances) => {
    expect(optionsFromCommandLine(argv, env)).toMatchObject({ functionInstances: instances });
  });

  test.each([
    [['--wrapup-overdue-minutes', '45'], {}, 45],
    [['--wrapup-overdue-minutes', ''], { SANDBOX_WRAPUP_OVERDUE_MINUTES: '20' }, null],
    [['--wrapup-overdue-minutes', '0'], {}, null],
    [[], { SANDBOX_WRAPUP_OVERDUE_MINUTES: '1440' }, 1440],
    [[], { SANDBOX_WRAPUP_OVERDUE_MINUTES: '' }, null],
    [[], {}, undefined],
  ])('overdue wrap-ups: %j %j → %p (null = off, undefined = the default)', (argv, env, minutes) => {
    expect(optionsFromCommandLine(argv, env)).toMatchObject({ wrapupOverdueMinutes: minutes });
  });

  test('a larger, slower, throttled workspace from flags', () => {
    const options = optionsFromCommandLine(
      ['--tasks', '10000', '--latency', '100', '--concurrency-limit', '100', '--error-rate', '0.05', '--seed', 'demo'],
      {},
    );
    expect(options).toMatchObject({
      tasks: 10000,
      latencyMs: 100,
      concurrencyLimit: 100,
      errorRate: 0.05,
      seed: 'demo',
    });
  });

  test('environment variables apply, and a flag wins over its variable', () => {
    const options = optionsFromCommandLine(['--port', '4000'], {
      SANDBOX_PORT: '5000',
      SANDBOX_FUNCTIONS_PORT: '5001',
      SANDBOX_TASKS: '42',
      SANDBOX_ALLOWED_ROLES: 'admin, supervisor',
    });
    expect(options).toMatchObject({
      ports: { host: 4000, functions: 5001, simulator: DEFAULT_PORTS.simulator },
      tasks: 42,
      allowedRoles: ['admin', 'supervisor'],
    });
  });

  test('other traffic on the account, from flags or variables; a swing above the mean is refused', () => {
    expect(optionsFromCommandLine(['--other-traffic', '50', '--other-traffic-swing', '20'], {})).toMatchObject({
      otherTrafficMean: 50,
      otherTrafficSwing: 20,
    });
    expect(optionsFromCommandLine([], { SANDBOX_OTHER_TRAFFIC: '30' })).toMatchObject({
      otherTrafficMean: 30,
      otherTrafficSwing: undefined,
    });
    expect(() => optionsFromCommandLine(['--other-traffic', '10', '--other-traffic-swing', '11'], {})).toThrow(
      /--other-traffic-swing \(11\) must not exceed the other traffic's mean \(10, --other-traffic\)/,
    );
    expect(() => optionsFromCommandLine(['--other-traffic', 'lots'], {})).toThrow(
      /--other-traffic must be a whole number/,
    );
  });

  test('--help', () => {
    expect(optionsFromCommandLine(['-h'], {})).toBe('help');
  });

  test.each([
    [['--tasks', 'many'], {}, '--tasks must be a whole number from 0 to 200000, got "many"'],
    [['--port', '70000'], {}, '--port must be a whole number from 1 to 65535, got "70000"'],
    [[], { SANDBOX_LATENCY_MS: '-5' }, 'SANDBOX_LATENCY_MS must be a whole number from 0 to 60000, got "-5"'],
    [['--error-rate', '1.5'], {}, '--error-rate must be a number from 0 to 1, got "1.5"'],
    [['--concurrency-limit', '0'], {}, '--concurrency-limit must be a whole number from 1 to 100000, got "0"'],
    [['--allowed-roles', ' , '], {}, '--allowed-roles must name at least one role'],
    [['--port', '3001'], {}, 'The page, Functions and simulator ports must differ, got 3001, 3001, 3002'],
    [['--tasks'], {}, "Option '--tasks <value>' argument missing"],
    [
      ['--wrapup-overdue-minutes', '1441'],
      {},
      '--wrapup-overdue-minutes must be a whole number from 1 to 1440, got "1441"',
    ],
    [
      [],
      { SANDBOX_WRAPUP_OVERDUE_MINUTES: 'soon' },
      'SANDBOX_WRAPUP_OVERDUE_MINUTES must be a whole number from 1 to 1440, got "soon"',
    ],
    [['--bogus'], {}, "Unknown option '--bogus'"],
    [['--function-instances', 'hot'], {}, '--function-instances must be one of cold, warm, got "hot"'],
    [[], { SANDBOX_FUNCTION_INSTANCES: 'Warm' }, 'SANDBOX_FUNCTION_INSTANCES must be one of cold, warm, got "Warm"'],
  ])('%j %j is refused: %s', (argv, env, message) => {
    const attempt = () => optionsFromCommandLine(argv, env);
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(message);
  });
});
