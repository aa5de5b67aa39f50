import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openPostgresStore } from '../../src/store/postgres/index.ts';
import { storeContract } from './contract/index.ts';
import { createTestDatabase, postgresFactory, type TestDatabase } from './postgres-db.ts';

describe('Store contract: PostgreSQL', () => {
  let db: TestDatabase | undefined;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db?.drop();
  });
  storeContract(postgresFactory(() => db!));
});

describe('PostgreSQL store: opening', () => {
  it('refuses at once, naming the database without its password, when PostgreSQL cannot be reached', async () => {
    const started = Date.now();
    await assert.rejects(
      openPostgresStore({
        connectionString: 'postgres://sluice:secret@127.0.0.1:1/none',
        connectTimeoutMs: 2000,
      }),
      /^Error: cannot use PostgreSQL at postgres:\/\/sluice:\*\*\*@127\.0\.0\.1:1\/none: /,
    );
    assert.ok(Date.now() - started < 3000, 'bounded by the connect timeout');
  });

  it('migrates once when several stores open the same schema at once', async () => {
    const db = await createTestDatabase();
    try {
      const stores = await Promise.all(
        [1, 2, 3].map(() => openPostgresStore({ connectionString: db.url, schema: 'shared' })),
      );
      const { QueueUrl } = await stores[0]!.createQueue({ QueueName: 'one' });
      await stores[1]!.sendMessage({ QueueUrl, MessageBody: 'hello' });
      const { Messages } = await stores[2]!.receiveMessage({ QueueUrl });
      assert.equal(Messages?.[0]?.Body, 'hello');
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await db.drop();
    }
  });
});
