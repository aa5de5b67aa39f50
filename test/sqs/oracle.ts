/**
 * The recorded answers of Amazon SQS (test/aws-recorded, LocalStack's
 * snapshots recorded against AWS), for tests that prove agreement with AWS.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isSqsError } from '../../src/sqs/errors.ts';

const DIR = new URL('../aws-recorded/', import.meta.url);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Snapshot = Record<string, { 'recorded-content': Record<string, Json> }>;

export const load = (file: string): Snapshot =>
  JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as Snapshot;
export const sqsSnapshot = load('test_sqs.snapshot.json');
export const moveTaskSnapshot = load('test_sqs_move_task.snapshot.json');

/** The recorded content of a test, by its name as in the key after `::` (e.g. `test_x[sqs]`). */
export function recorded(test: string, snapshot: Snapshot = sqsSnapshot): Record<string, Json> {
  const key = Object.keys(snapshot).find((k) => k.split('::').at(-1) === test);
  assert.ok(key, `no recording for ${test}`);
  return snapshot[key]!['recorded-content'];
}

/** One recorded value, by test and snapshot key (and a path below it). */
export function recordedValue(test: string, key: string, ...path: (string | number)[]): Json {
  let node: Json | undefined = recorded(test)[key];
  for (const step of path) {
    assert.ok(node !== null && typeof node === 'object', `${test}/${key}: no ${String(step)}`);
    node = (node as Record<string | number, Json>)[step];
  }
  assert.ok(node !== undefined, `${test}/${key}/${path.join('/')} missing`);
  return node;
}

export interface RecordedError {
  code: string;
  message: string;
  /** JSON protocol `__type` (absent in query recordings). */
  type?: string;
  status?: number;
}

/** A recorded error answer: `{ Error: {...}, ResponseMetadata }` or the string `An error occurred (X) ...: msg`. */
export function recordedError(test: string, key: string, snapshot: Snapshot = sqsSnapshot): RecordedError {
  const node = recorded(test, snapshot)[key];
  if (typeof node === 'string') {
    const m = /^An error occurred \(([^)]+)\) when calling the \w+ operation: (.*)$/s.exec(node);
    assert.ok(m, `${test}/${key}: not an error string`);
    return { code: m[1]!, message: m[2]! };
  }
  const response = node as { Error: Record<string, string>; ResponseMetadata?: { HTTPStatusCode: number } };
  assert.ok(response?.Error, `${test}/${key}: not an error`);
  const { Code, Message, QueryErrorCode } = response.Error;
  return {
    code: Code!,
    message: Message!,
    type: QueryErrorCode,
    status: response.ResponseMetadata?.HTTPStatusCode,
  };
}

/** Asserts that `err` is the SqsError AWS answered with. */
export function assertSameError(err: unknown, expected: RecordedError): void {
  assert.ok(isSqsError(err), `expected an SqsError, got ${String(err)}`);
  assert.equal(err.code, expected.code);
  assert.equal(err.message, expected.message);
  if (expected.type !== undefined) assert.equal(err.spec.type, expected.type);
  if (expected.status !== undefined) assert.equal(err.status, expected.status);
}

/** Runs `fn` and asserts it throws what AWS answered in `test`/`key`. */
export function assertThrowsRecorded(fn: () => unknown, test: string, key: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown !== undefined, `expected ${test}/${key} to throw`);
  assertSameError(thrown, recordedError(test, key));
}

/** Runs `fn` and returns what it threw (failing if nothing). */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected an error');
}

/** Every node of a recording, depth first (for tests that scan the whole oracle). */
export function* walk(node: Json): Generator<Json> {
  yield node;
  if (Array.isArray(node)) for (const child of node) yield* walk(child);
  else if (node !== null && typeof node === 'object')
    for (const child of Object.values(node)) yield* walk(child);
}
