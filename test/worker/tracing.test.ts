/**
 * Tracing across the queue in the worker, with the real OpenTelemetry SDK
 * (in-memory exporter): a CONSUMER span per message that continues the
 * producer's trace (child of its span, and linked to it), carries the queue,
 * message id, receive count and outcome, and is the active span while the
 * handler runs; a batch handler runs in one span linking every producer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { currentTracing, traceHeaderAttribute } from '../../src/observe/tracing.ts';
import { defineWorker } from '../../src/worker/define.ts';
import { startWorker } from '../../src/worker/worker.ts';
import { installTracing, type TestTracing } from '../support/otel.ts';
import { createQueue, queueWithDlq, stats, until, useEnv } from './harness.ts';

let otel: TestTracing;
before(() => {
  otel = installTracing();
});
after(() => otel.uninstall());

const tracer = () => trace.getTracer('test');
const processSpans = (queue: string) => otel.spans().filter((s) => s.name === `process ${queue}`);
const byMessage = (spans: ReadableSpan[], id: string) =>
  spans.filter((s) => s.attributes['messaging.message.id'] === id);

describe('worker tracing', () => {
  const env = useEnv();

  it('continues the producer’s trace into the handler, one span per message and delivery, with its outcome', async () => {
    const { url } = await queueWithDlq(env.store, 'traced', 2, { VisibilityTimeout: '5' });
    const tracing = currentTracing();
    // The producer: a request span, and the send in it (as the scheduler sends).
    const sent = await tracer().startActiveSpan('checkout', async (request) => {
      const send = (MessageBody: string) =>
        tracing.sending('traced', (header) =>
          env.store.sendMessage({ QueueUrl: url, MessageBody, ...traceHeaderAttribute(header) }),
        );
      const ids = { ok: (await send('ok')).MessageId, bad: (await send('bad')).MessageId };
      request.end();
      return ids;
    });
    const plain = (await env.store.sendMessage({ QueueUrl: url, MessageBody: 'untraced' })).MessageId;

    const active: Record<string, string | undefined> = {};
    const worker = startWorker(
      defineWorker({
        queue: 'traced',
        backoff: { baseSeconds: 1, maxSeconds: 1 },
        handler: async (m) => {
          active[`${m.body}#${m.receiveCount}`] = trace.getActiveSpan()?.spanContext().spanId;
          tracer().startSpan('handler work').end();
          if (m.body === 'bad') throw new Error('cannot do it');
        },
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger },
    );
    await until(async () => (await stats(env.store, 'traced-dlq')).visible === 1, env.clock, { stepMs: 500 });
    await until(() => processSpans('traced').length === 4, env.clock, { stepMs: 5 });
    await worker.stop();

    const sends = otel.spans().filter((s) => s.name === 'send traced');
    assert.equal(sends.length, 2);
    const checkout = otel.spans().find((s) => s.name === 'checkout')!;
    for (const s of sends) {
      assert.equal(s.kind, SpanKind.PRODUCER);
      assert.equal(s.parentSpanContext?.spanId, checkout.spanContext().spanId);
    }
    const producerOf = (id: string) =>
      sends.find(
        (s) => s.spanContext().traceId === byMessage(processSpans('traced'), id)[0]?.spanContext().traceId,
      )!;

    const spans = processSpans('traced');
    const [ok] = byMessage(spans, sent.ok);
    assert.ok(ok);
    const producer = producerOf(sent.ok);
    assert.equal(ok.kind, SpanKind.CONSUMER);
    assert.equal(ok.spanContext().traceId, checkout.spanContext().traceId, 'the trace continues');
    assert.equal(ok.parentSpanContext?.spanId, producer.spanContext().spanId);
    assert.deepEqual(
      ok.links.map((l) => l.context.spanId),
      [producer.spanContext().spanId],
    );
    assert.deepEqual(ok.attributes, {
      'messaging.system': 'aws_sqs',
      'messaging.destination.name': 'traced',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.message.id': sent.ok,
      'sluice.receive_count': 1,
      'sluice.outcome': 'succeeded',
    });
    assert.equal(active['ok#1'], ok.spanContext().spanId, 'the handler runs in the message’s span');
    const work = otel.spans().filter((s) => s.name === 'handler work');
    assert.ok(work.some((s) => s.parentSpanContext?.spanId === ok.spanContext().spanId));

    const bad = byMessage(spans, sent.bad).sort(
      (a, b) => Number(a.attributes['sluice.receive_count']) - Number(b.attributes['sluice.receive_count']),
    );
    assert.deepEqual(
      bad.map((s) => [s.attributes['sluice.receive_count'], s.attributes['sluice.outcome'], s.status.code]),
      [
        [1, 'retried', SpanStatusCode.ERROR],
        [2, 'dead-lettered', SpanStatusCode.ERROR],
      ],
    );
    assert.equal(bad[0]?.events[0]?.name, 'exception');
    assert.equal(bad[1]?.spanContext().traceId, checkout.spanContext().traceId);

    const [untraced] = byMessage(spans, plain);
    assert.ok(untraced);
    assert.equal(untraced.parentSpanContext, undefined, 'a message without a trace starts one');
    assert.deepEqual(untraced.links, []);
  });

  it('continues a W3C traceparent carried in the message attributes', async () => {
    const url = await createQueue(env.store, 'w3c');
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await env.store.sendMessage({
      QueueUrl: url,
      MessageBody: 'x',
      MessageAttributes: {
        traceparent: { DataType: 'String', StringValue: `00-${traceId}-00f067aa0ba902b7-01` },
      },
    });
    const worker = startWorker(defineWorker({ queue: 'w3c', handler: () => {} }), {
      client: env.store,
      clock: env.clock,
      logger: env.log.logger,
    });
    await until(() => processSpans('w3c').length === 1, env.clock, { stepMs: 5 });
    await worker.stop();
    const [span] = processSpans('w3c');
    assert.equal(span?.spanContext().traceId, traceId);
    assert.equal(span?.parentSpanContext?.spanId, '00f067aa0ba902b7');
  });

  it('runs a batch handler in one span linking every producer, with a span per message under it', async () => {
    const url = await createQueue(env.store, 'batched', { VisibilityTimeout: '30' });
    const headers = [
      'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
      'Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1',
    ];
    const ids: string[] = [];
    for (const [i, h] of headers.entries())
      ids.push(
        (await env.store.sendMessage({ QueueUrl: url, MessageBody: `b${i}`, ...traceHeaderAttribute(h) }))
          .MessageId,
      );
    const active: (string | undefined)[] = [];
    const worker = startWorker(
      defineWorker({
        queue: 'batched',
        batchSize: 10,
        batchHandler: async (messages) => {
          active.push(trace.getActiveSpan()?.spanContext().spanId);
          return {
            batchItemFailures: messages
              .filter((m) => m.body === 'b1')
              .map((m) => ({ itemIdentifier: m.messageId })),
          };
        },
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger },
    );
    // b1 comes back after its retry delay and fails again; its first delivery is what is checked.
    await until(() => processSpans('batched').length >= 3, env.clock, { stepMs: 5 });
    await worker.stop();
    const spans = processSpans('batched');
    const batch = spans.find((s) => s.attributes['messaging.batch.message_count'] === 2)!;
    assert.ok(batch);
    assert.equal(active[0], batch.spanContext().spanId, 'the handler runs in the batch’s span');
    assert.deepEqual(batch.links.map((l) => l.context.spanId).sort(), [
      '53995c3f42cd8ad8',
      '7fa8c0f79203be72',
    ]);
    assert.deepEqual(
      ids.map((id) => {
        const [s] = byMessage(spans, id);
        return [s?.parentSpanContext?.spanId === batch.spanContext().spanId, s?.attributes['sluice.outcome']];
      }),
      [
        [true, 'succeeded'],
        [true, 'retried'],
      ],
    );
  });
});
