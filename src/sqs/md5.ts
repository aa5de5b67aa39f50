/**
 * The MD5 digests SQS returns so clients can check what arrived: of the body,
 * and of the message (or system) attributes in AWS's binary encoding. The AWS
 * SDKs recompute these and reject a mismatch, so they must be bit-exact.
 */
import { createHash, hash } from 'node:crypto';
import type { MessageAttributeMap } from './types.ts';

/**
 * Hex MD5 of the body's UTF-8 bytes.
 * @example md5OfBody('message'); // '78e731027d8fd50ed642340b7c9a63b3'
 */
export function md5OfBody(body: string): string {
  // One-shot crypto.hash (Node ≥ 20.12) avoids a Hash object per message: sends are hot.
  return hash('md5', body, 'hex');
}

/** Transport type bytes of AWS's attribute encoding. */
const STRING = 1;
const BINARY = 2;
const STRING_LIST = 3;
const BINARY_LIST = 4;

function lengthPrefixed(bytes: Uint8Array): Buffer[] {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return [length, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)];
}

const utf8 = (s: string) => Buffer.from(s, 'utf8');

/**
 * Hex MD5 of message attributes, as SQS computes MD5OfMessageAttributes (and
 * MD5OfMessageSystemAttributes): names sorted; per attribute the
 * length-prefixed name and DataType, one transport byte (1 string/number,
 * 2 binary, 3 string list, 4 binary list) and the length-prefixed value(s).
 * @example md5OfMessageAttributes({ Foo: { DataType: 'String', StringValue: 'Bar' } }); // 'ae7155c6026991b6d54b11589678bf9c'
 */
export function md5OfMessageAttributes(attrs: MessageAttributeMap): string {
  const hash = createHash('md5');
  // Sorted by UTF-16 code units, as the SDKs sort (Java String order).
  for (const name of Object.keys(attrs).sort()) {
    const value = attrs[name];
    if (!value) continue;
    const parts = [...lengthPrefixed(utf8(name)), ...lengthPrefixed(utf8(value.DataType))];
    if (value.StringValue !== undefined) {
      parts.push(Buffer.from([STRING]), ...lengthPrefixed(utf8(value.StringValue)));
    } else if (value.BinaryValue !== undefined) {
      parts.push(Buffer.from([BINARY]), ...lengthPrefixed(value.BinaryValue));
    } else if (value.StringListValues?.length) {
      parts.push(Buffer.from([STRING_LIST]));
      for (const s of value.StringListValues) parts.push(...lengthPrefixed(utf8(s)));
    } else if (value.BinaryListValues?.length) {
      parts.push(Buffer.from([BINARY_LIST]));
      for (const b of value.BinaryListValues) parts.push(...lengthPrefixed(b));
    }
    for (const part of parts) hash.update(part);
  }
  return hash.digest('hex');
}
