/**
 * @internal The body of `request` as text, read while counting: `undefined` once it passes
 * `limit` bytes (the rest is never read, the stream is cancelled) or when the stream fails. A
 * chunked body without `Content-Length` is bounded as well as a declared one. The cancel is not
 * awaited: that of a body read from `request.clone()` settles only once its twin is cancelled.
 */
export async function readBoundedText(
  request: Request,
  limit: number,
): Promise<string | undefined> {
  const declared = request.headers.get('content-length');
  if (declared !== null && !(Number(declared) <= limit)) return undefined;
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        reader.cancel().catch(() => undefined);
        return undefined;
      }
      chunks.push(value);
    }
  } catch {
    reader.cancel().catch(() => undefined);
    return undefined;
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
