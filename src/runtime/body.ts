/**
 * Reads a request body up to a limit: a declared `Content-Length` over it is refused before anything is
 * read, and a body streamed without one is counted as it arrives and cancelled as soon as it passes the
 * limit — an oversized body is never read to its end. Imports nothing (the receiver uses it).
 */

/** The body's bytes, or `undefined` when it is larger than `max` (the stream then is cancelled). */
export async function readBounded(req: Request, max: number): Promise<Uint8Array | undefined> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > max) {
    await req.body?.cancel().catch(() => {});
    return undefined;
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
