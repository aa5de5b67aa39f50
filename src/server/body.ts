/**
 * Reads a request body without ever holding more than `max` bytes: a
 * Content-Length above the bound is refused before a byte is read, and a
 * chunked body is cut off as soon as it passes the bound.
 */
import type { IncomingMessage } from 'node:http';
import { wireErrors } from '../protocol/wire-errors.ts';

/** Resolves with the body; rejects with RequestEntityTooLarge, or with the stream's error. */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > max) return Promise.reject(wireErrors.tooLarge(max));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        cleanup();
        reject(wireErrors.tooLarge(max));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    // 'close' without 'end' means the client went away mid-body.
    const onClose = () => {
      if (!req.complete) onError(new Error('request aborted'));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
