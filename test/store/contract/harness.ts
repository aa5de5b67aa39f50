/**
 * Shared pieces of the contract suite that every Store and every QueueClient
 * runs: the factory types, a per-test subject/clock context, small helpers, and
 * access to the answers Amazon SQS recorded (test/aws-recorded), so
 * expectations are AWS's.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach } from 'node:test';
import { SqsError } from '../../../src/sqs/errors.ts';
import type * as T from '../../../src/sqs/types.ts';
import type { OperatorStore } from '../../../src/store/operator.ts';
import type { Store } from '../../../src/store/store.ts';
import { ManualClock } from '../../../src/time/clock.ts';

/**
 * What a contract runs against: the SQS API of a Store, which a QueueClient
 * bound to a store speaks too (test/client/). Only the operator's read model
 * (`stats()`, browsing, the audit log: src/store/operator.ts) and its region
 * (`region`, `inRegion()`: a client's region is its configuration) are not part of it; those
 * contracts alone need a Store, so the compiler keeps clients out.
 */
export type SqsApi = Omit<Store, keyof OperatorStore | 'region' | 'inRegion'>;

export interface Subject<S extends SqsApi> {
  store: S;
  cleanup(): Promise<void>;
  /**
   * Lets the subject's pending work run (commits, wake-ups, and over HTTP the
   * requests on the wire) until only parked long polls are left. In-process the
   * default, a few turns of the event loop, is enough.
   */
  settle?: () => Promise<void>;
  /** Real ms an aborted receive may still answer (over a network, the AWS adapter's grace); default 0. */
  abortGraceMs?: number;
}

export type Factory<S extends SqsApi> = (opts: { clock: ManualClock }) => Promise<Subject<S>>;
/** A Store backend: runs every contract, stats included. */
export type StoreFactory = Factory<Store>;
/** Anything that speaks the SQS API, a Store or a QueueClient: runs every contract but stats. */
export type ApiFactory = Factory<SqsApi>;

export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';
export const urlOf = (name: string): string => `http://127.0.0.1:9324/${ACCOUNT}/${name}`;
export const arnOf = (name: string): string => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;

export interface StoreContext<S extends SqsApi = SqsApi> {
  store: S;
  clock: ManualClock;
  /** See Subject.settle. */
  settle(): Promise<void>;
  /** See Subject.abortGraceMs. */
  abortGraceMs: number;
}

/** Gives every test in the enclosing `describe` a fresh subject on a fresh ManualClock. Read fields inside tests. */
export function useStore<S extends SqsApi>(make: Factory<S>): StoreContext<S> {
  const ctx = {} as StoreContext<S>;
  let cleanup: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    ctx.clock = new ManualClock();
    const made = await make({ clock: ctx.clock });
    ctx.store = made.store;
    ctx.settle = made.settle ?? (() => flush(20));
    ctx.abortGraceMs = made.abortGraceMs ?? 0;
    cleanup = made.cleanup;
  });
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });
  return ctx;
}

export async function createQueue(
  store: SqsApi,
  name: string,
  Attributes?: Record<string, string>,
): Promise<string> {
  const { QueueUrl } = await store.createQueue(
    Attributes ? { QueueName: name, Attributes } : { QueueName: name },
  );
  return QueueUrl;
}

export function createFifo(
  store: SqsApi,
  name: string,
  Attributes: Record<string, string> = {},
): Promise<string> {
  assert.ok(name.endsWith('.fifo'));
  return createQueue(store, name, { FifoQueue: 'true', ...Attributes });
}

/** Sends `${prefix}-0` … `${prefix}-(n-1)` one by one; returns the MessageIds. */
export async function sendN(store: SqsApi, QueueUrl: string, n: number, prefix = 'm'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++)
    ids.push((await store.sendMessage({ QueueUrl, MessageBody: `${prefix}-${i}` })).MessageId);
  return ids;
}

