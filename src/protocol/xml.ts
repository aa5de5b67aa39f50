/**
 * XML answers of the query protocol, in the shape Amazon SQS sends them:
 *
 *   <ActionResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/">
 *     <ActionResult>…members, lists and maps flattened…</ActionResult>
 *     <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata>
 *   </ActionResponse>
 *
 * and errors as `<ErrorResponse><Error><Type/><Code/><Message/><Detail/></Error><RequestId/>`.
 */
import { errors, type SqsError } from '../sqs/errors.ts';
import type { ActionSpec } from './actions.ts';
import type { WireError } from './json.ts';
import type { Shape, Structure } from './shapes.ts';
import { toBase64 } from './wire-errors.ts';

export const XML_NAMESPACE = 'http://queue.amazonaws.com/doc/2012-11-05/';
export const XML_CONTENT_TYPE = 'text/xml';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A bare CR would be read back as LF by every XML parser (and break the body's MD5), so it is escaped.
  '\r': '&#xD;',
};

/**
 * Escapes text for an XML element. Characters XML 1.0 cannot carry at all
 * (C0 controls other than tab/LF/CR, U+FFFE/U+FFFF, lone surrogates) can only
 * appear in error messages that echo bad input; they become U+FFFD so that the
 * answer stays parseable.
 */
export function xmlEscape(s: string): string {
  return s.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point here
    /[&<>"'\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    (c) => ENTITIES[c] ?? '\uFFFD',
  );
}

function scalarText(v: unknown): string {
  if (v instanceof Uint8Array) return toBase64(v);
  return xmlEscape(String(v));
}

/** Writes `value` as the members of `shape` (no enclosing element). */
function writeMembers(out: string[], shape: Structure, value: Record<string, unknown>): void {
  for (const [name, member] of Object.entries(shape.members)) {
    const v = value[name];
    if (v !== undefined && v !== null) writeValue(out, name, member.shape, v);
  }
}

function writeValue(out: string[], name: string, shape: Shape, v: unknown): void {
  switch (shape.kind) {
    case 'list':
      // Lists are flattened: one element per item, named after the item.
      for (const item of v as unknown[]) writeValue(out, shape.item, shape.member, item);
      return;
    case 'map':
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (x === undefined || x === null) continue;
        out.push(`<${shape.entry}><${shape.key}>${xmlEscape(k)}</${shape.key}>`);
        writeValue(out, shape.val, shape.value, x);
        out.push(`</${shape.entry}>`);
      }
      return;
    case 'structure':
      out.push(`<${name}>`);
      writeMembers(out, shape, v as Record<string, unknown>);
      out.push(`</${name}>`);
      return;
    default:
      out.push(`<${name}>${scalarText(v)}</${name}>`);
  }
}

const metadata = (requestId: string) =>
  `<ResponseMetadata><RequestId>${xmlEscape(requestId)}</RequestId></ResponseMetadata>`;

export function xmlResult(action: ActionSpec, output: unknown, requestId: string): string {
  const out = [`<?xml version="1.0"?><${action.name}Response xmlns="${XML_NAMESPACE}">`];
  if (action.output) {
    const start = out.push(`<${action.name}Result>`);
    if (output && typeof output === 'object')
      writeMembers(out, action.output, output as Record<string, unknown>);
    // An empty result is self-closing, as SQS writes it (`<ReceiveMessageResult/>`); clients compare the string.
    if (out.length === start) out[start - 1] = `<${action.name}Result/>`;
    else out.push(`</${action.name}Result>`);
  }
  out.push(metadata(requestId), `</${action.name}Response>`);
  return out.join('');
}

/** The error as the query protocol words it: a missing queue keeps its older sentence (recorded by AWS). */
export const queryWording = (error: SqsError): SqsError =>
  error.errorName === 'NonExistentQueue' ? errors.queueDoesNotExist(true) : error;

export function xmlError(error: SqsError, requestId: string): WireError {
  const err = queryWording(error);
  // A request that names no operation at all is answered by AWS's front door, not by SQS: a bare element.
  if (err.errorName === 'UnknownOperation')
    return {
      status: err.status,
      headers: { 'content-type': XML_CONTENT_TYPE },
      body: '<UnknownOperationException/>',
    };
  return {
    status: err.status,
    headers: { 'content-type': XML_CONTENT_TYPE },
    body:
      `<?xml version="1.0"?><ErrorResponse xmlns="${XML_NAMESPACE}"><Error>` +
      `<Type>${err.spec.fault}</Type><Code>${xmlEscape(err.code)}</Code>` +
      `<Message>${xmlEscape(err.message)}</Message><Detail/></Error>` +
      `<RequestId>${xmlEscape(requestId)}</RequestId></ErrorResponse>`,
  };
}
