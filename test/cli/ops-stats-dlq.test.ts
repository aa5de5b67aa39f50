/** `sluice stats` and `sluice dlq list|show|redrive` as real processes against a real server. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { FailedMessage } from '../../src/cli/common/dead-letters.ts';
import type { QueueRow } from '../../src/cli/stats.ts';
import { startTestServer, type TestServer } from '../server/harness.ts';
import { fails, ok, okJson, reasons, rows, start, targetLine } from './ops-harness.ts';

let t: TestServer;
const urls: Record<string, string> = {};
const create = async (QueueName: string, Attributes?: Record<string, string>) => {
  urls[QueueName] = (await t.sqs.send(new CreateQueueCommand({ QueueName, Attributes }))).QueueUrl!;
};
const send = (
  queue: string,
  MessageBody: string,
  attrs: Record<string, string> = {},
  DelaySeconds?: number,
) =>
  t.sqs.send(
    new SendMessageCommand({
      QueueUrl: urls[queue],
      MessageBody,
      DelaySeconds,
      MessageAttributes: Object.fromEntries(
        Object.entries(attrs).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
      ),
    }),
  );
const depth = async (queue: string) => {
  const { Attributes } = await t.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: urls[queue], AttributeNames: ['All'] }),
  );
  return [Attributes?.ApproximateNumberOfMessages, Attributes?.ApproximateNumberOfMessagesNotVisible].map(
    Number,
  );
};

before(async () => {
  t = await startTestServer();
  await create('st-dlq');
  const arn = 'arn:aws:sqs:us-east-1:000000000000:st-dlq';
  await create('st-work', {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 1 }),
  });
  await create('st-plain');
  // The worker's record (src/worker/dead-letter.ts) on two messages it sent to the DLQ.
  for (const n of [1, 2])
    await send('st-dlq', `{"job":${n}}`, {
      'sluice.error': `PermanentError: job ${n} is malformed`,
      'sluice.sourceQueue': 'st-work',
      'sluice.messageId': `orig-${n}`,
    });
  // One moved by SQS's own redrive: received once (maxReceiveCount 1), then received again.
  await send('st-work', 'poison');
  for (let i = 0; i < 2; i++)
    await t.sqs.send(new ReceiveMessageCommand({ QueueUrl: urls['st-work'], VisibilityTimeout: 0 }));
  await send('st-work', 'ready');
  await send('st-work', 'held');
  await t.sqs.send(new ReceiveMessageCommand({ QueueUrl: urls['st-work'], VisibilityTimeout: 300 }));
  await send('st-work', 'later', {}, 600);
});
after(() => t.close());

describe('sluice stats', () => {
  it('shows visible, in flight, delayed, the oldest age (from a sluice server), and DLQ depth', async () => {
    const table = rows(await ok(t, 'stats', '--prefix', 'st-'));
    // The ages come from the server's clock (seconds since the messages were sent): whole seconds.
    for (const row of table.slice(1)) assert.match(row[4]!, /^\d+$/, `${row[0]}: oldest age`);
    assert.equal(table[2]![4], '0', 'an empty queue has no old message');
    assert.deepEqual(
      table.map((r) => r.map((cell, i) => (i === 4 && r !== table[0] ? '#' : cell))),
      [
        ['QUEUE', 'VISIBLE', 'IN FLIGHT', 'DELAYED', 'OLDEST', 'DLQ', 'DLQ DEPTH'],
        ['st-dlq', '3', '0', '0', '#', '–', '–'],
        ['st-plain', '0', '0', '0', '#', '–', '–'],
        ['st-work', '1', '1', '1', '#', 'st-dlq', '3'],
      ],
    );
    const json = await okJson<QueueRow[]>(t, 'stats', '--prefix', 'st-w');
    assert.equal(typeof json[0]?.oldestAgeSeconds, 'number');
    assert.deepEqual(
      json.map((q) => ({ ...q, oldestAgeSeconds: null })),
      [
        {
          name: 'st-work',
          url: urls['st-work'],
          visible: 1,
          inFlight: 1,
          delayed: 1,
          oldestAgeSeconds: null,
          dlq: { name: 'st-dlq', visible: 3 },
        },
      ],
    );
  });

  it('--watch refreshes every interval until Ctrl-C, then exits 0', async () => {
    const child = start(t, 'stats', '--watch', '--interval', '1', '--prefix', 'st-p', '--json');
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (out.split('\n').length > 2) child.kill('SIGINT');
    });
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
    const snapshots = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { at: string; queues: QueueRow[] });
    assert.ok(snapshots.length >= 2);
    for (const s of snapshots)
      assert.deepEqual(
        s.queues.map((q) => q.name),
        ['st-plain'],
      );
  });

  it('refuses bad values by name', async () => {
    await Promise.all([
      fails(
        t,
        'sluice: --interval must be an integer 1–3600, got "0"',
        'stats',
        '--watch',
        '--interval',
        '0',
      ),
      fails(t, 'sluice: --interval needs --watch', 'stats', '--interval', '5'),
    ]);
  });
});

describe('sluice dlq', () => {
  it('list: the DLQ’s depth and its sources, named by the DLQ or by a source', async () => {
    const expected = [
      ['DLQ', 'VISIBLE', 'IN FLIGHT'],
      ['st-dlq', '3', '0'],
      ['SOURCE QUEUE', 'MAX RECEIVES', 'VISIBLE', 'IN FLIGHT'],
      ['st-work', '1', '1', '1'],
    ];
    const [byDlq, bySource] = await Promise.all([
      ok(t, 'dlq', 'list', 'st-dlq'),
      ok(t, 'dlq', 'list', 'st-work'),
    ]);
    assert.deepEqual(rows(byDlq.replace('\n\n', '\n')), expected);
    assert.equal(bySource, byDlq);
    const json = await okJson<{ dlq: { name: string; visible: number }; sources: { name: string }[] }>(
      t,
      ...['dlq', 'list', urls['st-work']!],
    );
    assert.deepEqual(
      [json.dlq.name, json.dlq.visible, json.sources.map((s) => s.name)],
      ['st-dlq', 3, ['st-work']],
    );
  });

  it('list without a queue: every DLQ with its depth and source queues', async () => {
    await create('st-other', {
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:st-dlq',
        maxReceiveCount: 5,
      }),
    });
    await create('st-gone'); // a DLQ deleted after its source was set up
    await create('st-lost', {
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:st-gone',
        maxReceiveCount: 2,
      }),
    });
    await t.sqs.send(new DeleteQueueCommand({ QueueUrl: urls['st-gone'] }));
    try {
      assert.deepEqual(rows(await ok(t, 'dlq', 'list')), [
        ['DLQ', 'VISIBLE', 'IN FLIGHT', 'SOURCE QUEUES'],
        ['st-dlq', '3', '0', 'st-other, st-work'],
        ['st-gone', '–', '–', 'st-lost'],
      ]);
      const json = await okJson<{ name: string; visible: number | null; sources: { name: string }[] }[]>(
        t,
        'dlq',
        'list',
      );
      assert.deepEqual(
        json.map((d) => [d.name, d.visible, d.sources.map((s) => s.name)]),
        [
          ['st-dlq', 3, ['st-other', 'st-work']],
          ['st-gone', null, ['st-lost']],
        ],
      );
    } finally {
      for (const name of ['st-other', 'st-lost'])
        await t.sqs.send(new DeleteQueueCommand({ QueueUrl: urls[name] }));
    }
  });

  it('show: says how many of how many it shows', async () => {
    const text = await ok(t, 'dlq', 'show', 'st-dlq', '--max', '2');
    assert.match(text, /\n\nshowing 2 of 3 message\(s\) in st-dlq, left in place/);
    assert.match(await ok(t, 'dlq', 'show', 'st-dlq'), /\n\n3 message\(s\) in st-dlq, left in place/);
    const json = await okJson<{ total: number; messages: unknown[] }>(
      t,
      'dlq',
      'show',
      'st-dlq',
      '--max',
      '1',
    );
    assert.deepEqual([json.total, json.messages.length], [3, 1]);
  });

  it('show: bodies, the worker’s record and receive counts, leaving the messages in place', async () => {
    const table = rows(await ok(t, 'dlq', 'show', 'st-work'));
    assert.deepEqual(table[0], ['MESSAGE ID', 'SENT', 'RECEIVES', 'SOURCE', 'ERROR', 'BODY']);
    const recorded = table.find((r) => r[0] === 'orig-1');
    assert.deepEqual(
      [recorded?.[3], recorded?.[4], recorded?.[5]],
      ['st-work', 'PermanentError: job 1 is malformed', '{"job":1}'],
    );
    assert.deepEqual(await depth('st-dlq'), [3, 0], 'nothing consumed, nothing left invisible');

    const { messages } = await okJson<{ messages: FailedMessage[] }>(
      t,
      'dlq',
      'show',
      'st-dlq',
      '--max',
      '2',
    );
    assert.equal(messages.length, 2);
    const all = (await okJson<{ messages: FailedMessage[] }>(t, 'dlq', 'show', 'st-dlq')).messages;
    const poison = all.find((m) => m.body === 'poison');
    assert.equal(poison?.error, null, 'moved by SQS, not by a worker: no record');
    assert.equal(poison?.sourceQueue, 'st-work');
    assert.ok((poison?.receiveCount ?? 0) >= 2);
    const one = all.find((m) => m.originalMessageId === 'orig-1');
    assert.equal(one?.messageAttributes['sluice.error'], 'PermanentError: job 1 is malformed');
    assert.deepEqual(await depth('st-dlq'), [3, 0]);
  });

  it('redrive: moves every message back to the source with progress, then reports completion', async () => {
    const out = await ok(t, 'dlq', 'redrive', 'st-dlq', '--rate', '2');
    const lines = out.trim().split('\n');
    for (const line of lines.slice(0, -1)) assert.match(line, /^st-dlq → st-work: \d\/3 moved$/);
    assert.equal(lines.at(-1), 'redrive of st-dlq completed: 3 message(s) moved');
    assert.ok(lines.length >= 3, `progress lines expected:\n${out}`);
    assert.deepEqual(await depth('st-dlq'), [0, 0]);
    assert.equal((await depth('st-work'))[0], 4);
    const json = await okJson<{ status: string; moved: number }>(t, 'dlq', 'redrive', 'st-work');
    assert.deepEqual([json.status, json.moved], ['COMPLETED', 0]);
  });

  it('redrive: Ctrl-C cancels the move task and exits 1 naming how far it got', async () => {
    for (let i = 0; i < 6; i++) await send('st-dlq', `slow-${i}`);
    const child = start(t, 'dlq', 'redrive', 'st-dlq', '--rate', '1');
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d;
    });
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (/: [1-9]\d*\/6 moved/.test(out)) child.kill('SIGINT');
    });
    const [code] = await once(child, 'exit');
    assert.equal(code, 1, out);
    assert.equal(err.split('\n')[0], targetLine(t));
    assert.deepEqual(reasons(err), [err.split('\n')[1]]);
    assert.match(reasons(err)[0]!, /^sluice: redrive of st-dlq cancelled after \d message\(s\)$/);
    const [visible] = await depth('st-dlq');
    assert.ok(visible! > 0 && visible! < 6, `some moved, some left: ${visible}`);
    await ok(t, 'purge', 'st-dlq', '--yes');
  });

  it('refuses a queue that is no DLQ, unknown queues and bad values, one line each', async () => {
    await Promise.all([
      fails(t, /^sluice: st-plain is not a dead-letter queue and has none/, 'dlq', 'list', 'st-plain'),
      fails(t, 'sluice: st-nope: The specified queue does not exist.', 'dlq', 'show', 'st-nope'),
      fails(
        t,
        'sluice: --max must be an integer 1–1000, got "lots"',
        'dlq',
        'show',
        'st-dlq',
        '--max',
        'lots',
      ),
      fails(t, 'sluice: --rate must be an integer 1–500, got "0"', 'dlq', 'redrive', 'st-dlq', '--rate', '0'),
      fails(
        t,
        'sluice: st-nope: The specified queue does not exist.',
        'dlq',
        'redrive',
        'st-dlq',
        '--to',
        'st-nope',
      ),
    ]);
  });
});