/** Sends the bodies to one FIFO group, in order (for queues that deduplicate by content). */
export async function sendToGroup(
  store: SqsApi,
  QueueUrl: string,
  group: string,
  ...messageBodies: string[]
) {
  for (const MessageBody of messageBodies)
    await store.sendMessage({ QueueUrl, MessageBody, MessageGroupId: group });
}

export async function receive(
  store: SqsApi,
  QueueUrl: string,
  extra: Omit<T.ReceiveMessageInput, 'QueueUrl'> = {},
): Promise<T.Message[]> {
  return (await store.receiveMessage({ QueueUrl, ...extra })).Messages ?? [];
}

export async function receiveOne(
  store: SqsApi,
  QueueUrl: string,
  extra: Omit<T.ReceiveMessageInput, 'QueueUrl'> = {},
): Promise<T.Message> {
  const messages = await receive(store, QueueUrl, extra);
  assert.equal(messages.length, 1, `expected exactly one message, got ${messages.length}`);
  return messages[0]!;
}

/** Receives (10 at a time) until a receive comes back empty. */
export async function receiveAll(
  store: SqsApi,
  QueueUrl: string,
  extra: Omit<T.ReceiveMessageInput, 'QueueUrl'> = {},
): Promise<T.Message[]> {
  const all: T.Message[] = [];
  for (let round = 0; round < 1000; round++) {
    const got = await receive(store, QueueUrl, { MaxNumberOfMessages: 10, ...extra });
    if (got.length === 0) return all;
    all.push(...got);
  }
  assert.fail('receiveAll did not drain the queue in 1000 rounds');
}

export const bodies = (messages: T.Message[]): string[] => messages.map((m) => m.Body);

export async function queueAttrs(
  store: SqsApi,
  QueueUrl: string,
  names = ['All'],
): Promise<Record<string, string>> {
  return (await store.getQueueAttributes({ QueueUrl, AttributeNames: names })).Attributes ?? {};
}

/** The three approximate counts, as numbers. */
export async function counts(
  store: SqsApi,
  QueueUrl: string,
): Promise<{ visible: number; inFlight: number; delayed: number }> {
  const a = await queueAttrs(store, QueueUrl, [
    'ApproximateNumberOfMessages',
    'ApproximateNumberOfMessagesNotVisible',
    'ApproximateNumberOfMessagesDelayed',
  ]);
  return {
    visible: Number(a.ApproximateNumberOfMessages),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible),
    delayed: Number(a.ApproximateNumberOfMessagesDelayed),
  };
}

/** Lets pending commits and waiter wake-ups run. */
export async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** Tracks whether a promise has settled, for long-poll tests. */
export function track<V>(promise: Promise<V>): { promise: Promise<V>; readonly settled: boolean } {
  let settled = false;
  const p = promise.finally(() => {
    settled = true;
  });
  return {
    promise: p,
    get settled() {
      return settled;
    },
  };
}

/**
 * The answer of a long poll that should already have ended. If it has not, the clock is moved past any
 * wait so the poll cannot hang the test run, and the test fails with `what`.
 */
export async function answered<V>(
  poll: { promise: Promise<V>; readonly settled: boolean },
  t: { clock: ManualClock; settle(): Promise<void> },
  what: string,
): Promise<V> {
  await t.settle();
  const settled = poll.settled;
  if (!settled) await t.clock.advance(20_000);
  const out = await poll.promise;
  assert.ok(settled, what);
  return out;
}

