/**
 * The PostgreSQL store's hot paths across servers (two stores on one schema,
 * as two `sluice server` processes would be): the queue cache that spares a
 * lookup per request must give way to changes made on the other server, and
 * the statements gathered from concurrent requests must hand each message to
 * one receiver only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/index.ts';
import { counts } from './contract/harness.ts';
import { createTestDatabase, type TestDatabase } from './postgres-db.ts';

describe('PostgreSQL store: hot paths across servers', () => {
  let db: TestDatabase;
  let A: PostgresStore;
  let B: PostgresStore;
  before(async () => {
    db = await createTestDatabase();
    A = await openPostgresStore({ connectionString: db.url, schema: 'hot' });
    B = await openPostgresStore({ connectionString: db.url, schema: 'hot' });
  });
  after(async () => {
    await A?.close();
    await B?.close();
    await db?.drop();
  });

  it("a change of attributes on one server reaches the other's sends shortly after", async () => {
    const { QueueUrl } = await A.createQueue({ QueueName: 'changes' });
    await B.sendMessage({ QueueUrl, MessageBody: 'cached' }); // B now holds the queue in its cache
    await A.setQueueAttributes({ QueueUrl, Attributes: { DelaySeconds: '900' } });
    const started = Date.now();
    let delayed = 0;
    for (let i = 0; delayed === 0 && Date.now() - started < 3000; i++) {
      await B.sendMessage({ QueueUrl, MessageBody: `after ${i}` });
      delayed = (await counts(A, QueueUrl)).delayed;
      if (delayed === 0) await sleep(20);
    }
    assert.equal(delayed, 1, "B's sends take the new DelaySeconds");
    // NOTIFY carries the change in milliseconds; the cache's lifetime (1 s) bounds it if that is lost.
    assert.ok(Date.now() - started < 1500, `reached B after ${Date.now() - started} ms`);
  });

  it("a queue deleted on one server: the other's sends refuse with NonExistentQueue and store nothing", async () => {
    const { QueueUrl } = await A.createQueue({ QueueName: 'doomed' });
    await B.sendMessage({ QueueUrl, MessageBody: 'before' });
    await B.receiveMessage({ QueueUrl, VisibilityTimeout: 0 }); // receive's path caches it too
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const [{ id }] = (await admin.query<{ id: string }>("SELECT id FROM hot.queues WHERE name = 'doomed'"))
        .rows as [{ id: string }];
      await A.deleteQueue({ QueueUrl });
      // Whether B has heard of it yet or not, nothing is written for a queue that is gone.
      await assert.rejects(
        B.sendMessageBatch({ QueueUrl, Entries: [{ Id: '1', MessageBody: 'after' }] }),
        (e: { code?: string }) => e.code === 'AWS.SimpleQueueService.NonExistentQueue',
      );
      await assert.rejects(
        B.sendMessage({ QueueUrl, MessageBody: 'after' }),
        (e: { code?: string }) => e.code === 'AWS.SimpleQueueService.NonExistentQueue',
      );
      await assert.rejects(
        B.receiveMessage({ QueueUrl }),
        (e: { code?: string }) => e.code === 'AWS.SimpleQueueService.NonExistentQueue',
      );
      const left = await admin.query('SELECT 1 FROM hot.messages WHERE queue_id = $1', [id]);
      assert.equal(left.rowCount, 0, 'no message row outlives its queue');
    } finally {
      await admin.end();
    }
  });

  it('receives gathered into shared statements hand every message to one receiver only', async () => {
    const { QueueUrl } = await A.createQueue({ QueueName: 'gathered' });
    const sent: string[] = [];
    // 300 messages from 30 concurrent batches on both servers: the sends gather too.
    await Promise.all(
      Array.from({ length: 30 }, (_, b) =>
        (b % 2 ? A : B).sendMessageBatch({
          QueueUrl,
          Entries: Array.from({ length: 10 }, (_, i) => {
            sent.push(`m${b * 10 + i}`);
            return { Id: String(i), MessageBody: `m${b * 10 + i}` };
          }),
        }),
      ),
    );
    const received: string[] = [];
    const handles: { store: PostgresStore; handle: string }[] = [];
    // 40 receives of up to 10 at once, over both servers: more asked than there is.
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, r) => {
        const store = r % 2 ? A : B;
        return store
          .receiveMessage({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 300 })
          .then(({ Messages = [] }) => ({ store, Messages }));
      }),
    );
    for (const { store, Messages } of answers) {
      assert.ok(Messages.length <= 10, 'no receiver gets more than it asked for');
      for (const m of Messages) {
        received.push(m.Body!);
        handles.push({ store, handle: m.ReceiptHandle! });
      }
    }
    assert.equal(new Set(received).size, received.length, 'no message handed out twice');
    assert.deepEqual([...received].sort(), [...sent].sort(), 'every message handed out');
    // Deletes gathered from concurrent batches, each on the server that received it.
    const chunks: (typeof handles)[] = [];
    for (let i = 0; i < handles.length; i += 10) chunks.push(handles.slice(i, i + 10));
    const results = await Promise.all(
      chunks.map((chunk) =>
        chunk[0]!.store.deleteMessageBatch({
          QueueUrl,
          Entries: chunk.map((h, i) => ({ Id: String(i), ReceiptHandle: h.handle })),
        }),
      ),
    );
    results.forEach((r, i) => {
      assert.equal(r.Successful?.length, chunks[i]!.length);
      assert.equal(r.Failed?.length ?? 0, 0);
    });
    assert.deepEqual(await counts(A, QueueUrl), { visible: 0, inFlight: 0, delayed: 0 });
  });
});
