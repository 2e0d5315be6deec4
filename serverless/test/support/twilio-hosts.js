// Test only. Answers requests to the real Twilio hosts (iam, taskrouter, api, conversations and flex-api
// .twilio.com) from a local stand-in (the simulator, or a test's front to it) and blocks every
// other non-loopback host as if the machine were offline. It lets the production path — no
// TWILIO_API_BASE_URL, the unmodified twilio-flex-token-validator and twilio-node on their real
// hosts — run unchanged, down to Node's http client.
//
// Preloaded into twilio-run (`node --require`), whose forked function processes inherit it; there
// it reads the target from TWILIO_HOSTS_TARGET_URL in the env file (the function's environment).
// Jest tests call `forwardTwilioHosts(url)` instead.
//
// The interception is nock's: the well-kept, standard HTTP mocking library of the Node ecosystem,
// rather than a home-made patch of http.request. Version 14, because nock 15 needs Node >= 22.20 and
// this project runs on Node 20. nock intercepts http(s) and the global fetch alike; each request to a
// Twilio host is answered by forwarding it to the stand-in over loopback (which nock lets through)
// and replaying the stand-in's status, headers and body.
'use strict';
const http = require('node:http');

const TWILIO_HOSTS = [
  'iam.twilio.com',
  'taskrouter.twilio.com',
  'api.twilio.com',
  'conversations.twilio.com',
  'flex-api.twilio.com',
];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const TARGET_ENV = 'TWILIO_HOSTS_TARGET_URL';
// The fetch API's Response, taken before the runtime replaces it (see `withFetchResponse`).
const FETCH_RESPONSE = globalThis.Response;
// Hop-by-hop and framing headers, set anew on each leg: the request to the stand-in is a new
// connection of its own, and the stand-in's answer is replayed whole.
const NOT_REPLAYED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

/** nock's net-connect hosts are `hostname:port`. */
const isLoopback = (hostAndPort) => LOOPBACK_HOSTS.has(String(hostAndPort).replace(/:\d+$/, '').toLowerCase());

/**
 * The same error, made in this module's realm. Under jest, Node's own errors (ECONNREFUSED, ECONNRESET)
 * come from outside the test's realm, and nock's interception (@mswjs/interceptors) drops an error
 * that is not `instanceof Error` there: the request would hang instead of failing.
 */
const inThisRealm = (error) => Object.assign(new Error(error.message), error);

/** Sends one request to the stand-in; resolves with nock's [status, body, raw headers]. */
function forward(target, host, { method, path, headers, body: requestBody }) {
  return new Promise((resolve, rejectWith) => {
    const reject = (error) => rejectWith(inThisRealm(error));
    const outgoing = { ...headers, host };
    for (const name of NOT_REPLAYED) delete outgoing[name];
    if (requestBody.length > 0) outgoing['content-length'] = String(requestBody.length);
    const request = http.request(
      { protocol: 'http:', hostname: target.hostname, port: target.port, method, path, headers: outgoing },
      (answer) => {
        const chunks = [];
        answer.on('data', (chunk) => chunks.push(chunk));
        answer.on('error', reject);
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          const rawHeaders = [];
          for (let i = 0; i < answer.rawHeaders.length; i += 2) {
            if (!NOT_REPLAYED.has(answer.rawHeaders[i].toLowerCase())) {
              rawHeaders.push(answer.rawHeaders[i], answer.rawHeaders[i + 1]);
            }
          }
          // nock does not frame the body itself: without a length, a keep-alive client (twilio-node's
          // agent) would wait for the end of the body until its timeout.
          const length = method === 'HEAD' ? answer.headers['content-length'] : String(body.length);
          if (length !== undefined) rawHeaders.push('Content-Length', length);
          resolve([answer.statusCode, body, rawHeaders]);
        });
      },
    );
    request.on('error', reject);
    request.end(requestBody);
  });
}

/**
 * nock turns its reply into the fetch API's `Response` through the global of that name, while the
 * answer event of its request runs. twilio-run's runtime sets that global to Twilio's own response
 * class (the one Functions build answers with), which nock cannot use. So the global is the fetch
 * one for that event only (synchronous: nothing else runs in between), and the runtime's otherwise.
 */
function withFetchResponse(nockRequest) {
  let runtimeResponse;
  nockRequest.prependOnceListener('response', () => {
    runtimeResponse = globalThis.Response;
    globalThis.Response = FETCH_RESPONSE;
  });
  nockRequest.once('response', () => {
    globalThis.Response = runtimeResponse;
  });
}

let installed = null;

/** Sends the Twilio hosts' requests to `targetUrl` (http, loopback). Returns an undo function. */
function forwardTwilioHosts(targetUrl) {
  if (installed) installed.undo();
  // Loaded here, not at the top: a process that forwards nothing (twilio-run's own) stays unpatched.
  const nock = require('nock');
  const target = new URL(targetUrl);
  const forwarded = [];
  // The request body as nock read it (text; Twilio's requests are form-encoded or JSON), by request.
  const bodies = new WeakMap();

  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  nock.enableNetConnect(isLoopback);
  for (const host of TWILIO_HOSTS) {
    const scope = nock(`https://${host}`).persist();
    scope.on('request', (req, _interceptor, body) => bodies.set(req, body ?? ''));
    for (const method of METHODS) {
      scope
        .intercept(() => true, method)
        .reply(function replay(path) {
          const { req } = this;
          forwarded.push({ host, method, path });
          const body = Buffer.from(bodies.get(req) ?? '', 'utf8');
          withFetchResponse(req);
          return forward(target, host, { method, path, headers: req.headers, body });
        });
    }
  }

  installed = {
    forwarded,
    undo() {
      nock.cleanAll();
      nock.enableNetConnect();
      nock.restore();
      installed = null;
    },
  };
  return installed;
}

module.exports = { forwardTwilioHosts, TARGET_ENV, TWILIO_HOSTS };

if (process.env[TARGET_ENV]) forwardTwilioHosts(process.env[TARGET_ENV]);
