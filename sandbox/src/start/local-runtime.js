// Preloaded (`node --require`) into every local twilio-run (the sandbox, the serverless `npm start`,
// the integration tests), for two things the local runtime does not do by itself:
// - Loopback only. Its dev server calls `app.listen(port)` and so would listen on every interface:
//   a listen() call without a host gets 127.0.0.1.
// - No Express error page. A body the runtime cannot parse (malformed JSON, over 6 MB, too many
//   form parameters) never reaches a Function; Express would answer it with an HTML page (with a
//   stack trace unless NODE_ENV=production, which the launcher also sets). It gets the service's
//   own JSON error shape instead, with no detail of the runtime.
// - No 500 page for deeply nested JSON. The runtime hands the parsed body to the process it forks
//   for the Function; a body nested some 4,500 levels (about 9 KB) overflows the stack while it is
//   serialised, inside the runtime's own try/catch, which answers its HTML error page with a stack
//   trace. The parsed body's depth is checked right after the JSON parser (without recursion) and a
//   body deeper than any real request gets the service's documented 400 instead.
// - No orphans. The launcher starts twilio-run in a process group of its own and stops that group
//   when it exits; a launcher killed by SIGKILL cannot, and twilio-run would keep serving (and keep
//   its port) forever. See `watchLauncher` below.
'use strict';
const http = require('node:http');
const net = require('node:net');

const LOOPBACK_HOST = '127.0.0.1';
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'OPTIONS, POST',
  'Access-Control-Allow-Headers': 'Content-Type',
};
const HANDLED = Symbol('stuck-tasks.localRuntimeErrors');

/**
 * Levels of nesting let through to the Function, which refuses more than 3 itself with the same
 * message; this bound only has to stay far below the ~4,500 levels where the runtime fails.
 */
const MAX_FORWARDED_DEPTH = 64;
const TOO_DEEP_MESSAGE = 'The request body is nested too deeply: at most 3 levels are accepted.';

function sendJsonError(req, res, status, code, message) {
  const answer = () =>
    res
      .status(status)
      .set({ ...CORS_HEADERS, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
      .send(JSON.stringify({ error: { code, message } }));
  // As Express's own handler does: read the rest of the body first (a 413 is decided before it
  // is read), or a client still sending it would never see the answer.
  if (req.readableEnded) {
    answer();
    return;
  }
  req.unpipe();
  req.once('end', answer);
  req.once('error', () => res.destroy());
  req.resume();
}

/** Whether `value` has more than `max` levels of objects and arrays, walked with an explicit stack. */
function deeperThan(value, max) {
  const stack = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop();
    if (typeof item !== 'object' || item === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(item)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

function refuseDeepBodies(req, res, next) {
  if (deeperThan(req.body, MAX_FORWARDED_DEPTH)) {
    sendJsonError(req, res, 400, 'bad_request', TOO_DEEP_MESSAGE);
    return;
  }
  next();
}

/** Puts `refuseDeepBodies` right after the runtime's JSON body parser (Express 4's router stack). */
function guardJsonParser(app) {
  const layers = app._router && app._router.stack;
  if (!Array.isArray(layers)) return;
  const parserIndex = layers.findIndex((layer) => layer && layer.handle && layer.handle.name === 'jsonParser');
  if (parserIndex < 0) return;
  app.use(refuseDeepBodies);
  const guard = layers.pop();
  layers.splice(parserIndex + 1, 0, guard);
}

function answerUnreadableBodiesWithJson(server) {
  const [app] = server.listeners('request');
  if (typeof app !== 'function' || typeof app.use !== 'function' || app[HANDLED]) return;
  app[HANDLED] = true;
  guardJsonParser(app);
  // Express recognises an error handler by its four parameters; this one is added last.
  app.use(function unreadableBody(error, req, res, next) {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status =
      Number.isInteger(error && error.status) && error.status >= 400 && error.status < 500 ? error.status : 500;
    const message =
      status === 413
        ? 'The request body is too large or has too many parameters.'
        : status < 500
          ? 'The request body could not be read: send form-urlencoded parameters or valid JSON.'
          : 'The local runtime failed before the Function ran (see its output).';
    sendJsonError(req, res, status, status < 500 ? 'bad_request' : 'internal', message);
  });
}

const originalListen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    if (typeof args[1] !== 'string') args.splice(1, 0, LOOPBACK_HOST);
  } else if (args[0] && typeof args[0] === 'object' && args[0].port !== undefined && !args[0].host) {
    args[0] = { ...args[0], host: LOOPBACK_HOST };
  }
  if (this instanceof http.Server) answerUnreadableBodiesWithJson(this);
  return originalListen.apply(this, args);
};

/** Set in this process's environment once armed, so the processes twilio-run forks do not arm again. */
const WATCHING_LAUNCHER = 'STUCK_TASKS_WATCHING_LAUNCHER';

/**
 * Exits when the launcher is gone. The launcher (functions.ts) gives twilio-run an IPC channel that it
 * never writes to: the kernel closes it when the launcher dies, however it dies, so 'disconnect' fires
 * without polling and without any timing assumption. Only the process the launcher started arms it:
 * twilio-run forks each Function invocation with its own IPC channel (and this preload), whose end
 * means something else.
 */
function watchLauncher() {
  if (typeof process.send !== 'function' || process.env[WATCHING_LAUNCHER]) return;
  // twilio-run replaces its process.env with the env file, so the marker does not reach the Function
  // processes it forks; they are recognised by their script. Armed there, the unref'd channel let a
  // fork exit before its invocation arrived (twilio-run then crashed with EPIPE on every request).
  if (/[\\/]functionRunner(\.js)?$/.test(process.argv[1] ?? '')) return;
  process.env[WATCHING_LAUNCHER] = String(process.pid);
  process.once('disconnect', () => process.exit(0));
  // The channel alone must not keep twilio-run running.
  if (process.channel) process.channel.unref();
}

watchLauncher();
