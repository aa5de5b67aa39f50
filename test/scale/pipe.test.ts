/**
 * runPipe against a real server over HTTP, with real child processes
 * (`node -e`) that record what they were given in files of a temp dir.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { awsClient } from '../../src/client/aws.ts';
import type { QueueClient } from '../../src/client/queue-client.ts';
import {
  MAX_SQS_BODY_BYTES,
  type PipeOptions,
  PipeSpawnError,
  type PipeSummary,
  runPipe,
} from '../../src/scale/pipe.ts';
import type { PipeRecord } from '../../src/scale/pipe-records.ts';
import { queueCounts, startTestServer, type TestServer } from '../server/harness.ts';

let t: TestServer;
let client: QueueClient;
const dirs: string[] = [];
before(async () => {
  t = await startTestServer();
  client = awsClient({ sqs: t.client() });
});
after(async () => {
  await client.close();
  await t.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value (not undefined), or fails after `ms`. */
async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-pipe-'));
  dirs.push(dir);
  return dir;
};

async function createQueue(QueueName: string, Attributes: Record<string, string> = {}) {
  const { QueueUrl } = await t.sqs.send(new CreateQueueCommand({ QueueName, Attributes }));
  const { Attributes: a } = await t.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  return { url: QueueUrl!, arn: a!.QueueArn! };
}

const counts = (QueueUrl: string) => queueCounts(t, QueueUrl);

async function sendMany(QueueUrl: string, n: number, prefix: string): Promise<string[]> {
  const calls = [];
  for (let i = 0; i < n; i += 10) {
    const Entries = Array.from({ length: Math.min(10, n - i) }, (_, j) => ({
      Id: String(j),
      MessageBody: `${prefix}-${i + j}`,
    }));
    calls.push(t.sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries })));
  }
  return (await Promise.all(calls)).flatMap((r) => (r.Successful ?? []).map((s) => s.MessageId!));
}

/**
 * Starts a pipe whose command is `node -e script`; the script sees OUT (a
 * temp dir) and SQS_BODY. `stop()` aborts it and resolves with its summary.
 */
function pipe(
  queue: { url: string; arn: string },
  script: string,
  out: string,
  options: Partial<PipeOptions> = {},
) {
  const controller = new AbortController();
  const done = runPipe({
    client,
    queue,
    command: { file: process.execPath, args: ['-e', script] },
    env: { PATH: process.env.PATH, OUT: out },
    visibilityTimeout: 30,
    signal: controller.signal,
    stdio: 'ignore',
    ...options,
  });
  return {
    done,
    async stop(): Promise<PipeSummary> {
      controller.abort();
      return done;
    },
  };
}

/** Each run writes its batch to OUT/batch-<pid>.json (renamed into place: a reader never sees half a file). */
const WRITE_BATCH = `const fs = require('fs'), file = require('path').join(process.env.OUT, 'batch-' + process.pid);
  fs.writeFileSync(file + '.tmp', process.env.SQS_BODY); fs.renameSync(file + '.tmp', file + '.json')`;

const batches = (dir: string): PipeRecord[][] =>
  readdirSync(dir)
    .filter((f) => f.startsWith('batch-') && f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as PipeRecord[]);

