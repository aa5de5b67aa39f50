import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createClient } from '../../src/client/index.ts';
import { startServer } from '../../src/server/server.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { CREDENTIALS } from './harness.ts';

describe('createClient', () => {
  it('{ store } binds the store in-process', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    const client = createClient({ store });
    await client.createQueue({ QueueName: 'here' });
    await client.close();
    assert.deepEqual(
      (await store.stats()).map((s) => s.name),
      ['here'],
      'the store saw the call and is still open',
    );
    await store.close();
  });

  it('{ endpoint } talks to that endpoint over HTTP', async () => {
    let requests = 0;
    const server = await startServer({
      port: 0,
      openStore: (baseUrl) => openSqliteStore({ path: ':memory:', identity: { baseUrl } }),
      log: () => {},
    });
    server.http.on('request', () => requests++);
    const client = createClient({ endpoint: server.url, region: 'us-east-1', credentials: CREDENTIALS });
    try {
      const { QueueUrl } = await client.createQueue({ QueueName: 'there' });
      assert.equal(QueueUrl, `${server.url}/000000000000/there`);
      assert.equal(requests, 1);
    } finally {
      await client.close();
      await server.shutdown();
    }
  });

  it('{ endpoint } with no credentials anywhere uses placeholder keys: no AWS account needed', async () => {
    const saved = { ...process.env };
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) {
      delete process.env[k];
    }
    const server = await startServer({
      port: 0,
      openStore: (baseUrl) => openSqliteStore({ path: ':memory:', identity: { baseUrl } }),
      log: () => {},
    });
    const client = createClient({ endpoint: server.url, region: 'us-east-1' });
    try {
      const { QueueUrl } = await client.createQueue({ QueueName: 'keyless' });
      assert.equal(QueueUrl, `${server.url}/000000000000/keyless`);
    } finally {
      process.env = saved;
      await client.close();
      await server.shutdown();
    }
  });
});
