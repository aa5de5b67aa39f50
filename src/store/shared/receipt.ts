import { errors } from '../../sqs/errors.ts';

/**
 * Receipt handles: opaque to clients, they name the queue, the message row,
 * the receive (the message's receive count at that receive) and the message
 * id. The receive makes every handle distinct, as SQS's are; it does not
 * limit what a handle may do (an earlier receive's handle still acts on the
 * message, as on SQS). The message id guards against a reused row id: SQLite
 * may hand a deleted row's id to a new message, and an old handle must never
 * touch that new message.
 * Plain text rather than base64: handles are made and read on every receive
 * and delete, and clients treat them as opaque either way.
 */
export interface Receipt {
  queueId: number;
  rowId: number;
  receive: number;
  messageId: string;
}

const SHAPE = /^SLu1-(\d{1,15})-(\d{1,15})-(\d{1,15})-([0-9a-f-]{36})$/;

export function encodeReceipt(r: Receipt): string {
  return `SLu1-${r.queueId}-${r.rowId}-${r.receive}-${r.messageId}`;
}

/** Decodes a handle; a malformed one throws ReceiptHandleIsInvalid with AWS's wording. */
export function decodeReceipt(handle: unknown): Receipt {
  const m = typeof handle === 'string' ? SHAPE.exec(handle) : null;
  if (!m) throw errors.receiptHandleIsInvalid(String(handle));
  return { queueId: Number(m[1]), rowId: Number(m[2]), receive: Number(m[3]), messageId: m[4]! };
}
