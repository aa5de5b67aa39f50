/**
 * `sluice dev --store postgres://…`: the real CLI on a PostgreSQL database of
 * this file's own (test/store/postgres-db.ts). The config's queues are
 * created in that database, not in a SQLite file; a message sent through the
 * SQS API is handled by the worker; SIGTERM drains and exits 0.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { awsClient } from '../../src/client/aws.ts';
import { createTestDatabase, type TestDatabase } from '../store/postgres-db.ts';
import { eventually } from '../support/eventually.ts';
import { type SluiceDev, startSluiceDev } from '../support/sluice-dev.ts';

const CONFIG = 'test/cli/fixtures/recording.config.ts';
const dir = mkdtempSync(join(tmpdir(), 'sluice-dev-store-'));
const record = join(dir, 'record.txt');
let db: TestDatabase;
let dev: SluiceDev;

/** One query on the test's database. */
async function query<R extends pg.QueryResultRow>(text: string): Promise<R[]> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    return (await c.query<R>(text)).rows;
  } finally {
    await c.end();
  }
}

before(async () => {
  db = await createTestDatabase();
  dev = await startSluiceDev(dir, [CONFIG, '--store', db.url, '--no-producers'], {
    RECORD_FILE: record,
    QUEUE_NAME: 'pg-jobs',
  });
});

after(async () => {
  if (dev && dev.child.exitCode === null && dev.child.signalCode === null) dev.child.kill('SIGKILL');
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('sluice dev --store postgres://…', () => {
  it('keeps the config’s queues in the PostgreSQL database, not in a SQLite file', async () => {
    assert.match(dev.stderr(), new RegExp(`store\\s+PostgreSQL at ${db.url.replaceAll('.', '\\.')}\\n`));
    assert.match(dev.stderr(), /queues\s+pg-jobs \(\+DLQ\)/);
    const rows = await query<{ name: string }>('SELECT name FROM sluice.queues ORDER BY name');
    assert.deepEqual(
      rows.map((r) => r.name),
      ['pg-jobs', 'pg-jobs-dlq'],
    );
    assert.ok(!existsSync(join(dir, 'sluice.sqlite')), 'no SQLite store beside it');
  });

  it('runs the worker on a message sent through the SQS API; the message leaves the database', async () => {
    const client = awsClient({ endpoint: dev.endpoint, region: 'us-east-1' });
    try {
      const { QueueUrl } = await client.getQueueUrl({ QueueName: 'pg-jobs' });
      await client.sendMessage({ QueueUrl, MessageBody: 'hello from postgres' });
    } finally {
      await client.close();
    }
    const handled = () => (existsSync(record) ? readFileSync(record, 'utf8') : '');
    await eventually(() => handled().includes('hello from postgres'), 'the worker to handle the message', {
      detail: () => dev.stderr().slice(-2000),
    });
    await eventually(
      async () => (await query<{ n: number }>('SELECT count(*)::int AS n FROM sluice.messages'))[0]?.n === 0,
      'the handled message deleted from PostgreSQL',
    );
  });

  it('drains on SIGTERM and exits 0', async () => {
    dev.child.kill('SIGTERM');
    assert.equal(await dev.exit, 0, dev.stderr());
    assert.match(dev.stderr(), /sluice dev: stopped/);
  });
});
