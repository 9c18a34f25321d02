/** What reading a bounded request body gave: the bytes, or why there are none. */
export type BoundedBody =
  | { readonly kind: 'body'; readonly body: Uint8Array }
  /** Over the limit, declared (`Content-Length`) or counted: the rest is never read. */
  | { readonly kind: 'too-large' }
  /** The stream failed, or gave something other than bytes. */
  | { readonly kind: 'unreadable'; readonly cause: unknown };

/**
 * The body of `request`, read while counting, up to `limit` bytes. Always resolves: a failed
 * stream is a result. A chunked body without `Content-Length` is bounded as well as a declared
 * one; once over the limit, the rest is never read and the stream is cancelled. The cancel is not
 * awaited: that of a body read from `request.clone()` settles only once its twin is cancelled.
 */
export async function readBoundedBody(request: Request, limit: number): Promise<BoundedBody> {
  const declared = request.headers.get('content-length');
  if (declared !== null && !(Number(declared) <= limit)) return { kind: 'too-large' };
  if (request.body === null) return { kind: 'body', body: new Uint8Array(0) };
  const reader = request.body.getReader();
  const cancel = () => {
    reader.cancel().catch(() => undefined);
  };
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      // Not `instanceof`: a body stream may come from another realm (a test's vm, an iframe).
      if (
        !ArrayBuffer.isView(value) ||
        Object.prototype.toString.call(value) !== '[object Uint8Array]'
      ) {
        cancel();
        return {
          kind: 'unreadable',
          cause: new TypeError('the body stream gave a non-byte chunk'),
        };
      }
      size += value.byteLength;
      if (size > limit) {
        cancel();
        return { kind: 'too-large' };
      }
      chunks.push(value);
    }
  } catch (cause) {
    cancel();
    return { kind: 'unreadable', cause };
  }
  if (chunks.length === 1) return { kind: 'body', body: chunks[0]! };
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { kind: 'body', body };
}

/** The body of `request` as UTF-8 text, or `undefined` when {@link readBoundedBody} gave none. */
export async function readBoundedText(
  request: Request,
  limit: number,
): Promise<string | undefined> {
  const read = await readBoundedBody(request, limit);
  return read.kind === 'body' ? new TextDecoder().decode(read.body) : undefined;
}
