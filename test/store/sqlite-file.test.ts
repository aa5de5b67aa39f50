import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from '../../src/store/sqlite/driver.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { ManualClock } from '../../src/time/clock.ts';
import {
  bodies,
  counts,
  createFifo,
  createQueue,
  queueAttrs,
  receive,
  receiveAll,
} from './contract/harness.ts';
import { storeContract } from './contract/index.ts';
import { sqliteFileFactory } from './factories.ts';

describe('Store contract: SQLite file', () => {
  storeContract(sqliteFileFactory);
});

describe('SQLite file: durability across close and reopen', () => {
  let dir = '';
  let file = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-'));
    file = path.join(dir, 'sluice.db');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps queues, attributes, tags and messages (visible, in flight, delayed) after reopening', async () => {
    const clock = new ManualClock();
    const first = await openSqliteStore({ path: file, clock });
    const url = await createQueue(first, 'durable', { VisibilityTimeout: '45' });
    await first.tagQueue({ QueueUrl: url, Tags: { team: 'core' } });
    for (const body of ['a', 'b', 'c']) await first.sendMessage({ QueueUrl: url, MessageBody: body });
    await first.sendMessage({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 60 });
    const [inFlight] = await receive(first, url);
    assert.ok(inFlight);
    await first.close();

    const second = await openSqliteStore({ path: file, clock });
    try {
      assert.deepEqual((await second.getQueueUrl({ QueueName: 'durable' })).QueueUrl, url);
      assert.equal((await queueAttrs(second, url, ['VisibilityTimeout'])).VisibilityTimeout, '45');
      assert.deepEqual((await second.listQueueTags({ QueueUrl: url })).Tags, { team: 'core' });
      assert.deepEqual(await counts(second, url), { visible: 2, inFlight: 1, delayed: 1 });
      await clock.advance(60_000);
      const all = await receiveAll(second, url);
      assert.deepEqual(bodies(all).sort(), ['a', 'b', 'c', 'later']);
      const again = all.find((m) => m.MessageId === inFlight.MessageId);
      assert.ok(again, 'the message in flight at close is received again after its visibility timeout');
    } finally {
      await second.close();
    }
  });

  it('holds the file exclusively while open (no lock taken per transaction), and lets it go on close', async () => {
    const store = openSqliteStore({ path: file });
    const url = await createQueue(store, 'held');
    await store.sendMessage({ QueueUrl: url, MessageBody: 'a' });
    const other = new Database(file, { timeout: 0 });
    try {
      assert.throws(() => other.prepare('SELECT count(*) FROM queues').get(), /database is locked/);
      await store.close();
      assert.deepEqual(other.prepare('SELECT name FROM queues').all(), [{ name: 'held' }]);
    } finally {
      other.close();
    }
  });

  it('keeps FIFO order and deduplication state after reopening', async () => {
    const clock = new ManualClock();
    const first = await openSqliteStore({ path: file, clock });
    const url = await createFifo(first, 'durable.fifo');
    for (const i of [1, 2, 3]) {
      await first.sendMessage({
        QueueUrl: url,
        MessageBody: `m${i}`,
        MessageGroupId: 'g',
        MessageDeduplicationId: `d${i}`,
      });
    }
    await first.close();

    const second = await openSqliteStore({ path: file, clock });
    try {
      await second.sendMessage({
        QueueUrl: url,
        MessageBody: 'dup',
        MessageGroupId: 'g',
        MessageDeduplicationId: 'd1',
      });
      const got = await receive(second, url, { MaxNumberOfMessages: 10 });
      assert.deepEqual(bodies(got), ['m1', 'm2', 'm3']);
    } finally {
      await second.close();
    }
  });

  it('keeps the queue history, and what was counted since the last sample, after reopening', async () => {
    const clock = new ManualClock();
    const first = await openSqliteStore({ path: file, clock });
    const url = await createQueue(first, 'charted');
    for (const body of ['a', 'b']) await first.sendMessage({ QueueUrl: url, MessageBody: body });
    await first.recordHistory();
    await clock.advance(60_000);
    await first.sendMessage({ QueueUrl: url, MessageBody: 'c' });
    await receive(first, url);
    await first.close(); // no sample since the third send: close takes one

    const second = await openSqliteStore({ path: file, clock });
    try {
      const { points } = await second.history({ QueueUrl: url, range: '1h' });
      assert.deepEqual(
        points.map((p) => [p.sent, p.received, p.visible]),
        [
          [2, 0, 2],
          [1, 1, 2],
        ],
      );
      assert.equal((await second.activity())[0]?.sent, 3);
    } finally {
      await second.close();
    }
  });
});
