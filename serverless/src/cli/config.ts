import fs from 'fs';
import path from 'path';
import dotenv from 'dotenv';
import { loadSettings, SettingsError } from '../settings';
import type { Settings } from '../settings';
import { CliError, EXIT_CODES } from './errors';

type Env = Record<string, string | undefined>;

/**
 * Merges the `.env` file under the process environment: a variable set in the shell wins over the
 * file, as with dotenv's own `config()`. `envFile` given explicitly must exist; the default `.env` in
 * the working directory is optional.
 */
export function environmentWithDotenv(env: Env, cwd: string, envFile: string | undefined): Env {
  const file = path.resolve(cwd, envFile ?? '.env');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (envFile === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return { ...env };
    throw new CliError(`Cannot read the env file ${file}: ${(error as Error).message}`, EXIT_CODES.usage);
  }
  const fromFile = dotenv.parse(text);
  const merged: Env = { ...fromFile };
  for (const [name, value] of Object.entries(env)) if (value !== undefined) merged[name] = value;
  return merged;
}

function firstSet(env: Env, names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

const API_KEY_SID_PATTERN = /^SK[0-9a-fA-F]{32}$/;

/**
 * The service's settings read with the names a Twilio developer's shell already has:
 * `TWILIO_ACCOUNT_SID` + `TWILIO_AUTH_TOKEN`, or an API key pair `TWILIO_API_KEY` + `TWILIO_API_SECRET`
 * (the Functions' `ACCOUNT_SID`/`AUTH_TOKEN` are accepted too, so one `.env` serves both). Everything
 * else (`TASKROUTER_WORKSPACE_SID`, `STUCK_GRACE_SECONDS`, `EXCLUDED_TASK_QUEUES`, `CLOSE_REASON`,
 * `TWILIO_API_BASE_URL`) means exactly what it means for the Functions.
 */
export function loadCliSettings(env: Env): Settings {
  const problems: string[] = [];
  const accountSid = firstSet(env, ['TWILIO_ACCOUNT_SID', 'ACCOUNT_SID']);
  const authToken = firstSet(env, ['TWILIO_AUTH_TOKEN', 'AUTH_TOKEN']);
  const apiKeySid = firstSet(env, ['TWILIO_API_KEY']);
  const apiKeySecret = firstSet(env, ['TWILIO_API_SECRET']);

  let apiKey: Settings['apiKey'] = null;
  if (apiKeySid !== undefined || apiKeySecret !== undefined) {
    if (apiKeySid === undefined) problems.push('TWILIO_API_SECRET is set but TWILIO_API_KEY is missing');
    else if (!API_KEY_SID_PATTERN.test(apiKeySid)) problems.push('TWILIO_API_KEY must be SK followed by 32 hex digits');
    if (apiKeySecret === undefined) problems.push('TWILIO_API_KEY is set but TWILIO_API_SECRET is missing');
    if (apiKeySid !== undefined && apiKeySecret !== undefined) apiKey = { sid: apiKeySid, secret: apiKeySecret };
  } else if (authToken === undefined) {
    problems.push(
      'credentials are missing: set TWILIO_AUTH_TOKEN, or the API key pair TWILIO_API_KEY and TWILIO_API_SECRET',
    );
  }

  let settings: Settings | null = null;
  try {
    settings = loadSettings({
      ...env,
      ACCOUNT_SID: accountSid,
      // With an API key the token is never sent; the secret stands in so the shared checks pass.
      AUTH_TOKEN: authToken ?? apiKeySecret ?? 'unset',
    });
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    problems.push(
      ...error.problems
        .filter((problem) => !problem.startsWith('AUTH_TOKEN') || apiKey === null)
        .map((problem) =>
          problem.replace(/^ACCOUNT_SID\b/, 'TWILIO_ACCOUNT_SID').replace(/^AUTH_TOKEN\b/, 'TWILIO_AUTH_TOKEN'),
        ),
    );
  }
  // The account comes first in the message, as in the settings list.
  problems.sort((a, b) => Number(b.startsWith('TWILIO_ACCOUNT_SID')) - Number(a.startsWith('TWILIO_ACCOUNT_SID')));
  if (problems.length > 0 || settings === null) {
    throw new CliError(
      `Settings are missing or invalid (environment or .env):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
      EXIT_CODES.usage,
    );
  }
  return { ...settings, apiKey };
}

/**
 * The settings with the command line's `--account-limit` and `--headroom` applied over the
 * environment's, checked together: the headroom must leave the tool at least one request, and the
 * fixed cap (`--concurrency`, else TWILIO_MAX_CONCURRENT_REQUESTS) must not exceed the limit.
 */
export function withConcurrencyOptions(
  settings: Settings,
  options: { accountLimit?: number; headroom?: number; concurrency?: number },
): Settings {
  const accountConcurrencyLimit = options.accountLimit ?? settings.accountConcurrencyLimit;
  const concurrencyHeadroom = options.headroom ?? settings.concurrencyHeadroom;
  if (
    accountConcurrencyLimit !== undefined &&
    concurrencyHeadroom !== undefined &&
    concurrencyHeadroom >= accountConcurrencyLimit
  ) {
    throw new CliError(
      `The headroom (${concurrencyHeadroom}, --headroom or TWILIO_CONCURRENCY_HEADROOM) must be below the account ` +
        `limit (${accountConcurrencyLimit}, --account-limit or TWILIO_ACCOUNT_CONCURRENCY_LIMIT)`,
      EXIT_CODES.usage,
    );
  }
  // The cap may not exceed the limit; the setting is checked against the limit in the environment,
  // so a smaller --account-limit is checked against it here too.
  const cap = options.concurrency ?? settings.maxConcurrentRequests ?? null;
  if (cap !== null && accountConcurrencyLimit !== undefined && cap > accountConcurrencyLimit) {
    throw new CliError(
      `The most requests in flight (${cap}, --concurrency or TWILIO_MAX_CONCURRENT_REQUESTS) must not exceed the ` +
        `account limit (${accountConcurrencyLimit}, --account-limit or TWILIO_ACCOUNT_CONCURRENCY_LIMIT)`,
      EXIT_CODES.usage,
    );
  }
  return { ...settings, accountConcurrencyLimit, concurrencyHeadroom };
}
