/** The group committer: shared transactions, atomic operations, replay after an unexpected failure. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Committer } from '../../src/store/sqlite/committer.ts';
import Database from '../../src/store/sqlite/driver.ts';

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
      false,
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

  it('with light commits, fsyncs (FULL) a batch with any durable op, skips it (NORMAL) for one of none, and commits light ops queued ahead of a durable one first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-committer-'));
    const db = new Database(join(dir, 'db.sqlite'));
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec('CREATE TABLE t (v TEXT)');
      const committer = new Committer(
        db,
        () => false,
        () => {},
        true,
      );
      // The level the COMMIT of this op's batch runs at, read on the connection inside the transaction.
      const level = (durable: boolean) =>
        committer.run(() => {
          db.prepare('INSERT INTO t (v) VALUES (?)').run(String(durable));
          return db.pragma('synchronous', { simple: true });
        }, durable);
      assert.deepEqual(await Promise.all([level(false), level(false)]), [1, 1]);
      assert.deepEqual(await Promise.all([level(true), level(false)]), [2, 2]);
      assert.deepEqual(await Promise.all([level(true)]), [2]);
      // Light ops ahead of a durable one commit first, on their own, and settle before its fsync.
      const order: string[] = [];
      const light = level(false).then((l) => order.push(`light ${l}`));
      const durable = level(true).then((l) => order.push(`durable ${l}`));
      await Promise.all([light, durable]);
      assert.deepEqual(order, ['light 1', 'durable 2']);
      await assert.rejects(
        committer.run(() => {
          throw new Error('a bug');
        }, false),
      );
      assert.equal(
        db.pragma('synchronous', { simple: true }),
        2,
        'FULL again after a light batch, even a failed one',
      );
      // Without light commits every batch keeps the database's level.
      const plain = new Committer(db, () => false);
      assert.equal(await plain.run(() => db.pragma('synchronous', { simple: true }), false), 2);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
