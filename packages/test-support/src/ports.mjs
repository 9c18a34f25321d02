import { createServer } from 'node:net';

/**
 * Ports handed out from below the kernel's ephemeral range (Linux: 32768-60999, macOS and
 * Windows: 49152-65535): a port the kernel picks for a `listen(0)` or an outgoing connection is
 * never one of these, so the port stays free while the process told to use it starts (seconds,
 * under load), even with other suites on the machine.
 */
const FIRST = 20_000;
const LAST = 32_000;
/** @type {Set<number>} */
const handedOut = new Set();

/** @param {number} port */
function bindable(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    // No host: the unspecified address, as a server started with only a port binds (every IPv4
    // and IPv6 address), so a listener on 127.0.0.1 or ::1 makes the port taken.
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

/** A loopback port free right now: for processes that must be told their port before they start. */
export async function freePort() {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = FIRST + Math.floor(Math.random() * (LAST - FIRST));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port between ${FIRST} and ${LAST} after 200 tries`);
}
