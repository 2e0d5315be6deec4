/** Talking to the running Functions over real HTTP, as Flex and the CLI do. */

export interface ApiAnswer<Body = unknown> {
  status: number;
  headers: Headers;
  body: Body;
  /** The raw text, for checks on what must never appear in it. */
  text: string;
}

/** POSTs `params` form-urlencoded (as Flex does) or as JSON, and reads the JSON answer. */
export async function post<Body = unknown>(
  url: string,
  params: Record<string, unknown>,
  encoding: 'form' | 'json' = 'form',
): Promise<ApiAnswer<Body>> {
  const init: RequestInit =
    encoding === 'json'
      ? { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(params) }
      : {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(
            Object.entries(params).flatMap(([key, value]): [string, string][] =>
              Array.isArray(value) ? value.map((item) => [key, String(item)]) : [[key, String(value)]],
            ),
          ).toString(),
        };
  return send<Body>(url, init);
}

/**
 * The local runtime forks a process per request: 0.3-0.8 s on a quiet machine, 3-5 s each measured
 * on 2 cores kept busy, and about 18 s for four at once. A wide margin, so only a hang fails.
 */
const ANSWER_TIMEOUT_MS = 60_000;

/** Sends any request and reads the answer (JSON when it parses). */
export async function send<Body = unknown>(url: string, init: RequestInit): Promise<ApiAnswer<Body>> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, headers: response.headers, body: body as Body, text };
}
