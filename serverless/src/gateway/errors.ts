/**
 * Twilio did not give a usable answer: it kept failing (429, 5xx, network) until the retry budget
 * ran out, or it refused the request in a way no retry can fix (bad credentials, unknown workspace).
 * The Functions answer 502 `upstream`; the CLI prints the message.
 */
export class UpstreamError extends Error {
  /** HTTP status of Twilio's last answer; null when there was none (network error, deadline). */
  readonly status: number | null;
  /** Twilio's error code (e.g. 20003 authentication failed, 20404 not found), when it gave one. */
  readonly twilioCode: number | null;

  constructor(message: string, details: { status?: number | null; twilioCode?: number | null } = {}) {
    super(message);
    this.name = 'UpstreamError';
    this.status = details.status ?? null;
    this.twilioCode = details.twilioCode ?? null;
  }
}

/**
 * The caller's time budget ran out before this request could be made or answered. Engine operations
 * catch it to stop cleanly (a scan resumes at the next page token); it never reaches the Functions.
 */
export class DeadlineExceededError extends Error {
  constructor(message = 'The time budget for this operation ran out') {
    super(message);
    this.name = 'DeadlineExceededError';
  }
}
