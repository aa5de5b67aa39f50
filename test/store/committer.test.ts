/** The group committer: shared transactions, atomic operations, replay after an unexpected failure. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Committer } from '../../src/store/sqlite/committer.ts';
import Database from '../../src/store/sqlite/driver.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';

class Expected extends Error {}

function setup() {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (v TEXT)');
  let rollbacks = 0;
  const committer = new Committer(
    db,
    (e) => e instanceof Expected,
    () => rollbacks++,
  );
  const insert = (v: string) => () => db.prepare('INSERT INTO t (v) VALUES (?)').run(v);
  const values = () =>
    (db.prepare('SELECT v FROM t ORDER BY rowid').all() as { v: string }[]).map((r) => r.v);
  return { db, committer, insert, values, rollbacks: () => rollbacks };
}

describe('Committer', () => {
  it('runs operations queued in one turn in one transaction', async () => {
    const { db, committer, insert } = setup();
    const seen: boolean[] = [];
    const ops = ['a', 'b', 'c'].map((v) =>
      committer.run(() => {
        seen.push(db.inTransaction);
        insert(v)();
        return db.prepare('SELECT count(*) AS n FROM t').get();
      }),
    );
    assert.deepEqual(await Promise.all(ops), [{ n: 1 }, { n: 2 }, { n: 3 }]);
    assert.deepEqual(seen, [true, true, true]);
    assert.equal(db.inTransaction, false);
  });

  it('fails an operation that refuses its input and commits the others', async () => {
    const { committer, insert, values, rollbacks } = setup();
    const results = await Promise.allSettled([
      committer.run(insert('a')),
      committer.run(() => {
        throw new Expected('bad input');
      }),
      committer.run(insert('c')),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(values(), ['a', 'c']);
    assert.equal(rollbacks(), 0);
  });

  it('undoes an operation that fails after writing, and only that one', async () => {
    const { committer, insert, values, rollbacks } = setup();
    const results = await Promise.allSettled([
      committer.run(insert('a')),
      committer.run(() => {
        insert('half-done')();
        throw new Error('bug after a write');
      }),
      committer.run(insert('c')),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.equal((results[1] as PromiseRejectedResult).reason.message, 'bug after a write');
    assert.deepEqual(values(), ['a', 'c']);
    assert.ok(rollbacks() >= 1, 'caches are told to reload after a rollback');
  });

  it('runs after-commit hooks only for committed work, after the operations settle', async () => {
    const { committer, insert } = setup();
    const events: string[] = [];
    const op = committer.run(() => {
      insert('a')();
      committer.afterCommit(() => events.push('hook'));
      return 'done';
    });
    op.then(() => events.push('settled'));
    await op;
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(events, ['hook', 'settled']);
  });

  it('finishes queued work on close and refuses new work after', async () => {
    const { committer, insert, values } = setup();
    const pending = committer.run(insert('a'));
    await committer.close();
    await pending;
    assert.deepEqual(values(), ['a']);
    await assert.rejects(committer.run(insert('b')), /closed/);
  });

  it('with gathering, waits for operations from later turns while they keep coming, and stops once a wait catches none', async () => {
    const db = new Database(':memory:');
    // A clock that never moves: every operation comes "right after" the last commit.
    const committer = new Committer(
      db,
      () => false,
      () => {},
      undefined,
      { ms: 250, now: () => 0 },
    );
    let batch = 0;
    let counting = false;
    /** The batch an operation ran in. */
    const op = () =>
      committer.run(() => {
        if (!counting) {
          counting = true;
          committer.afterCommit(() => {
            batch++;
            counting = false;
          });
        }
        return batch;
      });
    const laterTurn = () => new Promise<number>((r) => setImmediate(() => r(op())));
    // Two in one turn share a batch at once, as without gathering: concurrent callers exist.
    assert.deepEqual(await Promise.all([op(), op()]), [0, 0]);
    // So the next batch waits, and catches an operation from a later turn.
    assert.deepEqual(await Promise.all([op(), laterTurn()]), [1, 1]);
    // A wait that catches nothing (one caller awaiting each operation in turn) ends the waiting…
    assert.equal(await op(), 2);
    // …so the next operation commits at once, without the one after it.
    assert.deepEqual(await Promise.all([op(), laterTurn()]), [3, 4]);
    db.close();
  });

  it('with gathering and a WAL sync, sends that waited for an fsync wait a window more while sends come fast, and commit at once when they trickle', async () => {
    const turn = () => new Promise((r) => setImmediate(r));
    for (const fast of [true, false]) {
      const { db, insert, values } = setup();
      const syncs: (() => void)[] = [];
      const walSync = () => new Promise<void>((resolve) => syncs.push(resolve));
      let clock = 0;
      const committer = new Committer(
        db,
        () => false,
        () => {},
        walSync,
        { ms: 50, now: () => clock },
      );
      // The gather clock between sends: none (a stream), or a second (a trickle).
      const gap = fast ? 0 : 1000;
      const a = committer.run(insert('a'));
      await turn();
      assert.equal(syncs.length, 1, 'a committed; its fsync runs');
      clock += gap;
      const b = committer.run(insert('b'));
      await turn();
      syncs[0]!();
      await a;
      await turn(); // the fsync's own settling…
      await turn(); // …and the flush it may set for the next turn
      clock += gap;
      const c = committer.run(insert('c'));
      if (fast) {
        // b waits a window after the fsync, and c, from a later turn, joins it: one fsync for both.
        while (syncs.length < 2) await new Promise((r) => setTimeout(r, 5));
        assert.deepEqual(values(), ['a', 'b', 'c']);
        syncs[1]!();
        await Promise.all([b, c]);
        assert.equal(syncs.length, 2);
      } else {
        // b committed as soon as the fsync returned; c waits for b's fsync, and takes one of its own.
        assert.deepEqual(values(), ['a', 'b']);
        assert.equal(syncs.length, 2);
        syncs[1]!();
        await b;
        while (syncs.length < 3) await turn();
        assert.deepEqual(values(), ['a', 'b', 'c']);
        syncs[2]!();
        await c;
      }
      await committer.close();
      db.close();
    }
  });

  it('with a WAL sync, acknowledges durable operations only after an fsync that began after their commit', async () => {
    const { db, insert, values } = setup();
    // A sync the test finishes by hand, recording when each began.
    const syncs: { done: (e?: Error) => void }[] = [];
    const walSync = () =>
      new Promise<void>((resolve, reject) => syncs.push({ done: (e) => (e ? reject(e) : resolve()) }));
    const committer = new Committer(
      db,
      (e) => e instanceof Expected,
      () => {},
      walSync,
    );
    const settled: string[] = [];
    const track = (name: string, p: Promise<unknown>) =>
      p.then(
        () => settled.push(name),
        () => settled.push(`${name} failed`),
      );
    const hooks: string[] = [];
    const send1 = track('send1', committer.run(insert('a')));
    const receive = track(
      'receive',
      committer.run(() => {
        committer.afterCommit(() => hooks.push('woken'));
        return 1;
      }, false),
    );
    await receive;
    assert.deepEqual(values(), ['a'], 'committed: visible to every later operation');
    assert.deepEqual(hooks, ['woken'], 'after-commit hooks run at commit, not after the fsync');
    assert.deepEqual(settled, ['receive'], 'the non-durable op is answered at commit; the send waits');
    assert.equal(syncs.length, 1);
    // A send that comes while that fsync runs waits for it, then commits, then waits for the next.
    const send2 = track('send2', committer.run(insert('b')));
    const send3 = track('send3', committer.run(insert('c')));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(values(), ['a'], 'not committed while the fsync runs');
    assert.equal(syncs.length, 1, 'one fsync at a time');
    syncs[0]!.done();
    await send1;
    assert.deepEqual(settled, ['receive', 'send1']);
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(values(), ['a', 'b', 'c'], 'the sends that waited commit together');
    assert.equal(syncs.length, 2, 'and one fsync carries them');
    const closed = committer.close();
    let isClosed = false;
    void closed.then(() => (isClosed = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(isClosed, false, 'close waits for the fsync in flight');
    syncs[1]!.done(new Error('EIO: i/o error, fsync'));
    await Promise.all([send2, send3]);
    await closed;
    assert.deepEqual(
      settled,
      ['receive', 'send1', 'send2 failed', 'send3 failed'],
      'a failed fsync fails what it carried',
    );
  });

  it('with a WAL sync, answers a batch that changed nothing (reads) at commit, with no fsync', async () => {
    const { db, insert } = setup();
    let syncs = 0;
    const committer = new Committer(
      db,
      () => false,
      () => {},
      async () => {
        syncs++;
      },
    );
    const count = () => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
    assert.equal(await committer.run(count), 0);
    assert.equal(syncs, 0, 'a read-only batch waits for no fsync');
    await committer.run(insert('a'));
    assert.equal(syncs, 1, 'a write does');
    assert.equal(await committer.run(count), 1);
    assert.equal(syncs, 1);
  });

  it('a file store at FULL runs through its WAL sync on a real file: sends answered, messages received, FULL reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-committer-'));
    try {
      const store = openSqliteStore({ path: join(dir, 'db.sqlite') });
      const { QueueUrl } = await store.createQueue({ QueueName: 'q' });
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.sendMessage({ QueueUrl, MessageBody: `m${i}` })),
      );
      assert.equal(store.synchronous?.(), 'FULL');
      const { Messages = [] } = await store.receiveMessage({ QueueUrl, MaxNumberOfMessages: 10 });
      assert.equal(Messages.length, 10);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
