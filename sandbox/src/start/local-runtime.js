// Preloaded (`node --require`) into every local twilio-run (the sandbox, the serverless `npm start`,
// the integration tests), for two things the local runtime does not do by itself:
// - Loopback only. Its dev server calls `app.listen(port)` and so would listen on every interface:
//   a listen() call without a host gets 127.0.0.1.
// - No Express error page. A body the runtime cannot parse (malformed JSON, over 6 MB, too many
//   form parameters) never reaches a Function; Express would answer it with an HTML page (with a
//   stack trace unless NODE_ENV=production, which the launcher also sets). It gets the service's
//   own JSON error shape instead, with no detail of the runtime.
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

function answerUnreadableBodiesWithJson(server) {
  const [app] = server.listeners('request');
  if (typeof app !== 'function' || typeof app.use !== 'function' || app[HANDLED]) return;
  app[HANDLED] = true;
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
    const answer = () =>
      res
        .status(status)
        .set({ ...CORS_HEADERS, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
        .send(JSON.stringify({ error: { code: status < 500 ? 'bad_request' : 'internal', message } }));
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
