import {
  DEFAULT_CLOSE_REASON,
  DEFAULT_INSIGHTS_OUTCOME,
  SettingsError,
  fixedConcurrencyCap,
  loadSettings,
} from './settings';

const required = {
  ACCOUNT_SID: `AC${'a'.repeat(32)}`,
  AUTH_TOKEN: 't'.repeat(32),
  TASKROUTER_WORKSPACE_SID: `WS${'b'.repeat(32)}`,
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  throw new Error('expected a SettingsError');
}

describe('loadSettings', () => {
  it('applies the documented defaults', () => {
    expect(loadSettings(required)).toEqual({
      accountSid: required.ACCOUNT_SID,
      authToken: required.AUTH_TOKEN,
      workspaceSid: required.TASKROUTER_WORKSPACE_SID,
      allowedRoles: ['admin'],
      graceSeconds: 60,
      closeReason: DEFAULT_CLOSE_REASON,
      excludedTaskQueues: [],
      apiBaseUrl: null,
      proxyUrl: null,
      wrapupOverdueMinutes: null,
      insightsOutcome: DEFAULT_INSIGHTS_OUTCOME,
      accountConcurrencyLimit: 100,
      concurrencyHeadroom: 15,
      maxConcurrentRequests: null,
      messaging: true,
    });
    expect(DEFAULT_INSIGHTS_OUTCOME).toBe('Closed stuck task');
  });

  it('reads an HTTP(S) proxy for the real hosts, HTTPS_PROXY first, and refuses one that is not a proxy URL', () => {
    expect(loadSettings({ ...required, HTTP_PROXY: 'http://proxy.example:3128/' }).proxyUrl).toBe(
      'http://proxy.example:3128',
    );
    expect(
      loadSettings({ ...required, HTTP_PROXY: 'http://old:1', https_proxy: 'http://user:pw@new.example:8080' })
        .proxyUrl,
    ).toBe('http://user:pw@new.example:8080');
    expect(loadSettings({ ...required, HTTPS_PROXY: '  ' }).proxyUrl).toBeNull();
    expect(() => loadSettings({ ...required, HTTPS_PROXY: 'socks5://proxy:1080' })).toThrow(
      /HTTPS_PROXY must be an http\(s\) URL of a proxy/,
    );
    expect(() => loadSettings({ ...required, http_proxy: 'http://proxy:3128/some/path' })).toThrow(
      /http_proxy must be/,
    );
  });

  it('reads every optional setting', () => {
    const settings = loadSettings({
      ...required,
      ALLOWED_ROLES: ' admin , supervisor ,',
      STUCK_GRACE_SECONDS: '120',
      CLOSE_REASON: '  Outage cleanup.  ',
      EXCLUDED_TASK_QUEUES: `WQ${'c'.repeat(32)}, Callbacks`,
      TWILIO_API_BASE_URL: 'http://127.0.0.1:4010/',
      WRAPUP_OVERDUE_MINUTES: ' 30 ',
      INSIGHTS_OUTCOME: '  Stuck: closed by supervisor  ',
    });
    expect(settings).toMatchObject({
      allowedRoles: ['admin', 'supervisor'],
      graceSeconds: 120,
      closeReason: 'Outage cleanup.',
      excludedTaskQueues: [`WQ${'c'.repeat(32)}`, 'Callbacks'],
      apiBaseUrl: 'http://127.0.0.1:4010',
      wrapupOverdueMinutes: 30,
      insightsOutcome: 'Stuck: closed by supervisor',
    });
  });

  it.each(['', '   '])('turns overdue wrap-ups off when WRAPUP_OVERDUE_MINUTES is %j', (value) => {
    expect(loadSettings({ ...required, WRAPUP_OVERDUE_MINUTES: value }).wrapupOverdueMinutes).toBeNull();
  });

  it.each([
    ['1', 1],
    ['1440', 1440],
  ])('accepts WRAPUP_OVERDUE_MINUTES=%s at the edges of its range', (value, minutes) => {
    expect(loadSettings({ ...required, WRAPUP_OVERDUE_MINUTES: value }).wrapupOverdueMinutes).toBe(minutes);
  });

  it.each(['', ' ', '\t'])('turns the Insights outcome off when INSIGHTS_OUTCOME is present but %j', (value) => {
    expect(loadSettings({ ...required, INSIGHTS_OUTCOME: value }).insightsOutcome).toBeNull();
  });

  it('treats empty values as unset', () => {
    expect(
      loadSettings({
        ...required,
        ALLOWED_ROLES: '',
        CLOSE_REASON: ' ',
        TWILIO_API_BASE_URL: '',
        EXCLUDED_TASK_QUEUES: '',
      }),
    ).toMatchObject({
      allowedRoles: ['admin'],
      closeReason: DEFAULT_CLOSE_REASON,
      apiBaseUrl: null,
      excludedTaskQueues: [],
    });
  });

  it('names every missing required setting at once', () => {
    expect(problemsOf({})).toEqual([
      'ACCOUNT_SID is missing',
      'AUTH_TOKEN is missing',
      'TASKROUTER_WORKSPACE_SID is missing',
    ]);
  });

  it.each([
    ['ACCOUNT_SID', 'SK123', /ACCOUNT_SID must be AC/],
    ['TASKROUTER_WORKSPACE_SID', 'WS123', /TASKROUTER_WORKSPACE_SID must be WS/],
    ['AUTH_TOKEN', 'two words', /AUTH_TOKEN must not contain spaces/],
    ['STUCK_GRACE_SECONDS', '-5', /STUCK_GRACE_SECONDS must be a whole number/],
    ['STUCK_GRACE_SECONDS', '1.5', /STUCK_GRACE_SECONDS/],
    ['STUCK_GRACE_SECONDS', 'soon', /STUCK_GRACE_SECONDS/],
    ['STUCK_GRACE_SECONDS', '999999', /STUCK_GRACE_SECONDS/],
    ['ALLOWED_ROLES', ' , ', /ALLOWED_ROLES must name at least one role/],
    ['TWILIO_API_BASE_URL', 'ftp://127.0.0.1', /TWILIO_API_BASE_URL/],
    ['TWILIO_API_BASE_URL', 'not a url', /TWILIO_API_BASE_URL/],
    ['TWILIO_API_BASE_URL', 'http://user:pw@127.0.0.1', /TWILIO_API_BASE_URL/],
    ['TWILIO_API_BASE_URL', 'http://127.0.0.1/?x=1', /TWILIO_API_BASE_URL/],
    ...['0', '1441', '-5', '1.5', 'soon', '30m', '1e2'].map(
      (value) =>
        [
          'WRAPUP_OVERDUE_MINUTES',
          value,
          /^WRAPUP_OVERDUE_MINUTES must be a whole number of minutes from 1 to 1440 \(empty for off\)$/,
        ] as [string, string, RegExp],
    ),
  ])('rejects %s=%j with a message naming it', (name, value, message) => {
    const problems = problemsOf({ ...required, [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it('reads the account limit and the headroom the adaptive concurrency aims under', () => {
    expect(
      loadSettings({ ...required, TWILIO_ACCOUNT_CONCURRENCY_LIMIT: ' 250 ', TWILIO_CONCURRENCY_HEADROOM: '0' }),
    ).toMatchObject({ accountConcurrencyLimit: 250, concurrencyHeadroom: 0 });
  });

  it.each([
    [
      'TWILIO_ACCOUNT_CONCURRENCY_LIMIT',
      '0',
      /^TWILIO_ACCOUNT_CONCURRENCY_LIMIT must be a whole number of requests from 1 to 10000$/,
    ],
    ['TWILIO_ACCOUNT_CONCURRENCY_LIMIT', '1.5', /^TWILIO_ACCOUNT_CONCURRENCY_LIMIT must be/],
    ['TWILIO_ACCOUNT_CONCURRENCY_LIMIT', '10001', /^TWILIO_ACCOUNT_CONCURRENCY_LIMIT must be/],
    ['TWILIO_CONCURRENCY_HEADROOM', '-1', /^TWILIO_CONCURRENCY_HEADROOM must be a whole number of requests/],
    ['TWILIO_CONCURRENCY_HEADROOM', 'lots', /^TWILIO_CONCURRENCY_HEADROOM must be/],
    [
      'TWILIO_CONCURRENCY_HEADROOM',
      '100',
      /^TWILIO_CONCURRENCY_HEADROOM \(100\) must be below TWILIO_ACCOUNT_CONCURRENCY_LIMIT \(100\)$/,
    ],
  ])('rejects %s=%j with a message naming it', (name, value, message) => {
    const problems = problemsOf({ ...required, [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it('reads TWILIO_MAX_CONCURRENT_REQUESTS, the fixed cap; unset, the cap is the account limit (the window keeps to limit − headroom)', () => {
    expect(loadSettings({ ...required, TWILIO_MAX_CONCURRENT_REQUESTS: ' 40 ' }).maxConcurrentRequests).toBe(40);
    expect(loadSettings({ ...required, TWILIO_MAX_CONCURRENT_REQUESTS: '' }).maxConcurrentRequests).toBeNull();
    expect(fixedConcurrencyCap(loadSettings(required))).toBe(100);
    expect(
      fixedConcurrencyCap(
        loadSettings({ ...required, TWILIO_ACCOUNT_CONCURRENCY_LIMIT: '250', TWILIO_CONCURRENCY_HEADROOM: '50' }),
      ),
    ).toBe(250);
    expect(fixedConcurrencyCap(loadSettings({ ...required, TWILIO_MAX_CONCURRENT_REQUESTS: '40' }))).toBe(40);
    // Asked for explicitly (the CLI's --concurrency): that wins.
    expect(fixedConcurrencyCap(loadSettings({ ...required, TWILIO_MAX_CONCURRENT_REQUESTS: '40' }), 7)).toBe(7);
    // Hand-built settings without the concurrency fields: Twilio's defaults.
    expect(fixedConcurrencyCap({})).toBe(100);
  });

  it.each([
    ['0', /^TWILIO_MAX_CONCURRENT_REQUESTS must be a whole number of requests, at least 1/],
    ['1.5', /^TWILIO_MAX_CONCURRENT_REQUESTS must be a whole number/],
    ['lots', /^TWILIO_MAX_CONCURRENT_REQUESTS must be a whole number/],
    ['101', /^TWILIO_MAX_CONCURRENT_REQUESTS \(101\) must not exceed TWILIO_ACCOUNT_CONCURRENCY_LIMIT \(100\)$/],
  ])('rejects TWILIO_MAX_CONCURRENT_REQUESTS=%j with a message naming it', (value, message) => {
    const problems = problemsOf({ ...required, TWILIO_MAX_CONCURRENT_REQUESTS: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it('checks the cap against the account limit given with it', () => {
    expect(
      problemsOf({ ...required, TWILIO_ACCOUNT_CONCURRENCY_LIMIT: '30', TWILIO_MAX_CONCURRENT_REQUESTS: '31' }),
    ).toEqual(['TWILIO_MAX_CONCURRENT_REQUESTS (31) must not exceed TWILIO_ACCOUNT_CONCURRENCY_LIMIT (30)']);
    expect(
      loadSettings({ ...required, TWILIO_ACCOUNT_CONCURRENCY_LIMIT: '30', TWILIO_MAX_CONCURRENT_REQUESTS: '30' })
        .maxConcurrentRequests,
    ).toBe(30);
  });

  it('checks the headroom against the account limit given with it', () => {
    expect(
      problemsOf({ ...required, TWILIO_ACCOUNT_CONCURRENCY_LIMIT: '10', TWILIO_CONCURRENCY_HEADROOM: '12' }),
    ).toEqual(['TWILIO_CONCURRENCY_HEADROOM (12) must be below TWILIO_ACCOUNT_CONCURRENCY_LIMIT (10)']);
  });

  it('reads MESSAGING as on (the default) or off, and refuses anything else', () => {
    expect(loadSettings(required).messaging).toBe(true);
    expect(loadSettings({ ...required, MESSAGING: 'off' }).messaging).toBe(false);
    expect(loadSettings({ ...required, MESSAGING: ' ON ' }).messaging).toBe(true);
    expect(problemsOf({ ...required, MESSAGING: 'yes' })).toEqual(['MESSAGING must be on or off']);
  });

  it('puts every problem in the error message', () => {
    expect(() => loadSettings({ ...required, ACCOUNT_SID: 'x', STUCK_GRACE_SECONDS: 'x' })).toThrow(
      /ACCOUNT_SID.*; STUCK_GRACE_SECONDS/,
    );
  });
});
