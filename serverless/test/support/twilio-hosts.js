// Test only. Answers requests to the real Twilio hosts (iam.twilio.com, taskrouter.twilio.com,
// api.twilio.com) from a local stand-in (the simulator, or a test's front to it) and blocks every
// other non-loopback host as if the machine were offline. It lets the production path — no
// TWILIO_API_BASE_URL, the unmodified twilio-flex-token-validator and twilio-node on their real
// hosts — run unchanged, down to Node's http client.
//
// Preloaded into twilio-run (`node --require`), whose forked function processes inherit it; there
// it reads the target from TWILIO_HOSTS_TARGET_URL in the env file (the function's environment).
// Jest tests call `forwardTwilioHosts(url)` instead.
//
// (nock would be the usual tool, but nock 15 needs Node >= 22.20 and this project runs on 20.)
'use strict';
const http = require('node:http');
const https = require('node:https');
const { urlToHttpOptions } = require('node:url');

const TWILIO_HOSTS = new Set(['iam.twilio.com', 'taskrouter.twilio.com', 'api.twilio.com']);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const TARGET_ENV = 'TWILIO_HOSTS_TARGET_URL';

/** The (url?, options?, callback?) forms of http(s).request as one options object and the callback. */
function normalise(args) {
  let options = {};
  let callback;
  for (const arg of args) {
    if (typeof arg === 'function') callback = arg;
    else if (typeof arg === 'string') options = { ...options, ...urlToHttpOptions(new URL(arg)) };
    else if (arg instanceof URL) options = { ...options, ...urlToHttpOptions(arg) };
    else if (arg && typeof arg === 'object') options = { ...options, ...arg };
  }
  return { options, callback };
}

function hostOf(options) {
  return String(options.hostname || options.host || 'localhost')
    .replace(/:\d+$/, '')
    .toLowerCase();
}

/** Fails the connection the way an offline machine does. */
function offlineLookup(hostname, _options, callback) {
  const error = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
  error.code = 'ENOTFOUND';
  error.syscall = 'getaddrinfo';
  error.hostname = hostname;
  process.nextTick(() => callback(error));
}

let installed = null;

/** Sends the Twilio hosts' requests to `targetUrl` (http, loopback). Returns an undo function. */
function forwardTwilioHosts(targetUrl) {
  if (installed) installed.undo();
  const target = new URL(targetUrl);
  const original = { httpRequest: http.request, httpGet: http.get, httpsRequest: https.request, httpsGet: https.get };
  const forwarded = [];

  function route(originalRequest, args) {
    const { options, callback } = normalise(args);
    const host = hostOf(options);
    if (TWILIO_HOSTS.has(host)) {
      forwarded.push({ host, method: options.method || 'GET', path: options.path || '/' });
      // Plain http to the stand-in: the https agent, host and port of the original go.
      const rest = { ...options };
      for (const key of ['agent', 'agents', 'protocol', 'port', 'host']) delete rest[key];
      const headers = { ...(options.headers || {}), host };
      return original.httpRequest.call(
        http,
        { ...rest, protocol: 'http:', hostname: target.hostname, port: target.port, headers },
        callback,
      );
    }
    if (LOOPBACK_HOSTS.has(host)) return originalRequest(...args);
    return originalRequest({ ...options, lookup: offlineLookup, agent: false }, callback);
  }

  http.request = (...args) => route(original.httpRequest.bind(http), args);
  https.request = (...args) => route(original.httpsRequest.bind(https), args);
  http.get = (...args) => {
    const request = http.request(...args);
    request.end();
    return request;
  };
  https.get = (...args) => {
    const request = https.request(...args);
    request.end();
    return request;
  };
  installed = {
    forwarded,
    undo() {
      Object.assign(http, { request: original.httpRequest, get: original.httpGet });
      Object.assign(https, { request: original.httpsRequest, get: original.httpsGet });
      installed = null;
    },
  };
  return installed;
}

module.exports = { forwardTwilioHosts, TARGET_ENV, TWILIO_HOSTS: [...TWILIO_HOSTS] };

if (process.env[TARGET_ENV]) forwardTwilioHosts(process.env[TARGET_ENV]);
