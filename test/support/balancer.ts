import { createServer, request as forward, type IncomingMessage } from 'node:http';

/**
 * A load balancer on `port` (127.0.0.1) in front of instances of an app: each request goes to the
 * port `route` picks for it, body and headers as they came, the answer back as it came.
 */
export async function startBalancer(
  port: number,
  route: (request: IncomingMessage) => number,
): Promise<{ stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    const upstream = forward(
      {
        host: '127.0.0.1',
        port: route(req),
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
