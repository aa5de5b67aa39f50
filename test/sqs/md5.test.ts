import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { md5OfBody, md5OfMessageAttributes } from '../../src/sqs/md5.ts';
import type { MessageAttributeMap, MessageAttributeValue } from '../../src/sqs/types.ts';
import { sqsSnapshot, walk } from './oracle.ts';

type Node = Record<string, unknown>;
const isNode = (n: unknown): n is Node => n !== null && typeof n === 'object' && !Array.isArray(n);
const nodes: Node[] = Object.values(sqsSnapshot)
  .flatMap((entry): unknown[] => [...walk(entry['recorded-content'])])
  .filter(isNode);

/** The recording shows binary values as Python bytes literals: b'traceparent\x1e00-...'. */
function pythonBytes(literal: string): Uint8Array {
  const body = /^b'(.*)'$/s.exec(literal)?.[1] ?? assert.fail(literal);
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out.push(c.charCodeAt(0));
      continue;
    }
    const next = body[++i]!;
    if (next === 'x') {
      out.push(Number.parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(({ n: 10, r: 13, t: 9 } as Record<string, number>)[next] ?? next.charCodeAt(0));
  }
  return Uint8Array.from(out);
}

/** Recorded attributes as the store holds them, or undefined if the recording masked a value. */
function attributesOf(recordedAttrs: unknown): MessageAttributeMap | undefined {
  const out: MessageAttributeMap = {};
  for (const [name, value] of Object.entries(recordedAttrs as Node)) {
    if (value === null || typeof value !== 'object') return undefined;
    const v = value as Record<string, string>;
    const attr: MessageAttributeValue = { DataType: v.DataType! };
    if (v.StringValue !== undefined) attr.StringValue = v.StringValue;
    if (v.BinaryValue !== undefined) attr.BinaryValue = pythonBytes(v.BinaryValue);
    out[name] = attr;
  }
  return out;
}

describe('md5OfBody', () => {
  const pairs = nodes.filter((n) => typeof n.Body === 'string' && typeof n.MD5OfBody === 'string');
  it('has recorded pairs to check', () => assert.ok(pairs.length > 20));
  for (const { Body, MD5OfBody } of new Map(pairs.map((p) => [p.Body, p])).values()) {
    it(`matches AWS for ${JSON.stringify(Body).slice(0, 40)}`, () =>
      assert.equal(md5OfBody(String(Body)), MD5OfBody));
  }
  it('hashes UTF-8 bytes, not UTF-16 code units', () =>
    assert.equal(md5OfBody('\u00e9'), '66ddcd97cfdeabb2f6fb8a999b4bc76f'));
});

describe('md5OfMessageAttributes', () => {
  const pairs = nodes
    .filter((n) => typeof n.MD5OfMessageAttributes === 'string' && n.MessageAttributes)
    .map((n) => ({ attrs: attributesOf(n.MessageAttributes), md5: n.MD5OfMessageAttributes as string }))
    .filter((p): p is { attrs: MessageAttributeMap; md5: string } => p.attrs !== undefined);
  it('has recorded pairs to check, binary ones included', () => {
    assert.ok(pairs.length >= 5);
    assert.ok(pairs.some((p) => Object.values(p.attrs).some((a) => a.BinaryValue)));
  });
  for (const { attrs, md5 } of new Map(pairs.map((p) => [p.md5, p])).values()) {
    it(`matches AWS for ${Object.keys(attrs).join(', ')}`, () =>
      assert.equal(md5OfMessageAttributes(attrs), md5));
  }

  it('hashes an AWSTraceHeader system attribute as SQS does', () => {
    // From LocalStack's AWS-validated test_system_attributes_have_no_effect_on_attr_md5 (not in the snapshot file).
    const header = {
      DataType: 'String',
      StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
    };
    assert.equal(md5OfMessageAttributes({ AWSTraceHeader: header }), '5ae4d5d7636402d80f4eb6d213245a88');
  });

  it('sorts names and distinguishes list transport types', () => {
    const a = { DataType: 'String', StringValue: 'x' };
    assert.equal(md5OfMessageAttributes({ b: a, a }), md5OfMessageAttributes({ a, b: a }));
    const list = md5OfMessageAttributes({ l: { DataType: 'String', StringListValues: ['x'] } });
    assert.notEqual(list, md5OfMessageAttributes({ l: a }));
    assert.match(list, /^[0-9a-f]{32}$/);
  });
});
