// A webhook receiver in its own process, against the BUILT package, so that a test can see it die.
// Usage: node server-child.mjs node|express   (prints "listening <port>", then "closed" per request)
import { createServer } from 'node:http';
import express from 'express';
import { createExpressWebhookRouter, createNodeWebhookHandler } from '../../dist/index.js';

const options = { secret: 'key', onEvent: () => {}, onError: () => {} };
const mode = process.argv[2];
let listener;
if (mode === 'node') listener = createNodeWebhookHandler(options);
else {
  const app = express();
  app.use('/hook', createExpressWebhookRouter(options));
  listener = app;
}
const server = createServer(listener);
// After the handler's own listeners: by the time this prints, the request's failure has surfaced.
server.on('request', (req) => req.once('close', () => process.stdout.write('closed\n')));
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
