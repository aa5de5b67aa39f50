/**
 * Requests node's HTTP parser cannot read (a bad request line, a broken
 * Content-Length, headers too large) never reach the handler. Node would
 * answer them with a bare "400 Bad Request"; sluice answers with an SQS error
 * in the query protocol's XML (the protocol cannot be known), so a client
 * still gets something it can parse, then the connection closes.
 */
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { xmlError } from '../protocol/xml.ts';
import { SqsError } from '../sqs/errors.ts';

export function answerUnparseable(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const requestId = randomUUID();
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const wire = xmlError(
    new SqsError(
      'MalformedInput',
      tooLarge ? 'The request headers are too large.' : 'The HTTP request is malformed.',
    ),
    requestId,
  );
  const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: ${wire.headers['content-type']}\r\nx-amzn-RequestId: ${requestId}\r\n` +
      `Content-Length: ${Buffer.byteLength(wire.body)}\r\nConnection: close\r\n\r\n${wire.body}`,
  );
}