/** Asserts the promise rejects with an SqsError of `code` whose message equals (string) or matches (RegExp). */
export async function expectSqsError(
  promise: Promise<unknown>,
  code: string,
  message?: string | RegExp,
): Promise<SqsError> {
  let caught: unknown;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== undefined, `expected ${code}, but the call succeeded`);
  assert.ok(caught instanceof SqsError, `expected an SqsError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, `wrong code (message: ${caught.message})`);
  if (typeof message === 'string') assert.equal(caught.message, message);
  else if (message) assert.match(caught.message, message);
  return caught;
}

// ---- the recorded answers of Amazon SQS -------------------------------------------------------

type Snapshot = Record<string, { 'recorded-content': Record<string, unknown> }>;
const snapshots = new Map<string, Snapshot>();
function snapshot(file: string): Snapshot {
  let s = snapshots.get(file);
  if (!s) {
    s = JSON.parse(
      readFileSync(new URL(`../../aws-recorded/${file}.snapshot.json`, import.meta.url), 'utf8'),
    ) as Snapshot;
    snapshots.set(file, s);
  }
  return s;
}

/**
 * What AWS answered in LocalStack's test `test` (JSON protocol variant when there are several) under `key`.
 * `file` is `test_sqs` or `test_sqs_move_task`.
 */
export function recorded(test: string, key: string, file = 'test_sqs'): unknown {
  const all = snapshot(file);
  const name = Object.keys(all).find((k) => k.endsWith(`::${test}[sqs]`) || k.endsWith(`::${test}`));
  assert.ok(name, `no recorded test ${test} in ${file}`);
  const content = all[name]!['recorded-content'];
  assert.ok(key in content, `recorded test ${test} has no key ${key}`);
  return content[key];
}

export interface RecordedError {
  code: string;
  message: string;
  status: number;
}

export function recordedError(
  test: string,
  key: string,
  replace: Record<string, string> = {},
  file = 'test_sqs',
): RecordedError {
  const r = recorded(test, key, file) as {
    Error: { Code: string; Message: string };
    ResponseMetadata: { HTTPStatusCode: number };
  };
  let message = r.Error.Message;
  for (const [from, to] of Object.entries(replace)) message = message.split(from).join(to);
  return { code: r.Error.Code, message, status: r.ResponseMetadata.HTTPStatusCode };
}

/** Asserts the promise fails exactly as Amazon SQS did in the recorded test: code, wording and HTTP status. */
export async function expectAwsError(
  promise: Promise<unknown>,
  test: string,
  key: string,
  replace: Record<string, string> = {},
  file = 'test_sqs',
): Promise<void> {
  const want = recordedError(test, key, replace, file);
  const err = await expectSqsError(promise, want.code, want.message);
  assert.equal(err.status, want.status, `HTTP status of ${want.code}`);
}

/** The recorded attribute map with placeholder values (`timestamp`, `arn:<partition>…`) dropped. */
export function recordedAttributes(test: string, key: string): Record<string, string> {
  const r = recorded(test, key) as { Attributes: Record<string, string> };
  return Object.fromEntries(
    Object.entries(r.Attributes).filter(([, v]) => v !== 'timestamp' && !v.includes('<')),
  );
}

/** The attribute names in a recorded GetQueueAttributes(All) answer, sorted. */
export function recordedAttributeNames(test: string, key: string): string[] {
  const r = recorded(test, key) as { Attributes: Record<string, string> };
  return Object.keys(r.Attributes).sort();
}

/**
 * MD5OfMessageAttributes computed independently of the store (names sorted; each: length-prefixed
 * name, type, a transport byte 1=string/2=binary, length-prefixed value). Reproduces the recorded
 * digests ae7155c6…, 8cbe4db1…, 4c360f3f…, a45daa70…
 */
export function md5OfAttributes(attrs: T.MessageAttributeMap): string {
  const parts: Buffer[] = [];
  const lp = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    parts.push(len, b);
  };
  for (const name of Object.keys(attrs).sort()) {
    const v = attrs[name]!;
    lp(Buffer.from(name, 'utf8'));
    lp(Buffer.from(v.DataType, 'utf8'));
    if (v.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]));
      lp(Buffer.from(v.BinaryValue));
    } else {
      parts.push(Buffer.from([1]));
      lp(Buffer.from(v.StringValue ?? '', 'utf8'));
    }
  }
  return createHash('md5').update(Buffer.concat(parts)).digest('hex');
}

export const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');
