/**
 * FIFO under concurrent consumers: 5 groups × 50 messages, 4 receive/delete loops running at once.
 * Each group must be consumed strictly in send order, every message exactly once, and no group may be
 * handed to a second receiver while the first still holds any of its messages. The clock never moves,
 * so no visibility timeout expires and nothing is redelivered.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../src/store/store.ts';
import { ManualClock } from '../../src/time/clock.ts';
import type { StoreFactory } from './contract/harness.ts';
import { createFifo } from './contract/harness.ts';
import { sqliteFileFactory, sqliteMemoryFactory } from './factories.ts';

const GROUPS = 5;
const PER_GROUP = 50;
const RECEIVERS = 4;
const TOTAL = GROUPS * PER_GROUP;

/** group → receiver that holds it, and whether that receiver has started deleting (releasing) it. */
type Holder = { receiver: number; releasing: boolean };

async function sendAll(store: Store, QueueUrl: string): Promise<void> {
  // Interleave the groups so that every receive has several groups to choose from.
  for (let i = 0; i < PER_GROUP; i++) {
    const Entries = Array.from({ length: GROUPS }, (_, g) => ({
      Id: `g${g}-${i}`,
      MessageBody: `g${g}:${i}`,
      MessageGroupId: `g${g}`,
      MessageDeduplicationId: `g${g}-${i}`,
    }));
    const out = await store.sendMessageBatch({ QueueUrl, Entries });
    assert.equal(out.Failed.length, 0);
  }
}

async function consume(store: Store, QueueUrl: string): Promise<{ consumed: number; receives: number }> {
  const next = new Map<string, number>(); // group → index of the next body expected
  const holders = new Map<string, Holder>();
  const perReceiver = new Array<number>(RECEIVERS).fill(0);
  let consumed = 0;
  let receives = 0;

  async function loop(receiver: number): Promise<void> {
    let idle = 0;
    while (consumed < TOTAL) {
      receives++;
      const max = 1 + ((receiver + receives) % 4); // 1–4, varying
      const { Messages = [] } = await store.receiveMessage({ QueueUrl, MaxNumberOfMessages: max });
      if (Messages.length === 0) {
        if (++idle > 200) assert.fail(`receiver ${receiver} starved with ${consumed}/${TOTAL} consumed`);
        await new Promise((r) => setImmediate(r));
        continue;
      }
      idle = 0;
      const mine = new Set<string>();
      for (const m of Messages) {
        const [group, index] = m.Body.split(':') as [string, string];
        const holder = holders.get(group);
        if (holder && holder.receiver !== receiver && !holder.releasing && !mine.has(group)) {
          assert.fail(
            `group ${group} handed to receiver ${receiver} while receiver ${holder.receiver} holds it`,
          );
        }
        holders.set(group, { receiver, releasing: false });
        mine.add(group);
        const want = next.get(group) ?? 0;
        assert.equal(Number(index), want, `group ${group}: expected body ${want}, got ${index}`);
        next.set(group, want + 1);
      }
      // "process", letting the other receivers run in between
      await new Promise((r) => setImmediate(r));
      for (const g of mine) holders.set(g, { receiver, releasing: true });
      const out = await store.deleteMessageBatch({
        QueueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      });
      assert.equal(out.Failed.length, 0, JSON.stringify(out.Failed));
      for (const g of mine) if (holders.get(g)?.receiver === receiver) holders.delete(g);
      consumed += Messages.length;
      perReceiver[receiver] = (perReceiver[receiver] ?? 0) + Messages.length;
    }
  }

  await Promise.all(Array.from({ length: RECEIVERS }, (_, r) => loop(r)));
  for (let g = 0; g < GROUPS; g++) assert.equal(next.get(`g${g}`), PER_GROUP, `group g${g} fully consumed`);
  const busy = perReceiver.filter((n) => n > 0).length;
  assert.ok(busy >= 2, `the receivers really ran concurrently (per receiver: ${perReceiver.join(', ')})`);
  return { consumed, receives };
}

function fifoConcurrency(name: string, make: StoreFactory): void {
  describe(`FIFO under concurrent receivers: ${name}`, () => {
    it(`${GROUPS} groups × ${PER_GROUP} messages, ${RECEIVERS} receivers: order per group, one holder per group`, async () => {
      const clock = new ManualClock();
      const { store, cleanup } = await make({ clock });
      try {
        const url = await createFifo(store, 'concurrent.fifo', { VisibilityTimeout: '300' });
        await sendAll(store, url);
        const { consumed } = await consume(store, url);
        assert.equal(consumed, TOTAL, 'every message exactly once');
        const { Messages = [] } = await store.receiveMessage({ QueueUrl: url, MaxNumberOfMessages: 10 });
        assert.deepEqual(Messages, []);
      } finally {
        await cleanup();
      }
    });
  });
}

fifoConcurrency('SQLite in memory', sqliteMemoryFactory);
fifoConcurrency('SQLite file', sqliteFileFactory);
