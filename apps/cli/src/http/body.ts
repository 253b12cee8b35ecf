import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable } from 'node:stream';

// A response body as fetch gives it: decoded (gzip, deflate, br) and as a web ReadableStream that
// keeps backpressure and stops with the request's signal.

/** The decoded body stream of a response (gzip, deflate and br, as fetch decodes them). */
export async function decodedBody(response: IncomingMessage): Promise<Readable> {
  const coding = (response.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (!['gzip', 'x-gzip', 'deflate', 'br'].includes(coding)) return response;
  const zlib = await import('node:zlib');
  // Lenient at the end, as undici is: a body cut short after its last full block still decodes.
  const flush = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const decoder =
    coding === 'br'
      ? zlib.createBrotliDecompress({
          flush: zlib.constants.BROTLI_OPERATION_FLUSH,
          finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
        })
      : coding === 'deflate'
        ? zlib.createInflate(flush)
        : zlib.createGunzip(flush);
  pipeline(response, decoder, () => undefined);
  return decoder;
}

/**
 * A web stream over a node stream, with backpressure; cancelling it destroys the connection. An
 * abort errors it with `signal.reason`; a broken connection with `TypeError: terminated`, as undici.
 */
export function webStream(source: Readable, signal: AbortSignal | undefined): ReadableStream<Uint8Array> {
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // After cancel() (a retry discarding a 5xx body) the source may still emit data or end: the
      // closed controller must not be touched again, or the process dies on ERR_INVALID_STATE.
      const open = () => !cancelled;
      const onAbort = () => {
        source.destroy();
        controller.error(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      source.on('data', (chunk: Buffer) => {
        if (!open()) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) source.pause();
      });
      source.once('end', () => {
        signal?.removeEventListener('abort', onAbort);
        if (open()) controller.close();
      });
      source.once('error', (error) => {
        signal?.removeEventListener('abort', onAbort);
        if (!signal?.aborted && open()) controller.error(new TypeError('terminated', { cause: error }));
      });
    },
    pull() {
      source.resume();
    },
    cancel() {
      cancelled = true;
      source.destroy();
    },
  });
}
