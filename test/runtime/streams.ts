/** A request body that counts what the reader pulled from it (for the bounded-read tests). */
export function countingBody(total: number, chunk = 64 * 1024) {
  const counter = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (counter.pulled >= total) {
          controller.close();
          return;
        }
        const n = Math.min(chunk, total - counter.pulled);
        counter.pulled += n;
        controller.enqueue(new Uint8Array(n).fill(0x20));
      },
      cancel() {
        counter.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, counter };
}

/** A POST whose body is a stream (no Content-Length). */
export function streamedRequest(
  url: string,
  headers: Record<string, string>,
  body: ReadableStream<Uint8Array>,
) {
  return new Request(url, { method: "POST", headers, body, duplex: "half" } as RequestInit);
}
