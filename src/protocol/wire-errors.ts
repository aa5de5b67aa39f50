/**
 * The errors the wire protocols themselves raise, before a request reaches
 * the store: bodies that do not parse, members of the wrong type, unknown
 * actions. Codes come from the registry (src/sqs/errors.ts); the wording for
 * JSON type errors follows what AWS JSON services answer (Jackson token names).
 */
import { errors, SqsError } from '../sqs/errors.ts';

export const wireErrors = {
  /** The body is not a JSON object. */
  notJson: () => new SqsError('MalformedInput', 'Start of structure or map found where not expected.'),
  /** A JSON member has the wrong type, e.g. a string where an Integer is expected. */
  jsonType: (path: string, got: unknown, expected: string) =>
    new SqsError(
      'MalformedInput',
      `${jsonToken(got)} can not be converted to ${/^[AEIOU]/.test(expected) ? 'an' : 'a'} ${expected} (${path})`,
    ),
  /** A query parameter that must be a number or a boolean is not one. */
  queryValue: (path: string, value: string) => errors.invalidParameter(path, value),
  /** A base64 member that is not base64. */
  base64: (path: string) =>
    new SqsError('InvalidParameterValue', `Value for parameter ${path} is invalid. Reason: Invalid base64.`),
  missing: (path: string) => errors.missingParameter(path),
  /** No Action parameter / X-Amz-Target, or one that names no SQS action. */
  action: (name: string) => errors.invalidAction(name),
  /** A query GET with no Action at all: AWS answers 404 with a bare `<UnknownOperationException/>`. */
  noOperation: () => new SqsError('UnknownOperation', 'No operation was named.'),
  tooLarge: (max: number) =>
    new SqsError('RequestEntityTooLarge', `Request bodies cannot be longer than ${max} bytes.`),
} as const;

function jsonToken(v: unknown): string {
  if (typeof v === 'string') return 'STRING_VALUE';
  if (typeof v === 'number') return 'NUMBER_VALUE';
  if (typeof v === 'boolean') return v ? 'TRUE_VALUE' : 'FALSE_VALUE';
  if (Array.isArray(v)) return 'START_ARRAY';
  return 'START_OBJECT';
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes strict base64 (what the SDKs send); undefined if it is not. */
export function fromBase64(s: string): Uint8Array | undefined {
  return BASE64.test(s) ? Buffer.from(s, 'base64') : undefined;
}

export function toBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

/** Sets a key on a plain object even when it is `__proto__` (which `o[k] = v` would not). */
export function setKey(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__')
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}
