import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as forward, type IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** A certificate and its key, PEM. */
export interface Certificate {
  readonly cert: string;
  readonly key: string;
}

let made: Promise<Certificate> | undefined;

/**
 * A self-signed certificate for `127.0.0.1` and `localhost`, valid for a day, made with the
 * `openssl` command once per process (Node has no API to issue one).
 */
export function selfSignedCertificate(): Promise<Certificate> {
  made ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'neverlose-tls-'));
    try {
      await promisify(execFile)('openssl', [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ]);
      return {
        cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
        key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  return made;
}

/** A running {@link startTlsProxy}. */
export interface TlsProxy {
  /** The public origin, `https://127.0.0.1:<port>`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A TLS-terminating reverse proxy on `127.0.0.1:port` in front of the plain-HTTP server `target`
 * (an origin), as a load balancer runs one: it forwards each request with the upstream's `Host`
 * (nginx's default) and says where it came from in `X-Forwarded-Proto: https`,
 * `X-Forwarded-Host` (the public host) and `X-Forwarded-For`. An app that builds URLs or decides
 * `Secure` from the request alone, without those headers, gets it wrong behind it.
 */
export async function startTlsProxy(port: number, target: string): Promise<TlsProxy> {
  const upstream = new URL(target);
  const server: Server = createServer(await selfSignedCertificate(), (req, res) => {
    const headers: IncomingHttpHeaders = {
      ...req.headers,
      host: upstream.host,
      'x-forwarded-proto': 'https',
      'x-forwarded-host': req.headers.host ?? `127.0.0.1:${port}`,
      'x-forwarded-for': req.socket.remoteAddress ?? '127.0.0.1',
    };
    const proxied = forward(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    proxied.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('bad gateway');
    });
    req.pipe(proxied);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
