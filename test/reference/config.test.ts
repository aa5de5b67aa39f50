/** sluice.config.ts validation: every bad field named, with what was expected and what was given. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { localClient } from '../../src/client/local.ts';
import { ConfigFileError, checkConfig, defineConfig, loadConfig } from '../../src/config/config-file.ts';
import { ensureQueues } from '../../src/config/queues.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { defineWorker } from '../../src/worker/define.ts';

const store = openSqliteStore({ path: ':memory:' });
const client = localClient(store);
const dir = mkdtempSync(join(tmpdir(), 'sluice-config-'));
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const refused = (input: unknown): string[] => {
  try {
    checkConfig(input);
  } catch (e) {
    assert.ok(e instanceof ConfigFileError, String(e));
    return [...e.problems];
  }
  return assert.fail('accepted');
};

const worker = (queue: string) => defineWorker({ queue, handler: async () => {} });

describe('config validation', () => {
  it('names the bad field, what it must be and what it was', () => {
    assert.deepEqual(refused({ queues: [{ name: 'a', dlq: { maxReceiveCount: 0 } }] }), [
      'queues[0].dlq.maxReceiveCount must be an integer 1–1000, got 0',
    ]);
    assert.deepEqual(refused({ queues: [{ name: 'a' }, { name: 'b c', visibilityTimeout: 'soon' }] }), [
      'queues[1].name must be a queue name (1–80 of A–Z a–z 0–9 _ -, .fifo for FIFO), got "b c"',
      'queues[1].visibilityTimeout must be an integer 0–43200, got "soon"',
    ]);
    assert.deepEqual(refused({ queues: [{ name: 'a', fifo: true }] }), [
      'queues[0].name must be a name ending in .fifo (fifo: true), got "a"',
    ]);
    assert.deepEqual(refused({ queues: [{ name: 'a', maxReceive: 3 }] }), [
      'queues[0]: unknown field "maxReceive"',
    ]);
    assert.deepEqual(refused({ queues: [], workers: [{ queue: 'a' }] }), [
      'workers[0] must be a worker made by defineWorker, got {"queue":"a"}',
    ]);
    assert.deepEqual(refused({}), ['queues must be a list of queues']);
  });

  it('refuses workers and schedules on queues it does not declare, and duplicate names', () => {
    assert.deepEqual(
      refused({
        queues: [{ name: 'a', dlq: { maxReceiveCount: 3 } }, { name: 'a-dlq' }],
        workers: [worker('b')],
      }),
      [
        'queues[1].name must be unique, got "a-dlq" twice',
        'workers[0] (b) reads queue "b", which queues does not declare',
      ],
    );
  });

  it('checks the scale policy with the policy’s own rules', () => {
    assert.deepEqual(refused({ queues: [], scale: { min: 5, max: 3, targetBacklogPerWorker: 10 } }), [
      'scale.min (5) must not exceed max (3)',
    ]);
    assert.match(refused({ queues: [], scale: { max: 3 } })[0]!, /^scale\.min: /);
    const config = checkConfig({ queues: [], scale: { min: 1, max: 10, targetBacklogPerWorker: 100 } });
    assert.equal(config.scale?.target, 100);
    assert.equal(config.scale?.scaleInCooldownSeconds, 300, 'defaults filled in');
  });

  it('fills in DLQ names and FIFO-ness, frozen', () => {
    const config = checkConfig({ queues: [{ name: 'jobs.fifo', dlq: { maxReceiveCount: 3 } }] });
    assert.deepEqual(config.queues[0], {
      name: 'jobs.fifo',
      fifo: true,
      dlq: { maxReceiveCount: 3, name: 'jobs-dlq.fifo' },
    });
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.queues[0]));
  });

  it('defineConfig checks an object at once; loadConfig names the file', async () => {
    assert.throws(() => defineConfig({ queues: [{ name: '' }] }), {
      message: /^config: queues\[0\]\.name must be a queue name/,
    });
    await assert.rejects(
      loadConfig('test/reference/fixtures/bad.config.ts', { dataDir: dir, mode: 'dev', client }),
      {
        message:
          'test/reference/fixtures/bad.config.ts: queues[0].dlq.maxReceiveCount must be an integer 1–1000, got 0',
      },
    );
    await assert.rejects(
      loadConfig('test/reference/fixtures/no-default.config.ts', { dataDir: dir, mode: 'dev', client }),
      {
        message: /no-default\.config\.ts: must export default defineConfig/,
      },
    );
    await assert.rejects(loadConfig('no/such.config.ts', { dataDir: dir, mode: 'dev', client }), {
      message: 'no/such.config.ts: no such file',
    });
  });
});

describe('the reference config', () => {
  it('loads, and its queues are created with their DLQs (3 receives, 60 s visibility)', async () => {
    const config = await loadConfig('examples/reference/sluice.config.ts', {
      dataDir: dir,
      mode: 'dev',
      client,
    });
    try {
      assert.deepEqual(
        config.queues.map((q) => q.name),
        ['push-notifications', 'offline-messages', 'cost-collection.fifo', 'alerts', 'events'],
      );
      assert.deepEqual(
        config.workers.map((w) => w.name),
        ['push', 'offline', 'cost-collection', 'alerts', 'warehouse'],
      );
      assert.deepEqual(
        config.schedules.map((s) => [s.name, s.cron, s.timezone]),
        [['cost-collection', '0 2 * * *', 'America/New_York']],
      );
      await ensureQueues(client, config.queues);
      await ensureQueues(client, config.queues); // idempotent
      const { QueueUrl } = await client.getQueueUrl({ QueueName: 'push-notifications' });
      const { Attributes = {} } = await client.getQueueAttributes({ QueueUrl, AttributeNames: ['All'] });
      assert.equal(Attributes.VisibilityTimeout, '60');
      assert.deepEqual(JSON.parse(Attributes.RedrivePolicy ?? '{}'), {
        deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:push-notifications-dlq',
        maxReceiveCount: 3,
      });
    } finally {
      await config.onShutdown?.();
    }
  });
});