describe('runPipe', () => {
  it('runs a batch in a child with SQS_BODY as Pipes delivers it, and deletes it on exit 0', async () => {
    const q = await createQueue('shape');
    const out = tempDir();
    await t.sqs.send(
      new SendMessageCommand({
        QueueUrl: q.url,
        MessageBody: '{"order":1}',
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: 'invoice' },
          amount: { DataType: 'Number', StringValue: '42' },
          raw: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 255]) },
        },
      }),
    );
    await t.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'plain' }));
    const p = pipe(q, WRITE_BATCH, out, { windowSeconds: 1 });
    await until('both messages processed', () => {
      const records = batches(out).flat();
      return records.length === 2 ? records : undefined;
    });
    await until('the batch deleted', async () => {
      const c = await counts(q.url);
      return c.visible + c.inFlight === 0 ? true : undefined;
    });
    const summary = await p.stop();
    assert.deepEqual(summary, { received: 2, batches: 1, succeeded: 1, partial: 0, failed: 0 });

    const [batch] = batches(out);
    const first = batch!.find((r) => r.body === '{"order":1}')!;
    const second = batch!.find((r) => r.body === 'plain')!;
    assert.deepEqual(Object.keys(first), [
      'messageId',
      'receiptHandle',
      'body',
      'attributes',
      'messageAttributes',
      'md5OfMessageAttributes',
      'md5OfBody',
      'eventSource',
      'eventSourceARN',
      'awsRegion',
    ]);
    assert.deepEqual(Object.keys(first.attributes), [
      'ApproximateReceiveCount',
      'SentTimestamp',
      'SenderId',
      'ApproximateFirstReceiveTimestamp',
    ]);
    assert.equal(first.attributes.ApproximateReceiveCount, '1');
    assert.deepEqual(first.messageAttributes, {
      kind: { stringValue: 'invoice', stringListValues: [], binaryListValues: [], dataType: 'String' },
      amount: { stringValue: '42', stringListValues: [], binaryListValues: [], dataType: 'Number' },
      raw: { binaryValue: 'AAEC/w==', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
    });
    assert.match(first.md5OfMessageAttributes!, /^[0-9a-f]{32}$/);
    assert.equal(first.md5OfBody, createHash('md5').update('{"order":1}').digest('hex'));
    assert.equal(first.eventSource, 'aws:sqs');
    assert.equal(first.eventSourceARN, q.arn);
    assert.equal(first.eventSourceARN, 'arn:aws:sqs:us-east-1:000000000000:shape');
    assert.equal(first.awsRegion, 'us-east-1');
    assert.deepEqual(second.messageAttributes, {});
    assert.equal('md5OfMessageAttributes' in second, false);
  });

  it('gives FIFO records their group, deduplication id and sequence number', async () => {
    const q = await createQueue('shape.fifo', { FifoQueue: 'true' });
    const out = tempDir();
    await t.sqs.send(
      new SendMessageCommand({
        QueueUrl: q.url,
        MessageBody: 'fifo',
        MessageGroupId: 'g1',
        MessageDeduplicationId: 'd1',
      }),
    );
    const p = pipe(q, WRITE_BATCH, out);
    const [record] = await until('the FIFO batch', () => batches(out)[0]);
    await p.stop();
    assert.deepEqual(Object.keys(record!.attributes), [
      'ApproximateReceiveCount',
      'SentTimestamp',
      'SequenceNumber',
      'MessageGroupId',
      'SenderId',
      'MessageDeduplicationId',
      'ApproximateFirstReceiveTimestamp',
    ]);
    assert.equal(record!.attributes.MessageGroupId, 'g1');
    assert.equal(record!.attributes.MessageDeduplicationId, 'd1');
    assert.equal(record!.eventSourceARN, 'arn:aws:sqs:us-east-1:000000000000:shape.fifo');
  });

  it('leaves a failed batch for retry: nothing deleted, and the redrive policy moves it to the DLQ', async () => {
    const dlq = await createQueue('flaky-dlq');
    const q = await createQueue('flaky', {
      VisibilityTimeout: '1',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
    });
    const out = tempDir();
    await t.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'poison' }));
    // Each run appends the receive count it saw, then fails.
    const script = `const [r] = JSON.parse(process.env.SQS_BODY); require('fs').appendFileSync(process.env.OUT + '/runs', r.attributes.ApproximateReceiveCount + '\\n'); process.exit(1)`;
    const p = pipe(q, script, out, { visibilityTimeout: 1 });
    await until('the message in the DLQ', async () =>
      (await counts(dlq.url)).visible === 1 ? true : undefined,
    );
    const summary = await p.stop();
    assert.equal(readFileSync(join(out, 'runs'), 'utf8'), '1\n2\n');
    assert.deepEqual(summary, { received: 2, batches: 2, succeeded: 0, partial: 0, failed: 2 });
    assert.deepEqual(await counts(q.url), { visible: 0, inFlight: 0 });
    const moved = await t.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url }));
    assert.equal(moved.Messages?.[0]?.Body, 'poison');
  });

  it('runs nothing while the queue is empty, then every message of a burst, at most --max-children at once', async () => {
    const q = await createQueue('burst');
    const out = tempDir();
    // A run takes a free slot file (O_EXCL) for as long as it runs; none free means too many at once.
    // It holds its slot until all three are taken (or 3 s pass), so three at once show however slow the machine.
    const script = `
      const fs = require('fs'), path = require('path'), out = process.env.OUT;
      let slot = -1;
      for (let i = 0; i < 3 && slot < 0; i++) {
        try { fs.writeFileSync(path.join(out, 'slot' + i), '', { flag: 'wx' }); slot = i; } catch {}
      }
      if (slot < 0) fs.writeFileSync(path.join(out, 'over-' + process.pid), '');
      else fs.writeFileSync(path.join(out, 'used-' + slot), '');
      const ids = JSON.parse(process.env.SQS_BODY).map((r) => r.messageId);
      fs.appendFileSync(path.join(out, 'runs'), ids.join(' ') + '\\n');
      const end = Date.now() + 3000;
      const release = () => {
        if (fs.existsSync(path.join(out, 'slot2')) === false && Date.now() < end) return setTimeout(release, 20);
        if (slot >= 0) fs.unlinkSync(path.join(out, 'slot' + slot));
      };
      release();`;
    const p = pipe(q, script, out, { maxChildren: 3 });
    await sleep(1800);
    assert.equal(existsSync(join(out, 'runs')), false, 'a child ran while the queue was empty');

    const ids = await sendMany(q.url, 200, 'burst');
    assert.equal(ids.length, 200);
    const seen = await until('every message processed', () => {
      if (!existsSync(join(out, 'runs'))) return undefined;
      const seen = new Set(readFileSync(join(out, 'runs'), 'utf8').split(/\s+/).filter(Boolean));
      return ids.every((id) => seen.has(id)) ? seen : undefined;
    });
    assert.equal(seen.size, 200);
    await until('the queue drained', async () => {
      const c = await counts(q.url);
      return c.visible + c.inFlight === 0 ? true : undefined;
    });
    const summary = await p.stop();
    assert.equal(summary.succeeded, summary.batches);
    assert.ok(summary.batches >= 20, `${summary.batches} batches for 200 messages of at most 10`);
    assert.deepEqual(
      readdirSync(out).filter((f) => f.startsWith('over-')),
      [],
      'more than 3 children at once',
    );
    assert.ok(existsSync(join(out, 'used-2')), 'three children never ran at once');
  });

  it('gathers more than 10 messages into one child with a batch size of 25 and a window of 1 s', async () => {
    const q = await createQueue('gather');
    const out = tempDir();
    const ids = await sendMany(q.url, 30, 'gather');
    const started = Date.now();
    const p = pipe(q, WRITE_BATCH, out, { batchSize: 25, windowSeconds: 1 });
    const all = await until('all 30 processed', () => {
      const b = batches(out);
      return b.flat().length === 30 ? b : undefined;
    });
    await p.stop();
    const sizes = all.map((b) => b.length).sort((a, b) => b - a);
    assert.equal(sizes[0], 25, `batch sizes ${sizes}`);
    assert.deepEqual(
      all
        .flat()
        .map((r) => r.messageId)
        .sort(),
      [...ids].sort(),
    );
    // The 5 left over wait for the window to close.
    assert.ok(Date.now() - started >= 1000);
  });

  it('keeps a batch within what one environment variable may hold, by the bytes received', async () => {
    // Ten 20 KB messages: one receive brings all ten (200 KB), more than SQS_BODY may hold (E2BIG).
    for (const [name, options] of [
      ['big-window', { batchSize: 100, windowSeconds: 2 }],
      ['big-one-receive', {}],
    ] as const) {
      const q = await createQueue(name);
      const out = tempDir();
      const ids = await sendMany(q.url, 10, 'x'.repeat(20_000));
      const p = pipe(q, WRITE_BATCH, out, options);
      const all = await until(`all 10 processed (${name})`, () => {
        const b = batches(out);
        return b.flat().length === 10 ? b : undefined;
      });
      await until(`the batches deleted (${name})`, async () => {
        const c = await counts(q.url);
        return c.visible + c.inFlight === 0 ? true : undefined;
      });
      const summary = await p.stop();
      assert.equal(summary.failed, 0, `${name}: ${JSON.stringify(summary)}`);
      assert.equal(summary.received, 10, name);
      assert.ok(all.length >= 2, `${name}: one batch of 200 KB`);
      for (const batch of all) assert.ok(Buffer.byteLength(JSON.stringify(batch)) <= MAX_SQS_BODY_BYTES);
      // The records cut from one receive's batch start the next: none waits out its visibility timeout.
      assert.ok(
        all.every((b) => b.every((r) => r.attributes.ApproximateReceiveCount === '1')),
        name,
      );
      assert.deepEqual(
        all
          .flat()
          .map((r) => r.messageId)
          .sort(),
        [...ids].sort(),
      );
    }
  });

  it('delivers a batch too big for SQS_BODY in the file SQS_BODY_FILE names, then removes it', async () => {
    const q = await createQueue('huge');
    const out = tempDir();
    const body = 'y'.repeat(200_000);
    await t.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: body }));
    await sendMany(q.url, 3, 'small');
    const script = `
      const fs = require('fs'), path = require('path'), file = process.env.SQS_BODY_FILE;
      const seen = { hasBody: 'SQS_BODY' in process.env, file, mode: file && (fs.statSync(file).mode & 0o777) };
      const records = JSON.parse(file ? fs.readFileSync(file, 'utf8') : process.env.SQS_BODY);
      fs.writeFileSync(path.join(process.env.OUT, 'seen-' + process.pid + '.json'), JSON.stringify({ ...seen, bodies: records.map((r) => r.body.length) }));`;
    const p = pipe(q, script, out, { batchSize: 10, windowSeconds: 1 });
    type Seen = { hasBody: boolean; file?: string; mode?: number; bodies: number[] };
    const seen = await until('all 4 processed', () => {
      const s = readdirSync(out)
        .filter((f) => f.startsWith('seen-'))
        .map((f) => JSON.parse(readFileSync(join(out, f), 'utf8')) as Seen);
      return s.flatMap((x) => x.bodies).length === 4 ? s : undefined;
    });
    await until('the batches deleted', async () => {
      const c = await counts(q.url);
      return c.visible + c.inFlight === 0 ? true : undefined;
    });
    const summary = await p.stop();
    assert.equal(summary.failed, 0);
    const big = seen.find((s) => s.bodies.includes(200_000))!;
    assert.deepEqual(big.bodies, [200_000], 'the big message goes alone');
    assert.equal(big.hasBody, false, 'SQS_BODY is set too');
    assert.equal(big.mode, 0o600);
    assert.equal(existsSync(big.file!), false, 'the file is left behind');
    for (const s of seen.filter((x) => x !== big)) assert.deepEqual([s.hasBody, s.file], [true, undefined]);
  });

  it("retries only the records a child lists in SQS_RESULT_FILE (Lambda's batchItemFailures); the rest are deleted", async () => {
    const dlq = await createQueue('partial-dlq');
    const q = await createQueue('partial', {
      VisibilityTimeout: '1',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
    });
    const out = tempDir();
    await sendMany(q.url, 4, 'good');
    await t.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'poison' }));
    // Each run appends the bodies it saw; it reports the poison message as failed and exits 0.
    const script = `
      const fs = require('fs'), records = JSON.parse(process.env.SQS_BODY);
      fs.appendFileSync(process.env.OUT + '/runs', records.map((r) => r.body + '@' + r.attributes.ApproximateReceiveCount).sort().join(' ') + '\\n');
      const failed = records.filter((r) => r.body === 'poison').map((r) => ({ itemIdentifier: r.messageId }));
      fs.writeFileSync(process.env.SQS_RESULT_FILE, JSON.stringify({ batchItemFailures: failed }));`;
    const p = pipe(q, script, out, { batchSize: 5, windowSeconds: 1, visibilityTimeout: 1 });
    await until('the poison message in the DLQ', async () =>
      (await counts(dlq.url)).visible === 1 ? true : undefined,
    );
    await until('the queue empty', async () => {
      const c = await counts(q.url);
      return c.visible + c.inFlight === 0 ? true : undefined;
    });
    const summary = await p.stop();
    const runs = readFileSync(join(out, 'runs'), 'utf8').trim().split('\n');
    assert.deepEqual(runs.join(' ').split(' ').sort(), [
      'good-0@1',
      'good-1@1',
      'good-2@1',
      'good-3@1',
      'poison@1',
      'poison@2',
    ]);
    assert.deepEqual(
      [summary.received, summary.failed, summary.succeeded + summary.partial, summary.batches],
      [6, 0, runs.length, runs.length],
    );
    assert.ok(summary.partial >= 2, JSON.stringify(summary));
    const moved = await t.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MaxNumberOfMessages: 10 }));
    assert.deepEqual(
      moved.Messages?.map((m) => m.Body),
      ['poison'],
    );
  });

  it('retries the whole batch when the report is malformed, names an unknown record, or the child fails', async () => {
    for (const [name, report, exit] of [
      ['report-malformed', 'not json', 0],
      ['report-unknown-id', '{"batchItemFailures":[{"itemIdentifier":"no-such-id"}]}', 0],
      ['report-empty-id', '{"batchItemFailures":[{"itemIdentifier":""}]}', 0],
      ['report-exit-1', '{"batchItemFailures":[]}', 1],
    ] as const) {
      const q = await createQueue(name, { VisibilityTimeout: '1' });
      const out = tempDir();
      await sendMany(q.url, 2, name);
      // The first run reports and exits as given; the second reports nothing and exits 0.
      const script = `
        const fs = require('fs'), records = JSON.parse(process.env.SQS_BODY);
        fs.appendFileSync(process.env.OUT + '/runs', records.map((r) => r.attributes.ApproximateReceiveCount).join(' ') + '\\n');
        if (records[0].attributes.ApproximateReceiveCount === '1') {
          fs.writeFileSync(process.env.SQS_RESULT_FILE, ${JSON.stringify(report)});
          process.exit(${exit});
        }`;
      const p = pipe(q, script, out, { batchSize: 2, windowSeconds: 1, visibilityTimeout: 1 });
      await until(`the batch deleted (${name})`, async () => {
        const c = await counts(q.url);
        return c.visible + c.inFlight === 0 && existsSync(join(out, 'runs')) ? true : undefined;
      });
      const summary = await p.stop();
      assert.deepEqual(
        readFileSync(join(out, 'runs'), 'utf8').split('\n').filter(Boolean).join(' ').split(' ').sort(),
        ['1', '1', '2', '2'],
        name,
      );
      assert.deepEqual([summary.received, summary.partial], [4, 0], name);
      assert.ok(summary.failed >= 1, `${name}: ${JSON.stringify(summary)}`);
    }
  });

  it('checks the command before receiving anything: not found, or not executable', async () => {
    const q = await createQueue('no-command');
    await t.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'waiting' }));
    const dir = tempDir();
    writeFileSync(join(dir, 'not-executable'), '#!/bin/sh\n', { mode: 0o644 });
    for (const [file, message] of [
      ['sluice-no-such-command', 'command not found: sluice-no-such-command'],
      [join(dir, 'missing'), `command not found: ${join(dir, 'missing')}`],
      [join(dir, 'not-executable'), `permission denied: ${join(dir, 'not-executable')}`],
      [dir, `permission denied: ${dir}`],
    ]) {
      const controller = new AbortController();
      await assert.rejects(
        runPipe({
          client,
          queue: q,
          command: { file: file!, args: [] },
          env: { PATH: process.env.PATH },
          visibilityTimeout: 30,
          signal: controller.signal,
        }),
        (err: Error) => err instanceof PipeSpawnError && err.message === message,
      );
    }
    assert.deepEqual(await counts(q.url), { visible: 1, inFlight: 0 });
    const { Messages } = await t.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: q.url,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    assert.equal(Messages?.[0]?.Attributes?.ApproximateReceiveCount, '1', 'the pipe received it');
  });

  it('stops, the batch left for retry, when the command is gone by the time a batch comes', async () => {
    const q = await createQueue('command-gone');
    const dir = tempDir();
    const file = join(dir, 'job.sh');
    writeFileSync(file, '#!/bin/sh\n', { mode: 0o755 });
    // The command is checked as runPipe starts (synchronously): it is there then.
    const running = runPipe({
      client,
      queue: q,
      command: { file, args: [] },
      env: { PATH: process.env.PATH },
      visibilityTimeout: 30,
      signal: new AbortController().signal,
    });
    rmSync(file);
    // Expected before the send: the pipe may receive the message (and stop) before the send is answered.
    const stopped = assert.rejects(running, {
      name: 'PipeSpawnError',
      message: `cannot run ${file}: command not found (ENOENT); 1 message(s) left for retry`,
    });
    await t.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'stuck' }));
    await stopped;
    assert.deepEqual(await counts(q.url), { visible: 0, inFlight: 1 });
  });

  it('hands a batch it is still gathering back at once when stopped', async () => {
    const q = await createQueue('gathering');
    const out = tempDir();
    await sendMany(q.url, 3, 'gathering');
    const p = pipe(q, WRITE_BATCH, out, { batchSize: 25, windowSeconds: 30 });
    await until('the batch held', async () => ((await counts(q.url)).inFlight === 3 ? true : undefined));
    assert.deepEqual(await p.stop(), { received: 3, batches: 0, succeeded: 0, partial: 0, failed: 0 });
    assert.deepEqual(await counts(q.url), { visible: 3, inFlight: 0 });
    assert.deepEqual(batches(out), []);
  });

  it('refuses a batch size above 10 without a window, as Pipes does', () => {
    assert.throws(
      () =>
        pipe({ url: 'http://x/000000000000/q', arn: 'arn:aws:sqs:us-east-1:000000000000:q' }, '', '', {
          batchSize: 25,
        }),
      /--batch-size above 10 needs --window of 1 second or more/,
    );
  });

  it('keeps a batch invisible while its child runs past the visibility timeout, then deletes it', async () => {
    const q = await createQueue('long-job');
    const out = tempDir();
    await t.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'slow' }));
    const script = `require('fs').writeFileSync(process.env.OUT + '/started', ''); setTimeout(() => {}, 3500)`;
    const p = pipe(q, script, out, { visibilityTimeout: 2 });
    await until('the child started', () => (existsSync(join(out, 'started')) ? true : undefined));
    const started = Date.now();
    for (const at of [2300, 3000]) {
      await sleep(at - (Date.now() - started));
      const peek = await t.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: q.url, WaitTimeSeconds: 0, VisibilityTimeout: 1 }),
      );
      assert.equal(
        peek.Messages,
        undefined,
        `the message was visible ${at} ms into a 2 s visibility timeout`,
      );
    }
    await until('the batch deleted', async () => {
      const c = await counts(q.url);
      return c.visible + c.inFlight === 0 ? true : undefined;
    });
    assert.deepEqual(await p.stop(), { received: 1, batches: 1, succeeded: 1, partial: 0, failed: 0 });
  });
});
