import http from 'http';
import type { AddressInfo, Socket } from 'net';

/** What the front answers a token validation instead of passing it on. */
export type ScriptedAnswer = { status: number; code: number; message: string } | 'hang' | 'reset';

export interface TwilioFront {
  /** Base URL standing in for every Twilio host. */
  url: string;
  /** The next token validations get these answers, in order; later ones reach the simulator. */
  script(...answers: ScriptedAnswer[]): void;
  /** Drops what is left of the script and releases hanging requests. */
  clear(): void;
  /** When each token validation arrived (ms since epoch), since the last clear(). */
  validations(): number[];
  stop(): Promise<void>;
}

const TOKEN_VALIDATION = /\/Tokens\/validate\/?$/;

/**
 * A proxy in front of the simulator that can make Twilio's token validation fail on cue (429, 5xx,
 * no answer, a dropped connection) while everything else (TaskRouter, Calls) passes through.
 */
export async function startTwilioFront(simulatorUrl: string): Promise<TwilioFront> {
  const target = new URL(simulatorUrl);
  let answers: ScriptedAnswer[] = [];
  let arrivals: number[] = [];
  const hanging = new Set<http.ServerResponse>();
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    if (TOKEN_VALIDATION.test(req.url ?? '')) {
      arrivals.push(Date.now());
      const answer = answers.shift();
      if (answer === 'hang') {
        hanging.add(res);
        req.resume();
        return;
      }
      if (answer === 'reset') {
        req.socket.destroy();
        return;
      }
      if (answer) {
        req.resume();
        res
          .writeHead(answer.status, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ code: answer.code, message: answer.message, status: answer.status }));
        return;
      }
    }
    const upstream = http.request(
      {
        hostname: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const clear = (): void => {
    answers = [];
    arrivals = [];
    for (const res of hanging) res.destroy();
    hanging.clear();
  };
  return {
    url,
    script: (...more) => answers.push(...more),
    clear,
    validations: () => [...arrivals],
    async stop() {
      clear();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
