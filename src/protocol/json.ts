/**
 * AWS JSON 1.0, as @aws-sdk/client-sqs v3 and current botocore speak it:
 * `POST /` with `X-Amz-Target: AmazonSQS.<Action>` and a JSON body whose
 * members are the SQS API's own names, so the decoded body is the store input.
 * Binary values travel as base64. Errors are `{"__type": …, "message": …}`
 * plus the `x-amzn-query-error: <code>;Sender` header that query-compatible
 * clients use to report the legacy code.
 */
import type { SqsError } from '../sqs/errors.ts';
import { ACTIONS, type ActionSpec } from './actions.ts';
import type { Shape, Structure } from './shapes.ts';
import { hasBlob } from './shapes.ts';
import { fromBase64, setKey, toBase64, wireErrors } from './wire-errors.ts';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'AmazonSQS.';

export interface ParsedRequest {
  readonly action: ActionSpec;
  readonly input: Record<string, unknown>;
}

/** Decodes a JSON request; throws an SqsError for anything malformed. */
export function parseJsonRequest(target: string | undefined, body: string): ParsedRequest {
  const name = target?.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : (target ?? '');
  const action = ACTIONS.get(name);
  if (!action || !target?.startsWith(TARGET_PREFIX)) throw wireErrors.action(name);
  let raw: unknown;
  try {
    // An empty body means "no members", as the SDKs send `{}` but curl users may not.
    raw = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    throw wireErrors.notJson();
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw wireErrors.notJson();
  return { action, input: decodeStructure(action.input, raw as Record<string, unknown>, '') };
}

function decodeStructure(
  shape: Structure,
  raw: Record<string, unknown>,
  prefix: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(shape.members)) {
    const path = prefix + name;
    const value = Object.hasOwn(raw, name) ? decode(member.shape, raw[name], path) : undefined;
    // Absent members stay absent: the store judges what is missing, as it does for in-process callers.
    if (value !== undefined) out[name] = value;
  }
  return out;
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

function decode(shape: Shape, v: unknown, path: string): unknown {
  if (v === null || v === undefined) return undefined; // JSON null means "not given"
  switch (shape.kind) {
    case 'string':
      if (typeof v !== 'string') throw wireErrors.jsonType(path, v, 'String');
      return v;
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < INT_MIN || v > INT_MAX)
        throw wireErrors.jsonType(path, v, 'Integer');
      return v;
    case 'long':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw wireErrors.jsonType(path, v, 'Long');
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') throw wireErrors.jsonType(path, v, 'Boolean');
      return v;
    case 'blob': {
      if (typeof v !== 'string') throw wireErrors.jsonType(path, v, 'Blob');
      const bytes = fromBase64(v);
      if (!bytes) throw wireErrors.base64(path);
      return bytes;
    }
    case 'list': {
      if (!Array.isArray(v)) throw wireErrors.jsonType(path, v, 'List');
      const out: unknown[] = [];
      v.forEach((item, i) => {
        const d = decode(shape.member, item, `${path}.${i + 1}`);
        if (d !== undefined) out.push(d);
      });
      return out;
    }
    case 'map': {
      if (typeof v !== 'object' || Array.isArray(v)) throw wireErrors.jsonType(path, v, 'Map');
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        const d = decode(shape.value, item, `${path}.${k}`);
        if (d !== undefined) setKey(out, k, d);
      }
      return out;
    }
    case 'structure':
      if (typeof v !== 'object' || Array.isArray(v)) throw wireErrors.jsonType(path, v, 'Structure');
      return decodeStructure(shape, v as Record<string, unknown>, `${path}.`);
  }
}

const blobOutputs = new WeakMap<Structure, boolean>();
const omittedWhenEmpty = new WeakMap<Structure, string[]>();

/**
 * Serialises a store result; only results that carry binary values are walked
 * (to base64 them), and members marked omitEmpty are left out when empty.
 */
export function jsonResult(action: ActionSpec, output: unknown): string {
  if (!action.output || output === undefined || output === null) return '{}';
  let walk = blobOutputs.get(action.output);
  if (walk === undefined) {
    walk = hasBlob(action.output);
    blobOutputs.set(action.output, walk);
  }
  let omit = omittedWhenEmpty.get(action.output);
  if (omit === undefined) {
    omit = Object.entries(action.output.members).flatMap(([name, m]) => (m.omitEmpty ? [name] : []));
    omittedWhenEmpty.set(action.output, omit);
  }
  let out = (walk ? encode(action.output, output) : output) as Record<string, unknown>;
  for (const name of omit) {
    const v = out[name];
    if (Array.isArray(v) && v.length === 0) {
      const { [name]: _, ...rest } = out;
      out = rest;
    }
  }
  return JSON.stringify(out);
}

function encode(shape: Shape, v: unknown): unknown {
  if (v === undefined || v === null) return undefined;
  switch (shape.kind) {
    case 'blob':
      return v instanceof Uint8Array ? toBase64(v) : v;
    case 'list':
      return Array.isArray(v) ? v.map((x) => encode(shape.member, x)) : v;
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as object)) setKey(out, k, encode(shape.value, x));
      return out;
    }
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [k, m] of Object.entries(shape.members)) {
        const x = encode(m.shape, (v as Record<string, unknown>)[k]);
        if (x !== undefined) out[k] = x;
      }
      return out;
    }
    default:
      return v;
  }
}

export interface WireError {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export function jsonError(err: SqsError): WireError {
  return {
    status: err.status,
    headers: {
      'content-type': JSON_CONTENT_TYPE,
      'x-amzn-query-error': `${err.code};${err.spec.fault}`,
    },
    body: JSON.stringify({ __type: `com.amazonaws.sqs#${err.spec.type}`, message: err.message }),
  };
}
