/**
 * The query protocol's JSON answers. A query request that sends
 * `Accept: application/json` gets the same document as the XML answer, in
 * JSON, as Amazon SQS writes it:
 *
 *   {"ListQueuesResponse": {"ListQueuesResult": {"queueUrls": [...]},
 *                           "ResponseMetadata": {"RequestId": "…"}}}
 *
 * Every member of the result is present, `null` when absent (an empty receive
 * is `{"messages": null}`); a list is an array under its member's name with
 * a lower-case first letter (`queueUrls`, `messages`), as SQS's service model
 * names them; a map is an array of entries (`[{"Name": …, "Value": …}]`, the
 * names the XML uses); binary values are base64. Errors are
 * `{"Error": {"Type", "Code", "Message", "Detail"}, "RequestId"}`.
 */
import type { SqsError } from '../sqs/errors.ts';
import type { ActionSpec } from './actions.ts';
import type { WireError } from './json.ts';
import type { Shape } from './shapes.ts';
import { setKey, toBase64 } from './wire-errors.ts';
import { queryWording, xmlError } from './xml.ts';

export const QUERY_JSON_CONTENT_TYPE = 'application/json';

/** True when a query request asks for JSON (`Accept: application/json`). */
export function wantsJson(accept: string | undefined): boolean {
  return accept !== undefined && /(^|[\s,])application\/json\b/i.test(accept);
}

export function queryJsonResult(action: ActionSpec, output: unknown, requestId: string): string {
  const response: Record<string, unknown> = {};
  if (action.output) response[`${action.name}Result`] = encode(action.output, output ?? {});
  response.ResponseMetadata = { RequestId: requestId };
  return JSON.stringify({ [`${action.name}Response`]: response });
}

export function queryJsonError(error: SqsError, requestId: string): WireError {
  // AWS's front door answers an unnamed operation in XML whatever was asked for.
  if (error.errorName === 'UnknownOperation') return xmlError(error, requestId);
  const err = queryWording(error);
  return {
    status: err.status,
    headers: { 'content-type': QUERY_JSON_CONTENT_TYPE },
    body: JSON.stringify({
      Error: { Type: err.spec.fault, Code: err.code, Message: err.message, Detail: null },
      RequestId: requestId,
    }),
  };
}

/** A list member's JSON name: the model's, with a lower-case first letter (`Messages` → `messages`). */
const listName = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

function encode(shape: Shape, v: unknown): unknown {
  if (v === undefined || v === null) return null;
  switch (shape.kind) {
    case 'blob':
      return v instanceof Uint8Array ? toBase64(v) : v;
    case 'list':
      return (v as unknown[]).map((x) => encode(shape.member, x));
    case 'map':
      return Object.entries(v as Record<string, unknown>).map(([k, x]) => {
        const entry: Record<string, unknown> = {};
        setKey(entry, shape.key, k);
        setKey(entry, shape.val, encode(shape.value, x));
        return entry;
      });
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, m] of Object.entries(shape.members)) {
        const x = encode(m.shape, (v as Record<string, unknown>)[name]);
        setKey(out, m.shape.kind === 'list' ? listName(name) : name, x);
      }
      return out;
    }
    default:
      return v;
  }
}
