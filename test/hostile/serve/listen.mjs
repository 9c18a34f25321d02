// Serves one request listener the way the examples run: a loopback port (the first argument, or
// one the system picks), "listening on <url>" on stdout, a clean stop on SIGTERM. Nothing else:
// no handler of uncaught exceptions, so whatever would end a real server ends this one.
import { createServer } from 'node:http';

/** @param {import('node:http').RequestListener} listener */
export function serve(listener) {
  const server = createServer(listener);
  server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
    console.log(`listening on http://127.0.0.1:${server.address().port}`);
  });
  process.once('SIGTERM', () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
