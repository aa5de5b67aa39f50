/**
 * Opening a database written by an earlier sluice: it is migrated forward in
 * place, nothing lost. The fixture is built as that version laid it out.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from '../../src/store/sqlite/driver.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { createMessageTable } from '../../src/store/sqlite/schema.ts';
import { ManualClock } from '../../src/time/clock.ts';
import { expectSqsError, queueAttrs, receive } from './contract/harness.ts';

/** Schema version 2: one namespace of queue names, before regions. */
const V2 = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE queues (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, attributes TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '{}', permissions TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL, modified_at INTEGER NOT NULL, last_purge_at INTEGER,
  sequence INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE deleted_queues (name TEXT PRIMARY KEY, deleted_at INTEGER NOT NULL);
CREATE TABLE dedup (
  queue_id INTEGER NOT NULL, scope TEXT NOT NULL, dedup_id TEXT NOT NULL, expires_at INTEGER NOT NULL,
  message_id TEXT NOT NULL, sequence_number TEXT, PRIMARY KEY (queue_id, scope, dedup_id)
) WITHOUT ROWID;
CREATE TABLE move_tasks (
  handle TEXT PRIMARY KEY, source_arn TEXT NOT NULL, destination_arn TEXT, max_per_second INTEGER,
  status TEXT NOT NULL, moved INTEGER NOT NULL DEFAULT 0, to_move INTEGER NOT NULL DEFAULT 0,
  failure_reason TEXT, started_at INTEGER NOT NULL
);
INSERT INTO meta VALUES ('schema_version', '2');
`;

describe('SQLite: migrating older databases', () => {
  let dir = '';
  let file = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-migrate-'));
    file = path.join(dir, 'sluice.db');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('moves the queues of a version-2 database into the default region, messages and all', async () => {
    const clock = new ManualClock();
    const old = new Database(file);
    old.exec(V2);
    old
      .prepare(
        'INSERT INTO queues (id, name, attributes, created_at, modified_at, sequence) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(7, 'kept', JSON.stringify({ VisibilityTimeout: '45' }), clock.now(), clock.now(), 3);
    createMessageTable(old, 7);
    old
      .prepare(
        "INSERT INTO q_7 (visible_at, message_id, body, md5_body, sent_at) VALUES (0, 'm-1', 'survivor', 'x', ?)",
      )
      .run(clock.now());
    old.prepare('INSERT INTO deleted_queues VALUES (?, ?)').run('just-gone', clock.now());
    old.close();

    const store = openSqliteStore({ path: file, clock, identity: { region: 'eu-west-1' } });
    try {
      const { QueueUrl } = await store.getQueueUrl({ QueueName: 'kept' });
      assert.deepEqual(await queueAttrs(store, QueueUrl, ['QueueArn', 'VisibilityTimeout']), {
        QueueArn: 'arn:aws:sqs:eu-west-1:000000000000:kept',
        VisibilityTimeout: '45',
      });
      assert.deepEqual(
        (await receive(store, QueueUrl)).map((m) => [m.MessageId, m.Body]),
        [['m-1', 'survivor']],
      );
      await expectSqsError(
        store.createQueue({ QueueName: 'just-gone' }),
        'AWS.SimpleQueueService.QueueDeletedRecently',
      );
      await store.inRegion('us-east-1').createQueue({ QueueName: 'kept' });
    } finally {
      await store.close();
    }
  });

  it('refuses a database of a version it cannot migrate, saying so', () => {
    const db = new Database(file);
    db.exec(
      "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '99')",
    );
    db.close();
    assert.throws(() => openSqliteStore({ path: file }), /database schema 99 is not one this sluice can use/);
  });
});
