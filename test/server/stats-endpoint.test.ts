/** GET /stats: the store's counts and oldest-message ages, which the SQS API itself does not carry. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ManualClock } from '../../src/time/clock.ts';
import { startTestServer } from './harness.ts';

it('answers every queue with its counts and the age of its oldest message, on the server clock', async () => {
  const clock = new ManualClock();
  const { store, url, close } = await startTestServer({ clock });
  try {
    const { QueueUrl } = await store.createQueue({ QueueName: 'aging' });
    await store.createQueue({ QueueName: 'empty' });
    await store.sendMessage({ QueueUrl, MessageBody: 'old' });
    await clock.advance(90_000);
    await store.sendMessage({ QueueUrl, MessageBody: 'new' });
    const res = await fetch(`${url}/stats`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    const { queues } = (await res.json()) as {
      queues: { name: string; visible: number; oldestAgeSeconds: number }[];
    };
    assert.deepEqual(
      queues.map((q) => [q.name, q.visible, q.oldestAgeSeconds]),
      [
        ['aging', 2, 90],
        ['empty', 0, 0],
      ],
    );
  } finally {
    await close();
  }
});

it('is not offered by a server with --auth (it is unsigned)', async () => {
  const { url, close } = await startTestServer({ keys: new Map([['AKID', 'secret']]) });
  try {
    const res = await fetch(`${url}/stats`);
    assert.equal(res.status, 403);
  } finally {
    await close();
  }
});
