/** The server's history sampler: a sample just before each minute ends, on the store's own clock. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sampleHistory } from '../../src/dashboard/sampler.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { ManualClock } from '../../src/time/clock.ts';

describe('sampleHistory', () => {
  it('samples every queue once a minute, each minute’s traffic into that minute, until stopped', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 10));
    const store = openSqliteStore({ path: ':memory:', clock });
    const lines: string[] = [];
    const stop = sampleHistory(store, { clock, log: (l) => lines.push(l) });
    try {
      const { QueueUrl } = await store.createQueue({ QueueName: 'jobs' });
      await store.sendMessage({ QueueUrl, MessageBody: 'a' });
      await clock.advance(60_000); // 12:01:10: one sample taken at 12:00:59.5
      await store.sendMessage({ QueueUrl, MessageBody: 'b' });
      await store.sendMessage({ QueueUrl, MessageBody: 'c' });
      await clock.advance(60_000);
      const { points } = await store.history({ QueueUrl, range: '1h' });
      assert.deepEqual(
        points.map((p) => [new Date(p.at).toISOString().slice(11, 16), p.sent, p.visible]),
        [
          ['12:00', 1, 1],
          ['12:01', 2, 3],
        ],
      );
      stop();
      await clock.advance(120_000);
      assert.equal((await store.history({ QueueUrl, range: '1h' })).points.length, 2, 'no sample after stop');
      assert.deepEqual(lines, []);
    } finally {
      stop();
      await store.close();
    }
  });
});
