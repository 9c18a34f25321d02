import { createServer, type Socket } from 'node:net';

/**
 * A server that accepts TCP connections on loopback and never answers: what a database behind a
 * hung host, a full accept queue or a black-holing proxy looks like to a client. Every call to it
 * must end in a timeout, never hang.
 */
export async function startSilentServer(): Promise<{
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: () => number;
  stop(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    accepted: () => accepted,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
