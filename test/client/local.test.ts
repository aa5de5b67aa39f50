import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localClient } from '../../src/client/local.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { apiContract } from '../store/contract/index.ts';
import { localFactory } from './harness.ts';

describe('QueueClient contract: local (store in-process)', () => {
  apiContract(localFactory);
});

describe('local adapter', () => {
  it('close() ends its own polls but leaves the store open', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    try {
      const client = localClient(store);
      const other = localClient(store);
      const { QueueUrl } = await client.createQueue({ QueueName: 'shared' });
      const mine = client.receiveMessage({ QueueUrl, WaitTimeSeconds: 20 });
      const theirs = other.receiveMessage({ QueueUrl, WaitTimeSeconds: 20 });
      await client.close();
      assert.deepEqual(await mine, {});
      await store.sendMessage({ QueueUrl, MessageBody: 'still served' });
      assert.deepEqual(
        (await theirs).Messages?.map((m) => m.Body),
        ['still served'],
      );
      await other.close();
    } finally {
      await store.close();
    }
  });
});
