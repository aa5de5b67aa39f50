/**
 * Generates malformed SQS requests, each one of a kind that must be refused:
 * truncated JSON and forms, members of the wrong type, unknown actions,
 * oversized and empty bodies, bad headers, garbage bytes. Requests are built
 * from valid ones that would change the queues if accepted (sends, deletes,
 * purges, attribute changes), so a request wrongly accepted shows up as a
 * change in the stored messages as well as a 2xx.
 */
import { ACTIONS } from '../../src/protocol/actions.ts';
import type { Shape } from '../../src/protocol/shapes.ts';
import { forms, INT_PARAMS, type Targets, templates } from './fuzz-templates.ts';

export interface FuzzCase {
  kind: string;
  protocol: 'json' | 'query';
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

import type { Rng } from '../support/rng.ts';

export { type Rng, rng } from '../support/rng.ts';

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

export type { Targets };

const WRONG: Record<string, unknown[]> = {
  string: [1, true, {}, [], 1.5],
  integer: ['1', true, {}, [], 1.5, 2 ** 40, -(2 ** 40)],
  long: ['1', true, {}, []],
  boolean: ['true', 1, {}, []],
  blob: [1, {}, [], 'not base64!', 'AQI', '====', '\u00ff\u00fe'],
  list: ['All', 1, {}, true],
  map: ['x', 1, [], true],
  structure: ['x', 1, [], true],
};

/** Replaces one member somewhere in `input` with a value of another type. */
function wrongType(r: Rng, shape: Shape, value: unknown): unknown {
  if (shape.kind === 'structure' && value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value).filter((k) => shape.members[k]);
    const k = pick(r, keys);
    const member = shape.members[k]!.shape;
    const copy = { ...(value as Record<string, unknown>) };
    copy[k] =
      r() < 0.5 || member.kind === 'string' || member.kind === 'integer'
        ? pick(r, WRONG[member.kind]!)
        : wrongType(r, member, copy[k]);
    return copy;
  }
  if (shape.kind === 'list' && Array.isArray(value) && value.length)
    return [wrongType(r, shape.member, value[0]), ...value.slice(1)];
  if (shape.kind === 'map' && value && typeof value === 'object') {
    const [k, v] = Object.entries(value)[0]!;
    return { ...value, [k]: wrongType(r, shape.value, v) };
  }
  return pick(r, WRONG[shape.kind]!);
}

const jsonCase = (
  kind: string,
  target: string | undefined,
  body: string | Buffer,
  extra: Record<string, string> = {},
): FuzzCase => ({
  kind,
  protocol: 'json',
  method: 'POST',
  path: '/',
  headers: {
    'content-type': 'application/x-amz-json-1.0',
    ...(target !== undefined ? { 'x-amz-target': target } : {}),
    ...extra,
  },
  body: Buffer.from(body),
});

const formCase = (kind: string, body: string | Buffer, path = '/', method = 'POST'): FuzzCase => ({
  kind,
  protocol: 'query',
  method,
  path,
  headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  body: Buffer.from(body),
});

const ACTION_NAMES = [...ACTIONS.keys()];
const unknownAction = (r: Rng) =>
  pick(r, [
    'FlyToTheMoon',
    '__proto__',
    'constructor',
    'toString',
    '',
    ' ',
    pick(r, ACTION_NAMES).toLowerCase(),
    `${pick(r, ACTION_NAMES)}X`,
    `Send\u0000Message`,
    'Sënd',
    'x'.repeat(int(r, 100, 3000)),
  ]);

const garbage = (r: Rng, n: number) => Buffer.from(Array.from({ length: n }, () => int(r, 0, 255)));

/** One malformed request; `r` decides which. */
export function makeCase(r: Rng, t: Targets): FuzzCase {
  const [action, input] = pick(r, templates(t));
  const json = JSON.stringify(input);
  switch (int(r, 0, 11)) {
    case 0:
      return jsonCase('json-truncated', `AmazonSQS.${action}`, json.slice(0, int(r, 1, json.length - 1)));
    case 1:
      return jsonCase(
        'json-wrong-type',
        `AmazonSQS.${action}`,
        JSON.stringify(wrongType(r, ACTIONS.get(action)!.input, input)),
      );
    case 2: {
      const form = pick(r, forms(t));
      return formCase('form-truncated', form.slice(0, int(r, 1, form.lastIndexOf('='))));
    }
    case 3: {
      const [a, p] = pick(r, INT_PARAMS);
      const bad = pick(r, ['abc', '1.5', '', '1e3', '99999999999', '0x10', ' 1', '--1', '½']);
      return formCase(
        'form-wrong-type',
        `Action=${a}&QueueUrl=${encodeURIComponent(t.queueUrl)}&${p}=${encodeURIComponent(bad)}`,
      );
    }
    case 4: {
      const name = unknownAction(r);
      // A header cannot carry control characters at all; those names go in a form.
      return r() < 0.5 && /^[\t\x20-\x7e\x80-\xff]*$/.test(name)
        ? jsonCase('json-unknown-action', `AmazonSQS.${name}`, json)
        : formCase(
            'form-unknown-action',
            `Action=${encodeURIComponent(name)}&QueueUrl=${encodeURIComponent(t.queueUrl)}&MessageBody=x`,
          );
    }
    case 5: {
      const size = t.maxBody + int(r, 1, t.maxBody);
      return r() < 0.5
        ? jsonCase(
            'json-oversized',
            `AmazonSQS.SendMessage`,
            JSON.stringify({ QueueUrl: t.queueUrl, MessageBody: 'x'.repeat(size) }),
          )
        : formCase(
            'form-oversized',
            `Action=SendMessage&QueueUrl=${encodeURIComponent(t.queueUrl)}&MessageBody=${'y'.repeat(size)}`,
          );
    }
    case 6:
      return r() < 0.5
        ? jsonCase('json-empty', `AmazonSQS.${action}`, '')
        : formCase('form-empty', '', pick(r, ['/', '/000000000000/fuzz-a']));
    case 7: {
      // Headers that do not say JSON: the JSON body is read as a form and names no action.
      const variants: Record<string, string>[] = [
        { 'content-type': 'text/plain' },
        { 'content-type': 'application/json' },
        { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': action },
        { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQSX.${action}` },
        { 'content-type': 'application/x-amz-json-1.0' },
        { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `amazonsqs.${action}` },
        { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}.` },
      ];
      const headers = pick(r, variants);
      const protocol = headers['content-type']?.startsWith('application/x-amz-json') ? 'json' : 'query';
      return { kind: 'bad-headers', protocol, method: 'POST', path: '/', headers, body: Buffer.from(json) };
    }
    case 8:
      return r() < 0.5
        ? jsonCase('json-garbage', `AmazonSQS.${action}`, garbage(r, int(r, 1, 2000)))
        : formCase('form-garbage', garbage(r, int(r, 1, 2000)));
    case 9: {
      const deep = int(r, 1000, 20000);
      return jsonCase('json-deep', `AmazonSQS.${action}`, `${'['.repeat(deep)}${']'.repeat(deep)}`);
    }
    case 10:
      return formCase(
        'wrong-method',
        '',
        pick(r, ['/', '/000000000000/fuzz-a', '/nope', '/a/b/c']),
        pick(r, ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']),
      );
    default:
      // JSON that parses but is not an object, or has the wrong shape at the top.
      return jsonCase(
        'json-not-object',
        `AmazonSQS.${action}`,
        pick(r, ['[]', '"x"', '42', 'null', 'true', '[{"QueueUrl":"x"}]']),
      );
  }
}
