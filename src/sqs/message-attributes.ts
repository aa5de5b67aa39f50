/**
 * Message attributes (user) and message system attributes, as SendMessage
 * accepts them, and the character rule shared with message bodies.
 */

import { errors } from './errors.ts';
import { MAX_ATTRIBUTE_NAME_LENGTH, MAX_MESSAGE_ATTRIBUTES, MAX_NUMBER_DIGITS } from './limits.ts';
import type { MessageAttributeMap, MessageAttributeValue } from './types.ts';

/** #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF; lone surrogates fail. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: SQS's allowed set is defined by code points, tab/LF/CR included.
const VALID_TEXT = /^[\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
/** The docs say A–Z, a–z, 0–9, _, -, . but SQS also accepts Latin letters such as "øßä" (test_send_message_with_invalid_string_attributes). */
const NAME_CHARS = /^[A-Za-z0-9_.\u00C0-\u017F-]+$/;
const RESERVED_PREFIX = /^(aws|amazon)\./i;
const DATA_TYPE = /^(String|Number|Binary)(\..*)?$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SYSTEM_ATTRIBUTES = new Set(['AWSTraceHeader']);

export const isValidText = (text: string): boolean => VALID_TEXT.test(text);

function validateName(name: string): void {
  if (name.length > MAX_ATTRIBUTE_NAME_LENGTH) throw errors.messageAttributeNameTooLong();
  if (!NAME_CHARS.test(name)) throw errors.invalidMessageAttributeName();
  if (RESERVED_PREFIX.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
    throw errors.reservedMessageAttributeName();
  }
}

/** Up to 38 significant digits (leading zeros and the exponent do not count). */
function isSqsNumber(text: string): boolean {
  if (!NUMBER.test(text)) return false;
  const mantissa = text
    .replace(/^[+-]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '');
  return mantissa.replace(/^0+/, '').length <= MAX_NUMBER_DIGITS;
}

function validateValue(name: string, value: MessageAttributeValue): void {
  const type = value.DataType;
  if (typeof type !== 'string' || type === '') throw errors.missingAttributeDataType(name);
  const base = DATA_TYPE.exec(type)?.[1];
  if (base === undefined) throw errors.invalidAttributeDataType(name);
  if (type.length > MAX_ATTRIBUTE_NAME_LENGTH) throw errors.attributeDataTypeTooLong();
  if (base === 'Binary') {
    if (!(value.BinaryValue instanceof Uint8Array) || value.BinaryValue.length === 0) {
      throw errors.emptyAttributeValue(name, base);
    }
    return;
  }
  const text = value.StringValue;
  if (typeof text !== 'string' || text === '') throw errors.emptyAttributeValue(name, base);
  if (base === 'Number' && !isSqsNumber(text)) throw errors.attributeNotANumber(name);
  if (!isValidText(text)) throw errors.invalidAttributeCharacters();
}

/** Validates user message attributes: at most 10, AWS's naming rules, typed non-empty values. */
export function validateMessageAttributes(attrs: MessageAttributeMap | undefined): void {
  if (!attrs) return;
  const entries = Object.entries(attrs);
  if (entries.length > MAX_MESSAGE_ATTRIBUTES) throw errors.tooManyMessageAttributes(entries.length);
  for (const [name, value] of entries) {
    validateName(name);
    validateValue(name, value);
  }
}

/** Only AWSTraceHeader, of type String, may be sent as a message system attribute. */
export function validateSystemAttributes(attrs: MessageAttributeMap | undefined): void {
  if (!attrs) return;
  for (const [name, value] of Object.entries(attrs)) {
    if (!SYSTEM_ATTRIBUTES.has(name)) throw errors.invalidSystemAttributeName(name);
    if (value.DataType !== 'String') throw errors.invalidSystemAttributeType(name);
    if (typeof value.StringValue !== 'string' || value.StringValue === '') {
      throw errors.emptyAttributeValue(name, 'String');
    }
  }
}

const utf8 = (s: string | undefined) => (s === undefined ? 0 : Buffer.byteLength(s, 'utf8'));

/** Bytes the attributes add to a message's size: name + DataType + value, per attribute. */
export function attributesSize(attrs: MessageAttributeMap | undefined): number {
  if (!attrs) return 0;
  let size = 0;
  for (const [name, v] of Object.entries(attrs)) {
    size += utf8(name) + utf8(v.DataType) + utf8(v.StringValue) + (v.BinaryValue?.length ?? 0);
    for (const s of v.StringListValues ?? []) size += utf8(s);
    for (const b of v.BinaryListValues ?? []) size += b.length;
  }
  return size;
}
