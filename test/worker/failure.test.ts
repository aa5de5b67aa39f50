/** Failed messages come back after a backoff; permanent failures go straight to the DLQ with the error. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { defineWorker } from '../../src/worker/define.ts';
import { PermanentError } from '../../src/worker/errors.ts';
import { startWorker } from '../../src/worker/worker.ts';
import {
  advance,
  createQueue,
  drainQueue,
  queueWithDlq,
  send,
  stats,
  stopWorker,
  until,
  useEnv,
} from './harness.ts';

describe('failures', () => {
  const env = useEnv();

  const elapsed = (start: number) => env.clock.now() - start;

  it('a failed message comes back after the backoff, not the visibility timeout, its receive count growing', async () => {
    const url = await createQueue(env.store, 'jobs');
    await send(env.store, url, ['flaky']);
    const start = env.clock.now();
    const deliveries: { at: number; receiveCount: number }[] = [];
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        visibilityTimeout: 600,
        backoff: { baseSeconds: 10, maxSeconds: 900 },
        // The store wakes a long poll early only when a visibility is set to 0, not shortened to 10 s;
        // 1-s polls keep the timing exact here (Amazon SQS returns the message as it becomes visible).
        waitTimeSeconds: 1,
        handler: (m, ctx) => {
          assert.equal(ctx.receiveCount, m.receiveCount);
          deliveries.push({ at: elapsed(start), receiveCount: m.receiveCount });
          if (m.receiveCount < 3) throw new Error('not yet');
        },
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger, random: () => 1 },
    );
    await until(() => deliveries.length === 3, env.clock, { stepMs: 500 });
    // random() = 1: the full ceiling, 10 s after the first failure and 20 s after the second.
    assert.deepEqual(
      deliveries.map((d) => d.receiveCount),
      [1, 2, 3],
    );
    assert.ok(
      deliveries[1] && deliveries[1].at >= 10_000 && deliveries[1].at <= 11_000,
      `${deliveries[1]?.at}`,
    );
    assert.ok(
      deliveries[2] &&
        deliveries[2].at - deliveries[1].at >= 20_000 &&
        deliveries[2].at - deliveries[1].at <= 21_000,
    );
    await until(async () => (await stats(env.store, 'jobs')).inFlight === 0, env.clock, { stepMs: 5 });
    assert.equal((await stats(env.store, 'jobs')).visible, 0);
    assert.ok(env.log.lines.some((l) => l.msg === 'handler failed; retrying' && l.retryInSeconds === 10));
    await worker.stop();
  });

  it('a failure on receive number maxReceiveCount dead-letters it with the error recorded (not a bare SQS move)', async () => {
    const { url, dlqUrl } = await queueWithDlq(env.store, 'jobs', 3);
    await send(env.store, url, ['poison']);
    let attempts = 0;
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        handler: () => {
          attempts++;
          throw new Error('always');
        },
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger, random: () => 0 },
    );
    await until(async () => (await stats(env.store, 'jobs-dlq')).visible === 1, env.clock, { stepMs: 100 });
    await until(async () => (await stats(env.store, 'jobs')).inFlight === 0, env.clock, { stepMs: 5 });
    assert.equal(attempts, 3);
    const s = await stats(env.store, 'jobs');
    assert.deepEqual([s.visible, s.inFlight], [0, 0]);
    const [moved] = await drainQueue(env.store, dlqUrl);
    assert.equal(moved?.Body, 'poison');
    const attrs = moved?.MessageAttributes ?? {};
    assert.equal(attrs['sluice.error']?.StringValue, 'Error: always', 'dlq show has a reason');
    assert.equal(attrs['sluice.receiveCount']?.StringValue, '3');
    assert.equal(attrs['sluice.sourceQueue']?.StringValue, 'jobs');
    await worker.stop();
  });

  it('a PermanentError goes straight to the DLQ with its error in the message attributes', async () => {
    const { url, dlqUrl } = await queueWithDlq(env.store, 'jobs', 5);
    await send(env.store, url, ['bad order'], () => ({
      MessageAttributes: { tenant: { DataType: 'String', StringValue: 'acme' } },
    }));
    let attempts = 0;
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        handler: () => {
          attempts++;
          throw new PermanentError('order 42 does not exist');
        },
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger },
    );
    await until(async () => (await stats(env.store, 'jobs-dlq')).visible === 1, env.clock, { stepMs: 5 });
    await until(async () => (await stats(env.store, 'jobs')).inFlight === 0, env.clock, { stepMs: 5 });
    assert.equal(attempts, 1);
    assert.equal((await stats(env.store, 'jobs')).visible, 0);
    const [copy] = await drainQueue(env.store, dlqUrl);
    assert.equal(copy?.Body, 'bad order');
    const attrs = copy?.MessageAttributes ?? {};
    assert.equal(attrs.tenant?.StringValue, 'acme');
    assert.equal(attrs['sluice.error']?.StringValue, 'PermanentError: order 42 does not exist');
    assert.equal(attrs['sluice.sourceQueue']?.StringValue, 'jobs');
    assert.equal(attrs['sluice.receiveCount']?.StringValue, '1');
    assert.ok(attrs['sluice.messageId']?.StringValue);
    await worker.stop();
  });

  it('a body that fails the schema, or is not JSON, goes to the DLQ without running the handler', async () => {
    const { url, dlqUrl } = await queueWithDlq(env.store, 'jobs', 5);
    await send(env.store, url, ['{"n":1}', '{"n":"one"}', 'not json']);
    const seen: number[] = [];
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        schema: z.object({ n: z.number() }),
        handler: (m) => void seen.push(m.body.n),
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger },
    );
    await until(async () => (await stats(env.store, 'jobs-dlq')).visible === 2, env.clock, { stepMs: 5 });
    await until(async () => (await stats(env.store, 'jobs')).inFlight === 0, env.clock, { stepMs: 5 });
    assert.deepEqual(seen, [1]);
    const errors = (await drainQueue(env.store, dlqUrl)).map(
      (m) => m.MessageAttributes?.['sluice.error']?.StringValue,
    );
    assert.deepEqual(errors.sort(), [
      'SchemaError: body fails the schema: n: Invalid input: expected number, received string',
      'SchemaError: body is not JSON: Unexpected token \'o\', "not json" is not valid JSON',
    ]);
    await worker.stop();
  });

  it('records what fits when the message already has 10 attributes, and says what it left out', async () => {
    const { url, dlqUrl } = await queueWithDlq(env.store, 'jobs', 5);
    const ten = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: String(i) }]),
    );
    await send(env.store, url, ['full'], () => ({ MessageAttributes: ten }));
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        handler: () => {
          throw new PermanentError('nope');
        },
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger },
    );
    await until(async () => (await stats(env.store, 'jobs-dlq')).visible === 1, env.clock, { stepMs: 5 });
    const [copy] = await drainQueue(env.store, dlqUrl);
    assert.deepEqual(Object.keys(copy?.MessageAttributes ?? {}).sort(), Object.keys(ten).sort());
    const line = env.log.lines.find((l) => Array.isArray(l.dropped));
    assert.deepEqual(line?.dropped, [
      'sluice.error',
      'sluice.sourceQueue',
      'sluice.messageId',
      'sluice.receiveCount',
    ]);
    await worker.stop();
  });

  it('with no DLQ configured, a PermanentError is logged and retried with the maximum backoff', async () => {
    const url = await createQueue(env.store, 'jobs');
    await send(env.store, url, ['stuck']);
    let attempts = 0;
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        backoff: { baseSeconds: 1, maxSeconds: 120 },
        handler: () => {
          attempts++;
          throw new PermanentError('nope');
        },
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger },
    );
    await until(() => env.log.lines.some((l) => /cannot dead-letter/.test(String(l.msg))), env.clock, {
      stepMs: 5,
    });
    const line = env.log.lines.find((l) => /cannot dead-letter/.test(String(l.msg)));
    assert.equal(line?.retryInSeconds, 120);
    assert.match(String(line?.reason), /no RedrivePolicy/);
    await advance(env.clock, 110_000);
    assert.equal(attempts, 1);
    const s = await stats(env.store, 'jobs');
    assert.deepEqual([s.visible, s.inFlight], [0, 1]); // kept, not lost
    await until(() => attempts === 2, env.clock, { stepMs: 1000 });
    await stopWorker(worker, env.clock);
  });

  it('FIFO: a PermanentError lands in the FIFO DLQ in its message group', async () => {
    const { url, dlqUrl } = await queueWithDlq(env.store, 'jobs.fifo', 5, { FifoQueue: 'true' });
    await send(env.store, url, ['x'], () => ({ MessageGroupId: 'g1', MessageDeduplicationId: 'd1' }));
    const worker = startWorker(
      defineWorker({
        queue: 'jobs.fifo',
        handler: () => {
          throw new PermanentError('nope');
        },
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger },
    );
    await until(async () => (await stats(env.store, 'jobs-dlq.fifo')).visible === 1, env.clock, {
      stepMs: 5,
    });
    const [copy] = await drainQueue(env.store, dlqUrl);
    assert.equal(copy?.Attributes?.MessageGroupId, 'g1');
    await worker.stop();
  });
});
