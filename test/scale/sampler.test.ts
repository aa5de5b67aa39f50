/**
 * queuesObserver against a real server: counts over the SQS API, ages from
 * the server's GET /stats, or (as on Amazon SQS) from CloudWatch through the
 * real SDK client and a CloudWatch endpoint, asked at most once a minute.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient } from '../../src/client/index.ts';
import { cloudWatchAges } from '../../src/scale/cloudwatch-age.ts';
import { queuesObserver } from '../../src/scale/sampler.ts';
import { ManualClock } from '../../src/time/clock.ts';
import { startTestServer, type TestServer } from '../server/harness.ts';
import { fakeCloudWatch } from './fake-cloudwatch.ts';

let t: TestServer;
const cw = fakeCloudWatch();
let cwUrl = '';
before(async () => {
  t = await startTestServer();
  cwUrl = await cw.start();
});
after(async () => {
  await cw.close();
  await t.close();
});

async function twoQueues() {
  const busy = (await t.store.createQueue({ QueueName: `busy-${Math.random().toString(36).slice(2, 8)}` }))
    .QueueUrl;
  const idle = (await t.store.createQueue({ QueueName: `idle-${Math.random().toString(36).slice(2, 8)}` }))
    .QueueUrl;
  for (let i = 0; i < 3; i++) await t.store.sendMessage({ QueueUrl: busy, MessageBody: `m${i}` });
  await t.store.sendMessage({ QueueUrl: busy, MessageBody: 'later', DelaySeconds: 60 });
  await t.store.receiveMessage({ QueueUrl: busy, MaxNumberOfMessages: 1 });
  return { busy, idle, names: [busy, idle].map((u) => u.split('/').at(-1)!) };
}

describe('queuesObserver', () => {
  it('counts every queue and takes the ages from a sluice server’s GET /stats', async () => {
    const client = createClient({ endpoint: t.url, region: 'us-east-1' });
    try {
      const { busy, idle } = await twoQueues();
      const observe = queuesObserver({ client, queueUrls: [busy, idle], endpoint: t.url });
      const [b, i] = await observe();
      assert.deepEqual(
        { ...b, oldestAgeSeconds: typeof b?.oldestAgeSeconds },
        {
          visible: 2,
          inFlight: 1,
          delayed: 1,
          oldestAgeSeconds: 'number',
        },
      );
      assert.deepEqual(i, { visible: 0, inFlight: 0, delayed: 0, oldestAgeSeconds: 0 });
    } finally {
      await client.close();
    }
  });

  it('on Amazon SQS reads the ages from CloudWatch, once a minute, in one call for all queues', async () => {
    const client = createClient({ endpoint: t.url, region: 'us-east-1' });
    const clock = new ManualClock(Date.now());
    const ages = cloudWatchAges({ endpoint: cwUrl, region: 'us-east-1', clock });
    try {
      const { busy, idle, names } = await twoQueues();
      cw.datapoints.set(names[0]!, [{ timestamp: clock.now() - 60_000, value: 420 }]);
      const observe = queuesObserver({ client, queueUrls: [busy, idle], cloudWatch: ages, clock });
      const calls = () => cw.requests.filter((r) => r.action === 'GetMetricData').length;
      const before = calls();
      const [b, i] = await observe();
      assert.equal(b?.oldestAgeSeconds, 420);
      assert.equal(i?.oldestAgeSeconds, 0, 'no datapoint and nothing visible: 0');
      assert.equal(calls() - before, 1, 'one call for both queues');
      await clock.advance(30_000);
      await observe();
      assert.equal(calls() - before, 1, 'the same minute: no new call');
      await clock.advance(30_000);
      cw.datapoints.delete(names[0]!);
      const [later] = await observe();
      assert.equal(calls() - before, 2);
      assert.equal(later?.oldestAgeSeconds, undefined, 'no datapoint while messages wait: unknown');
    } finally {
      ages.close();
      await client.close();
    }
  });
});
