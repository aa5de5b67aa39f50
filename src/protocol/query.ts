/**
 * The query protocol, as Debian's awscli 2.9, boto3 1.26 and older SDKs speak
 * it: form-encoded `Action=…&Version=2012-11-05` (in the body or the URL),
 * posted to `/` or to the queue URL itself, with lists and maps flattened into
 * numbered keys (`AttributeName.1`, `Attribute.1.Name`/`Attribute.1.Value`,
 * `SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.StringValue`).
 * Answers are XML (see xml.ts).
 *
 * Parsing first folds the flat keys into a tree (split on '.'), then walks
 * the action's input shape over it, so a key that no shape names is ignored
 * and an index may have gaps, as AWS tolerates.
 */
import { ACTIONS } from './actions.ts';
import type { ParsedRequest } from './json.ts';
import type { Shape, Structure } from './shapes.ts';
import { fromBase64, setKey, wireErrors } from './wire-errors.ts';

interface Node {
  value?: string;
  children?: Map<string, Node>;
}

/** Folds `a.1.b=x` pairs into a tree; the first occurrence of a key wins. */
function toTree(params: Iterable<[string, string]>): Node {
  const root: Node = {};
  for (const [key, value] of params) {
    let node = root;
    for (const part of key.split('.')) {
      node.children ??= new Map();
      let next = node.children.get(part);
      if (!next) {
        next = {};
        node.children.set(part, next);
      }
      node = next;
    }
    node.value ??= value;
  }
  return root;
}

/**
 * Decodes a query request. `pathQueueUrl` is the queue URL the request was
 * posted to, if it was posted to one; an explicit QueueUrl parameter wins,
 * and an action about no one queue is refused there, as SQS refuses it.
 * `get`: a GET, which SQS answers UnknownOperationException when it names no Action.
 */
export function parseQueryRequest(
  params: Iterable<[string, string]>,
  pathQueueUrl?: string,
  get = false,
): ParsedRequest {
  const tree = toTree(params);
  const given = tree.children?.get('Action')?.value;
  if (given === undefined && get) throw wireErrors.noOperation();
  const name = given ?? '';
  const action = ACTIONS.get(name);
  if (!action || (pathQueueUrl !== undefined && action.queueless)) throw wireErrors.action(name);
  if (pathQueueUrl !== undefined && action.input.members.QueueUrl) {
    tree.children ??= new Map();
    const node = tree.children.get('QueueUrl');
    if (node?.value === undefined) tree.children.set('QueueUrl', { ...node, value: pathQueueUrl });
  }
  const input = decodeStructure(action.input, tree, '');
  // Over the query protocol SQS honours the older AttributeName list when both are given
  // (recorded: test_message_system_attribute_names_with_attribute_names[sqs_query]); the
  // store follows the JSON protocol, where MessageSystemAttributeNames wins.
  if (name === 'ReceiveMessage' && Array.isArray(input.AttributeNames) && input.AttributeNames.length) {
    delete input.MessageSystemAttributeNames;
  }
  return { action, input };
}

/** The key under which a member appears: flattened lists and maps use their item name. */
const keyOf = (name: string, shape: Shape): string =>
  shape.kind === 'list' ? shape.item : shape.kind === 'map' ? shape.entry : name;

function decodeStructure(shape: Structure, node: Node, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(shape.members)) {
    const key = keyOf(name, member.shape);
    const child = node.children?.get(key);
    const value = child ? decode(member.shape, child, prefix + key) : undefined;
    // Absent members stay absent: the store judges what is missing, as it does for in-process callers.
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** The numbered children of a node (`.1`, `.2`, …), in numeric order. */
function items(node: Node): [string, Node][] {
  const out: [number, string, Node][] = [];
  for (const [k, child] of node.children ?? []) {
    if (/^[1-9][0-9]{0,8}$/.test(k)) out.push([Number(k), k, child]);
  }
  return out.sort((a, b) => a[0] - b[0]).map(([, k, c]) => [k, c]);
}

const INT = /^[+-]?[0-9]{1,10}$/;

function decode(shape: Shape, node: Node, path: string): unknown {
  switch (shape.kind) {
    case 'string':
      return node.value;
    case 'integer':
    case 'long': {
      if (node.value === undefined) return undefined;
      const n = Number(node.value);
      const ok = shape.kind === 'integer' ? INT.test(node.value) && n === (n | 0) : Number.isSafeInteger(n);
      if (!ok || node.value.trim() === '') throw wireErrors.queryValue(path, node.value);
      return n;
    }
    case 'boolean':
      if (node.value === undefined) return undefined;
      if (node.value !== 'true' && node.value !== 'false') throw wireErrors.queryValue(path, node.value);
      return node.value === 'true';
    case 'blob': {
      if (node.value === undefined) return undefined;
      const bytes = fromBase64(node.value);
      if (!bytes) throw wireErrors.base64(path);
      return bytes;
    }
    case 'list': {
      const out: unknown[] = [];
      for (const [k, child] of items(node)) {
        const v = decode(shape.member, child, `${path}.${k}`);
        if (v !== undefined) out.push(v);
      }
      return out.length ? out : undefined;
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      let any = false;
      for (const [k, entry] of items(node)) {
        const keyPath = `${path}.${k}.${shape.key}`;
        const key = entry.children?.get(shape.key)?.value;
        if (key === undefined) throw wireErrors.missing(keyPath);
        const valueNode = entry.children?.get(shape.val);
        const value = valueNode ? decode(shape.value, valueNode, `${path}.${k}.${shape.val}`) : undefined;
        if (value === undefined) throw wireErrors.missing(`${path}.${k}.${shape.val}`);
        setKey(out, key, value);
        any = true;
      }
      return any ? out : undefined;
    }
    case 'structure':
      return decodeStructure(shape, node, `${path}.`);
  }
}
