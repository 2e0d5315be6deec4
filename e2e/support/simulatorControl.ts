import type { Sandbox } from '../../sandbox/src/start/sandbox';

/**
 * The simulator's control API over HTTP (`/_sim/…`, sandbox/src/simulator/README.md), with the run's
 * secret: what a shell or another process would use. Answers the JSON body; any other status than 200
 * fails with the simulator's own message.
 */
export async function simControl<T>(
  sandbox: Sandbox,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${sandbox.simulator.url}/_sim${path}`, {
    method,
    headers: {
      ...sandbox.simulator.controlHeaders,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${method} /_sim${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}
