/**
 * The AWS adapter's error mapping: every error in the registry, sent by a real
 * sluice server over the JSON protocol, comes back as the same SqsError with
 * AWS's message; what the registry does not know, and network failures, come
 * back untouched.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SQSServiceException } from '@aws-sdk/client-sqs';
import { awsClient } from '../../src/client/aws.ts';
import { fromSdkError, registryNameOf } from '../../src/client/aws-errors.ts';
import type { QueueClient } from '../../src/client/queue-client.ts';
import { createLogger } from '../../src/observe/logger.ts';
import { type RunningServer, startServer } from '../../src/server/server.ts';
import { ERRORS, type ErrorName, SqsError } from '../../src/sqs/errors.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { Store } from '../../src/store/store.ts';
import { CREDENTIALS } from './harness.ts';

const NAMES = Object.keys(ERRORS) as ErrorName[];
const messageOf = (name: ErrorName) => `${name}: the wording AWS would use, with "quotes" & <markup>.`;

/** A store whose GetQueueUrl fails with the registry error named by the queue name. */
function failingStore(store: Store): Store {
  return new Proxy(store, {
    get: (target, key) => {
      if (key === 'getQueueUrl')
        return async ({ QueueName }: { QueueName: string }) => {
          throw new SqsError(QueueName as ErrorName, messageOf(QueueName as ErrorName));
        };
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('AWS adapter: errors', () => {
  let server: RunningServer;
  let client: QueueClient;
  before(async () => {
    server = await startServer({
      port: 0,
      openStore: (baseUrl) => failingStore(openSqliteStore({ path: ':memory:', identity: { baseUrl } })),
      log: () => {},
    });
    // The adapter as users get it: 5xx and clock-skew answers are retried by the SDK, then mapped.
    client = awsClient({ endpoint: server.url, region: 'us-east-1', credentials: CREDENTIALS });
  });
  after(async () => {
    await client.close();
    await server.shutdown();
  });

  for (const name of NAMES) {
    it(`${name} (${ERRORS[name].code}, ${ERRORS[name].type}) round-trips`, async () => {
      const err = await client.getQueueUrl({ QueueName: name }).then(
        () => assert.fail('the call succeeded'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof SqsError, `expected an SqsError, got ${String(err)}`);
      assert.equal(err.errorName, name);
      assert.equal(err.code, ERRORS[name].code);
      assert.equal(err.message, messageOf(name));
      const { requestId } = err as { requestId?: unknown };
      assert.ok(typeof requestId === 'string' && requestId !== '', 'the request id is kept');
    });
  }

  it('is logged with AWS’s sentence once (no SDK cause repeating it)', async () => {
    const err = await client.getQueueUrl({ QueueName: 'NonExistentQueue' }).catch((e: unknown) => e);
    const lines: string[] = [];
    createLogger({ destination: { write: (line: string) => void lines.push(line) } }).error({ err }, 'x');
    const logged = JSON.parse(lines[0] ?? '{}').err;
    assert.equal(logged.message, messageOf('NonExistentQueue'));
  });

  it('a real store error keeps its code and AWS wording', async () => {
    await assert.rejects(client.getQueueAttributes({ QueueUrl: `${server.url}/000000000000/missing` }), {
      name: 'SqsError',
      code: 'AWS.SimpleQueueService.NonExistentQueue',
      message: 'The specified queue does not exist.',
    });
  });

  it('finds the entry by name or namespaced __type when there is no legacy code', () => {
    for (const name of NAMES) {
      const { type } = ERRORS[name];
      const bare = new SQSServiceException({ name: type, $fault: 'client', $metadata: {}, message: 'm' });
      assert.equal(registryNameOf(bare), name);
      const other = new SQSServiceException({
        name: 'Unmodelled',
        $fault: 'client',
        $metadata: {},
        message: 'm',
      });
      Object.assign(other, { __type: `com.amazonaws.sqs#${type}` });
      assert.equal(registryNameOf(other), name);
    }
  });

  it('leaves errors the registry does not know as they are', () => {
    const throttled = new SQSServiceException({ name: 'RequestThrottled', $fault: 'client', $metadata: {} });
    Object.assign(throttled, { Code: 'RequestThrottled' });
    assert.equal(fromSdkError(throttled), throttled);
    const network = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    assert.equal(fromSdkError(network), network);
  });

  it('a network failure surfaces unchanged, after the SDK retries', async () => {
    const closed = awsClient({
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      credentials: CREDENTIALS,
    });
    try {
      const err = await closed.listQueues().then(
        () => assert.fail('listQueues reached a closed port'),
        (e: unknown) => e as Error & { code?: string; $metadata?: { attempts?: number } },
      );
      assert.ok(!(err instanceof SqsError));
      assert.equal(err.code, 'ECONNREFUSED');
      assert.equal(err.$metadata?.attempts, 3, 'standard mode retries network errors');
    } finally {
      await closed.close();
    }
  });
});
