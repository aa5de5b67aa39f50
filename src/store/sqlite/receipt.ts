import { errors } from '../../sqs/errors.ts';

/**
 * Receipt handles: opaque to clients, they name the queue, the message row and
 * the receive (the message's receive count at that receive). A handle from an
 * earlier receive is well-formed but stale. A check value makes random or
 * hand-edited strings fail as malformed rather than look stale.
 * Plain text rather than base64: handles are made and read on every receive
 * and delete, and clients treat them as opaque either way.
 */
export interface Receipt {
  queueId: number;
  rowId: number;
  receive: number;
}

const PREFIX = 'SLu1-';
const SHAPE = /^SLu1-(\d{1,15})-(\d{1,15})-(\d{1,15})-(\d{1,4})$/;

export function encodeReceipt(r: Receipt): string {
  return `${PREFIX}${r.queueId}-${r.rowId}-${r.receive}-${check(r)}`;
}

/** Decodes a handle; a malformed one throws ReceiptHandleIsInvalid with AWS's wording. */
export function decodeReceipt(handle: unknown): Receipt {
  const m = typeof handle === 'string' ? SHAPE.exec(handle) : null;
  if (m) {
    const r = { queueId: Number(m[1]), rowId: Number(m[2]), receive: Number(m[3]) };
    if (String(check(r)) === m[4]) return r;
  }
  throw errors.receiptHandleIsInvalid(String(handle));
}

function check(r: Receipt): number {
  // Integrity, not security: detects edited or truncated handles.
  return (r.queueId * 7919 + (r.rowId % 1_000_003) * 104_729 + r.receive * 1_299_709) % 9973;
}
