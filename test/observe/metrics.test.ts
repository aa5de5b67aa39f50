import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { createWorkerMetrics } from '../../src/observe/metrics.ts';

/**
 * The value of one sample, e.g. `sample(text, 'sluice_messages_in_flight', { queue: 'jobs' })`;
 * label order is free in the exposition format, so lines are matched by label set.
 */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries({ worker_id: 'w-1', ...labels })
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const m = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
    if (m?.[1] === name && m[2]?.split(',').sort().join(',') === want) return Number(m[3]);
  }
  return undefined;
}

function setup() {
  const registry = new Registry();
  registry.setDefaultLabels({ worker_id: 'w-1' });
  return { registry, metrics: createWorkerMetrics(registry) };
}

describe('createWorkerMetrics', () => {
  const jobs = { queue: 'jobs' };

  it('counts each event under the queue and worker_id labels', async () => {
    const { registry, metrics } = setup();
    metrics.received('jobs', 3, [1, 2]);
    metrics.processed('jobs', 0.02);
    metrics.processed('jobs', 0.03);
    metrics.failed('jobs');
    metrics.retried('jobs');
    metrics.deadLettered('jobs');
    metrics.emptyReceive('jobs');
    metrics.emptyReceive('other');
    const text = await registry.metrics();
    assert.equal(sample(text, 'sluice_messages_received_total', jobs), 3);
    assert.equal(sample(text, 'sluice_messages_processed_total', jobs), 2);
    assert.equal(sample(text, 'sluice_messages_failed_total', jobs), 1);
    assert.equal(sample(text, 'sluice_messages_retried_total', jobs), 1);
    assert.equal(sample(text, 'sluice_messages_dead_lettered_total', jobs), 1);
    assert.equal(sample(text, 'sluice_receives_empty_total', jobs), 1);
    assert.equal(sample(text, 'sluice_receives_empty_total', { queue: 'other' }), 1);
  });

  it('tracks in-flight messages as a gauge moved by deltas', async () => {
    const { registry, metrics } = setup();
    metrics.inFlight('jobs', 10);
    metrics.inFlight('jobs', -1);
    metrics.inFlight('jobs', -2);
    assert.equal(sample(await registry.metrics(), 'sluice_messages_in_flight', jobs), 7);
  });

  it('observes handler, receive and lag durations in seconds; a negative lag counts as 0', async () => {
    const { registry, metrics } = setup();
    metrics.processed('jobs', 0.2);
    metrics.receiveDuration('jobs', 20);
    metrics.received('jobs', 2, [-3, 90]);
    metrics.waited('jobs', 0.003);
    metrics.waited('jobs', -1);
    const text = await registry.metrics();
    assert.equal(sample(text, 'sluice_handler_duration_seconds_sum', jobs), 0.2);
    assert.equal(sample(text, 'sluice_handler_duration_seconds_bucket', { ...jobs, le: '0.25' }), 1);
    assert.equal(sample(text, 'sluice_handler_duration_seconds_bucket', { ...jobs, le: '0.1' }), 0);
    assert.equal(sample(text, 'sluice_receive_duration_seconds_bucket', { ...jobs, le: '20' }), 1);
    assert.equal(sample(text, 'sluice_message_lag_seconds_count', jobs), 2);
    assert.equal(sample(text, 'sluice_message_lag_seconds_sum', jobs), 90);
    assert.equal(sample(text, 'sluice_message_lag_seconds_bucket', { ...jobs, le: '0.1' }), 1);
    assert.equal(sample(text, 'sluice_message_wait_seconds_count', jobs), 2);
    assert.equal(sample(text, 'sluice_message_wait_seconds_sum', jobs), 0.003);
    assert.equal(sample(text, 'sluice_message_wait_seconds_bucket', { ...jobs, le: '0.001' }), 1);
    assert.equal(sample(text, 'sluice_message_wait_seconds_bucket', { ...jobs, le: '0.005' }), 2);
  });

  it('initQueue shows every series at 0 before the first event', async () => {
    const { registry, metrics } = setup();
    metrics.initQueue('jobs');
    const text = await registry.metrics();
    for (const name of [
      'sluice_messages_received_total',
      'sluice_messages_processed_total',
      'sluice_messages_failed_total',
      'sluice_messages_retried_total',
      'sluice_messages_dead_lettered_total',
      'sluice_receives_empty_total',
      'sluice_messages_in_flight',
      'sluice_handler_duration_seconds_count',
      'sluice_receive_duration_seconds_count',
      'sluice_message_lag_seconds_count',
      'sluice_message_wait_seconds_count',
    ]) {
      assert.equal(sample(text, name, jobs), 0, name);
    }
  });

  it('returns the same metrics for the same registry and collects default metrics once', async () => {
    const { registry, metrics } = setup();
    assert.equal(createWorkerMetrics(registry), metrics);
    const text = await registry.metrics();
    assert.match(text, /^process_cpu_user_seconds_total\{worker_id="w-1"\} /m);
    assert.match(text, /^nodejs_eventloop_lag_seconds\{worker_id="w-1"\} /m);
    assert.equal(text.match(/^# TYPE process_cpu_user_seconds_total /gm)?.length, 1);
  });

  it('keeps registries apart, and never uses the global one by default', async () => {
    const a = createWorkerMetrics();
    const b = createWorkerMetrics();
    assert.notEqual(a.registry, b.registry);
    a.failed('jobs');
    assert.match(await a.registry.metrics(), /^sluice_messages_failed_total\{queue="jobs"\} 1$/m);
    assert.doesNotMatch(await b.registry.metrics(), /^sluice_messages_failed_total\{/m);
  });
});
