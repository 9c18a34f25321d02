import { connect } from 'node:net';

/** What came back for one hostile request. */
export type Outcome =
  | { readonly kind: 'answered'; readonly status: number; readonly head: string }
  /** The server closed the connection without a reply (acceptable for broken input). */
  | { readonly kind: 'closed' }
  /** Nothing came back in time; the harness closed the connection. */
  | { readonly kind: 'no-answer' }
  /** The harness itself cut the connection before an answer could come (aborted, slow bodies). */
  | { readonly kind: 'cut' };

/** One request as bytes on the wire, and how to send them. */
export interface WireRequest {
  readonly method: string;
  /** The request target, sent as is (percent-encoding included). */
  readonly target: string;
  /** Header lines as `[name, value]`; values are bytes as latin1 text (`\xc4\x80`), sent as is. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body?: Buffer;
  /**
   * How the body is sent: `whole`; `aborted` (the declared length is larger than what is sent,
   * then the connection is closed); `slow` (a byte every `DRIP_MS` until `SLOW_MS`, then closed).
   * @defaultValue `'whole'`
   */
  readonly mode?: 'whole' | 'aborted' | 'slow';
}

/** A whole reply must come within this long (a loaded CI machine included). */
const ANSWER_MS = 10_000;
/** A slow body drips for this long, then the harness gives up: the test stays bounded. */
export const SLOW_MS = 1500;
const DRIP_MS = 100;

/** The bytes of a request: request line, headers (with `Connection: close`), body. */
export function encodeRequest(request: WireRequest, host: string): Buffer {
  const lines = [`${request.method} ${request.target} HTTP/1.1`];
  const names = new Set(request.headers.map(([name]) => name.toLowerCase()));
  if (!names.has('host')) lines.push(`Host: ${host}`);
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  lines.push('Connection: close');
  const body = request.body ?? Buffer.alloc(0);
  if (!names.has('content-length') && !names.has('transfer-encoding')) {
    const declared = request.mode === 'aborted' ? body.length + 10_000 : body.length;
    if (declared > 0 || request.method === 'POST') lines.push(`Content-Length: ${declared}`);
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

function headLength(bytes: Buffer): number {
  const end = bytes.indexOf('\r\n\r\n');
  return end < 0 ? bytes.length : end;
}

/**
 * Sends a request over a raw socket: bytes that fetch() refuses to send (control characters in
 * headers, a declared length never sent) go out as given. Always settles, within `ANSWER_MS`.
 */
export function sendRaw(baseUrl: string, request: WireRequest): Promise<Outcome> {
  const { hostname, port, host } = new URL(baseUrl);
  const bytes = encodeRequest(request, host);
  const mode = request.mode ?? 'whole';
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    let cut = false;
    const timers: NodeJS.Timeout[] = [];
    const socket = connect(Number(port), hostname.replace(/^\[|\]$/g, ''));
    const finish = (outcome: Outcome) => {
      for (const timer of timers) clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const settle = () => {
      if (received.length > 0) {
        const head = received.subarray(0, headLength(received)).toString('latin1');
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
        finish({ kind: 'answered', status, head });
      } else {
        finish(cut ? { kind: 'cut' } : { kind: 'closed' });
      }
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
    });
    socket.on('close', settle);
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      if (mode === 'whole') {
        socket.write(bytes);
        return;
      }
      const bodyStart = bytes.indexOf('\r\n\r\n') + 4;
      if (mode === 'aborted') {
        socket.write(bytes, () => {
          cut = true;
          socket.destroy();
        });
        return;
      }
      socket.write(bytes.subarray(0, bodyStart));
      let at = bodyStart;
      const drip = () => {
        if (socket.destroyed) return;
        if (at < bytes.length) socket.write(bytes.subarray(at, at + 1));
        at += 1;
        timers.push(setTimeout(drip, DRIP_MS));
      };
      drip();
      timers.push(
        setTimeout(() => {
          cut = true;
          if (received.length > 0) settle();
          else socket.destroy();
        }, SLOW_MS),
      );
    });
    timers.push(
      setTimeout(() => (received.length > 0 ? settle() : finish({ kind: 'no-answer' })), ANSWER_MS),
    );
  });
}
