import type { IncomingMessage, ServerResponse } from 'node:http';

/** What the call log keeps of one request. */
export interface CallLogEntry {
  seq: number;
  at: number;
  method: string;
  path: string;
  /** `market`, `idp`, `checkout`, `pages` or `admin`. */
  area: string;
  status: number | null;
  durationMs: number;
  /** The market method (`gift-product`...), for market calls. */
  marketMethod?: string;
  /** The market `user_id`, when the request carried a valid one. */
  userId?: number;
  /** The market request `id`, as text. */
  requestId?: string;
  /** The request body (first 4096 characters). */
  requestBody?: string;
  /** The reply body (first 4096 characters). */
  replyBody?: string;
  /** The fault injected into this request, if any. */
  fault?: string;
  /** The internal error behind a 500 reply. */
  error?: string;
  /** `dropped` when the response was withheld and the connection destroyed. */
  outcome: 'answered' | 'dropped' | 'reset';
}

/** Thrown by {@link RequestContext.readBody} when the body is larger than allowed. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes.`);
  }
}

const MAX_LOGGED = 4096;
const BASE = 'http://emulator.invalid';

/**
 * The URL of a request target: a path (`//x` is the path `//x`, not the host `x`), or an absolute
 * URL; `undefined` for anything else.
 */
function parseTarget(target: string): URL | undefined {
  try {
    return target.startsWith('/') ? new URL(`${BASE}${target}`) : new URL(target);
  } catch {
    return undefined;
  }
}
const DRAIN_LIMIT = 16 * 1024 * 1024;

/** One request being handled: parsed URL, body reader, reply helpers that honour faults. */
export class RequestContext {
  readonly url: URL;
  /** False for a request target that is no URL (`http://[/`, `*`): answer it 400. */
  readonly validTarget: boolean;
  readonly method: string;
  params: Record<string, string> = {};
  /** Set by the `drop-after-apply` fault: the handler runs, then the connection is destroyed. */
  dropResponse = false;
  readonly log: CallLogEntry;
  private answered = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly baseUrl: string,
    seq: number,
  ) {
    const url = parseTarget(req.url ?? '/');
    this.url = url ?? new URL(`${BASE}/`);
    this.validTarget = url !== undefined;
    this.method = (req.method ?? 'GET').toUpperCase();
    this.log = {
      seq,
      at: Date.now(),
      method: this.method,
      path: this.url.pathname,
      area: 'pages',
      status: null,
      durationMs: 0,
      outcome: 'answered',
    };
  }

  get path(): string {
    return this.url.pathname;
  }

  /** True once a reply was sent or the connection destroyed. */
  get done(): boolean {
    return this.answered || this.res.destroyed;
  }

  /**
   * Reads the whole body. A body over `limit` bytes is drained and dropped (up to 16 MiB more,
   * then the connection is cut) so that the client can read the 413 reply.
   *
   * @throws {BodyTooLarge}
   */
  readBody(limit: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      this.req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          tooLarge = true;
          chunks.length = 0;
          if (size > limit + DRAIN_LIMIT) this.req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      this.req.on('end', () => {
        if (tooLarge) reject(new BodyTooLarge(limit));
        else resolve(Buffer.concat(chunks));
      });
      this.req.on('error', reject);
      this.req.on('close', () => {
        if (!this.req.complete)
          reject(tooLarge ? new BodyTooLarge(limit) : new Error('The client aborted the request.'));
      });
    });
  }

  /** Sends a reply, or destroys the connection instead when the response is to be dropped. */
  send(status: number, headers: Record<string, string>, body: string | Buffer): void {
    if (this.done) return;
    this.answered = true;
    this.log.status = status;
    if (typeof body === 'string') this.log.replyBody = body.slice(0, MAX_LOGGED);
    if (this.dropResponse) {
      this.log.outcome = 'dropped';
      this.req.socket.destroy();
      return;
    }
    this.res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
    this.res.end(body);
  }

  json(status: number, value: unknown, headers: Record<string, string> = {}): void {
    this.send(
      status,
      { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
      JSON.stringify(value),
    );
  }

  html(status: number, body: string): void {
    this.send(
      status,
      {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy':
          "default-src 'none'; style-src 'unsafe-inline'; img-src * data:; form-action *",
        'x-frame-options': 'DENY',
      },
      body,
    );
  }

  /**
   * Starts a reply whose body is written as it comes (Server-Sent Events) and returns the response
   * to write to; `undefined` when the request was already answered.
   */
  openStream(status: number, headers: Record<string, string>): ServerResponse | undefined {
    if (this.done) return undefined;
    this.answered = true;
    this.log.status = status;
    this.res.writeHead(status, headers);
    return this.res;
  }

  redirect(location: string, status = 302): void {
    this.send(status, { location, 'cache-control': 'no-store' }, '');
  }

  /** Cuts the connection without a reply (the `reset` fault). */
  reset(): void {
    if (this.done) return;
    this.answered = true;
    this.log.outcome = 'reset';
    this.req.socket.destroy();
  }

  /** Remembers the request body in the call log. */
  logRequestBody(text: string): void {
    this.log.requestBody = text.slice(0, MAX_LOGGED);
  }
}
