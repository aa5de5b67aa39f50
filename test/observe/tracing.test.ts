/**
 * The producer side of tracing across the queue, with the real OpenTelemetry
 * SDK (in-memory exporter): X-Ray ⇄ W3C ids, the active span as a trace
 * header, and the scheduler's send as a PRODUCER span whose header the
 * message carries.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SpanKind, trace } from '@opentelemetry/api';
import {
  currentTracing,
  environmentTraceHeader,
  parseTraceparent,
  parseXrayHeader,
  xrayHeader,
} from '../../src/observe/tracing.ts';
import { defineSchedule } from '../../src/scheduler/define.ts';
import { sendTick } from '../../src/scheduler/send.ts';
import { kit } from '../scheduler/helpers.ts';
import { installTracing, type TestTracing } from '../support/otel.ts';

const HEADER = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
const IDS = { traceId: '5759e988bd862e3fe1be46a994272793', spanId: '53995c3f42cd8ad8', sampled: true };

let otel: TestTracing;
before(() => {
  otel = installTracing();
});
after(() => otel.uninstall());

describe('trace headers', () => {
  it('converts between X-Ray headers and W3C ids', () => {
    assert.deepEqual(parseXrayHeader(HEADER), IDS);
    assert.equal(xrayHeader(IDS), HEADER);
    assert.deepEqual(parseXrayHeader('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8'), {
      ...IDS,
      sampled: false,
    });
    for (const bad of [
      undefined,
      '',
      'Root=1-5759e988-bd862e3fe1be46a994272793',
      'Root=2-x-y;Parent=1',
      'junk',
    ])
      assert.equal(parseXrayHeader(bad), undefined, String(bad));
    assert.deepEqual(parseTraceparent(`00-${IDS.traceId}-${IDS.spanId}-01`), IDS);
    assert.equal(parseTraceparent(`00-${'0'.repeat(32)}-${IDS.spanId}-01`), undefined);
    assert.equal(environmentTraceHeader({ TRACEPARENT: `00-${IDS.traceId}-${IDS.spanId}-01` }), HEADER);
    assert.equal(environmentTraceHeader({}), undefined);
  });

  it('gives the active span as a trace header, and none outside a span', async () => {
    const tracing = currentTracing();
    assert.equal(tracing.enabled, true);
    assert.equal(tracing.activeTraceHeader(), undefined);
    trace.getTracer('test').startActiveSpan('request', (span) => {
      assert.equal(tracing.activeTraceHeader(), xrayHeader({ ...span.spanContext(), sampled: true }));
      span.end();
    });
  });
});

describe('the scheduler', () => {
  it('sends a tick in a PRODUCER span of the current trace; the message carries it', async () => {
    const k = await kit('2026-01-01T00:00:00Z');
    try {
      const schedule = defineSchedule({
        name: 'nightly',
        cron: '0 3 * * *',
        timezone: 'UTC',
        queue: 'jobs.fifo',
      });
      await trace.getTracer('test').startActiveSpan('deploy', async (span) => {
        await sendTick(k.client, k.url, schedule, k.clock.now());
        span.end();
      });
      const deploy = otel.spans().find((s) => s.name === 'deploy')!;
      const send = otel.spans().find((s) => s.name === 'send jobs.fifo')!;
      assert.equal(send.kind, SpanKind.PRODUCER);
      assert.equal(send.parentSpanContext?.spanId, deploy.spanContext().spanId);
      assert.equal(send.attributes['messaging.destination.name'], 'jobs.fifo');
      const { Messages = [] } = await k.client.receiveMessage({
        QueueUrl: k.url,
        MessageSystemAttributeNames: ['AWSTraceHeader'],
      });
      assert.equal(
        Messages[0]?.Attributes?.AWSTraceHeader,
        xrayHeader({ ...send.spanContext(), sampled: true }),
      );
    } finally {
      await k.close();
    }
  });
});
