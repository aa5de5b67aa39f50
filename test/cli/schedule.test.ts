import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { inZone, schedulesOf } from '../../src/cli/schedule.ts';
import { startTestServer, type TestServer } from '../server/harness.ts';
import * as fixture from './fixtures/schedules.ts';
import { fails, ok, okJson, rows } from './ops-harness.ts';

const FIXTURE = 'test/cli/fixtures/schedules.ts';
let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

test('schedulesOf finds each schedule once, in arrays too', () => {
  assert.deepEqual(
    schedulesOf(fixture as unknown as Record<string, unknown>).map((s) => s.name),
    ['nightly', 'hourly'],
  );
});

test('inZone writes wall-clock time with the offset', () => {
  assert.equal(inZone(new Date('2026-03-08T07:00:00Z'), 'America/New_York'), '2026-03-08 03:00:00 GMT-04:00');
});

test('sluice schedule list shows next fire times in each zone', async () => {
  const list = await okJson<{ name: string; timezone: string; next: string[] }[]>(
    t,
    'schedule',
    'list',
    FIXTURE,
    '--count',
    '2',
  );
  assert.deepEqual(
    list.map((s) => [s.name, s.timezone, s.next.length]),
    [
      ['nightly', 'America/New_York', 2],
      ['hourly', 'UTC', 2],
    ],
  );
  const table = rows(await ok(t, 'schedule', 'list', FIXTURE));
  assert.deepEqual(table[0], ['SCHEDULE', 'CRON', 'ZONE', 'QUEUE', 'NEXT (LOCAL)']);
  assert.match(table[1]?.[4] ?? '', /^\d{4}-\d\d-\d\d 02:00:00 GMT-0[45]:00$/);
});

test('sluice schedule run sends one message now; an unknown name is one line', async () => {
  await t.sqs.send(
    new (await import('@aws-sdk/client-sqs')).CreateQueueCommand({
      QueueName: 'cli-jobs.fifo',
      Attributes: { FifoQueue: 'true' },
    }),
  );
  const sent = await okJson<{ schedule: string; messageId: string }>(
    t,
    'schedule',
    'run',
    'nightly',
    FIXTURE,
  );
  assert.equal(sent.schedule, 'nightly');
  const { ReceiveMessageCommand, GetQueueUrlCommand } = await import('@aws-sdk/client-sqs');
  const { QueueUrl } = await t.sqs.send(new GetQueueUrlCommand({ QueueName: 'cli-jobs.fifo' }));
  const { Messages = [] } = await t.sqs.send(
    new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }),
  );
  assert.deepEqual(
    Messages.map((m) => [m.MessageId, m.Body]),
    [[sent.messageId, '{"job":"nightly"}']],
  );
  await fails(
    t,
    /^sluice: no schedule named nope \(have: nightly, hourly\)$/,
    'schedule',
    'run',
    'nope',
    FIXTURE,
  );
});

test('sluice schedule list and sluice dev read the same config when none is named: ./sluice.config.ts', async () => {
  const { DEFAULT_CONFIG } = await import('../../src/config/default-config.ts');
  assert.equal(DEFAULT_CONFIG, 'sluice.config.ts');
  // In this repository that file is the reference system, which npm start (sluice dev) runs.
  const list = await okJson<{ name: string; timezone: string }[]>(t, 'schedule', 'list');
  assert.deepEqual(
    list.map((s) => [s.name, s.timezone]),
    [['cost-collection', 'America/New_York']],
  );
});
