import type { MessageAttributeMap, MessageAttributeValue } from '../../sqs/types.ts';

/**
 * Message attributes on disk: JSON, with binary values as base64. Kept apart
 * from the SQL so the row layout and the wire shapes can change independently.
 */
interface StoredValue {
  t: string;
  s?: string;
  b?: string;
  sl?: string[];
  bl?: string[];
}

export function encodeAttributes(attrs: MessageAttributeMap | undefined): string | null {
  if (!attrs) return null;
  const names = Object.keys(attrs);
  if (names.length === 0) return null;
  const out: Record<string, StoredValue> = {};
  for (const name of names) {
    const v = attrs[name]!;
    const stored: StoredValue = { t: v.DataType };
    if (v.StringValue !== undefined) stored.s = v.StringValue;
    if (v.BinaryValue !== undefined) stored.b = Buffer.from(v.BinaryValue).toString('base64');
    if (v.StringListValues?.length) stored.sl = v.StringListValues;
    if (v.BinaryListValues?.length)
      stored.bl = v.BinaryListValues.map((b) => Buffer.from(b).toString('base64'));
    out[name] = stored;
  }
  return JSON.stringify(out);
}

export function decodeAttributes(text: string | null): MessageAttributeMap | undefined {
  if (text === null) return undefined;
  const stored = JSON.parse(text) as Record<string, StoredValue>;
  const out: MessageAttributeMap = {};
  for (const [name, v] of Object.entries(stored)) {
    const value: MessageAttributeValue = { DataType: v.t };
    if (v.s !== undefined) value.StringValue = v.s;
    if (v.b !== undefined) value.BinaryValue = bytes(v.b);
    if (v.sl) value.StringListValues = v.sl;
    if (v.bl) value.BinaryListValues = v.bl.map(bytes);
    out[name] = value;
  }
  return out;
}

/**
 * Plain Uint8Array, as the Store's types say and as the AWS SDK hands back, not
 * a Node Buffer: results must deep-equal whichever client carried them.
 */
const bytes = (base64: string): Uint8Array => new Uint8Array(Buffer.from(base64, 'base64'));
