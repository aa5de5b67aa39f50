import { errors } from '../../sqs/errors.ts';

/**
 * Receipt handles: opaque to clients, they name the queue, the message row and
 * the receive (the message's receive count at that receive). A handle from an
 * earlier receive is well-formed but stale. A checksum-like tag makes random
 * strings fail as malformed rather than look stale.
 */
export interface Receipt {
  queueId: number;
  rowId: number;
  receive: number;
}

const PREFIX = 'SLu1';

export function encodeReceipt(r: Receipt): string {
  const text = `${r.queueId}.${r.rowId}.${r.receive}.${tag(r)}`;
  return PREFIX + Buffer.from(text).toString('base64url');
}

/** Decodes a handle; a malformed one throws ReceiptHandleIsInvalid with AWS's wording. */
export function decodeReceipt(handle: unknown): Receipt {
  if (typeof handle === 'string' && handle.startsWith(PREFIX)) {
    const parts = Buffer.from(handle.slice(PREFIX.length), 'base64url').toString().split('.');
    if (parts.length === 4 && parts.every((p) => /^\d{1,15}$/.test(p))) {
      const r = { queueId: Number(parts[0]), rowId: Number(parts[1]), receive: Number(parts[2]) };
      if (tag(r) === parts[3]) return r;
    }
  }
  throw errors.receiptHandleIsInvalid(String(handle));
}

function tag(r: Receipt): string {
  // Cheap integrity check, not security: detects hand-edited or truncated handles.
  return String((r.queueId * 7919 + r.rowId * 104729 + r.receive * 1299709) % 9973);
}
