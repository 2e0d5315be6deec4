import { UpstreamError } from '../gateway';
import type { Settings } from '../settings';
import { CliError, EXIT_CODES } from './errors';

/** The message and exit code for a failure a command ended with; anything unexpected is rethrown. */
export function describeFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof UpstreamError) {
    return { message: `Twilio is not answering usefully: ${error.message}`, exitCode: EXIT_CODES.upstream };
  }
  throw error;
}

/** Twilio's refusals that mean a setting is wrong, said in the operator's terms. */
function explainTwilioFailure(error: unknown, settings: Settings): unknown {
  if (!(error instanceof UpstreamError)) return error;
  const answer = `HTTP ${error.status}${error.twilioCode ? `, Twilio error ${error.twilioCode}` : ''}`;
  if (error.status === 401 || error.status === 403) {
    const credentials = settings.apiKey
      ? `the API key ${settings.apiKey.sid} (TWILIO_API_KEY, TWILIO_API_SECRET)`
      : 'TWILIO_AUTH_TOKEN';
    return new CliError(
      `Twilio rejected the credentials (${answer}). Check TWILIO_ACCOUNT_SID (${settings.accountSid}) and ${credentials}.`,
      EXIT_CODES.unauthorized,
    );
  }
  if (error.status === 404) {
    return new CliError(
      `Workspace ${settings.workspaceSid} was not found in account ${settings.accountSid} (${answer}). ` +
        'Check TASKROUTER_WORKSPACE_SID.',
      EXIT_CODES.workspaceNotFound,
    );
  }
  return error;
}

/** Runs a command's Twilio work, turning refusals into clear errors. */
export async function talkingToTwilio<T>(settings: Settings, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw explainTwilioFailure(error, settings);
  }
}
