import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Coalescer } from '../../src/store/postgres/coalesce.ts';

/** An executor whose statements the test finishes by hand, recording what each carried. */
function manual() {
  const runs: { items: string[]; finish: (fail?: Error) => void }[] = [];
  const execute = (_key: string, items: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      runs.push({ items, finish: (fail) => (fail ? reject(fail) : resolve(items.map((i) => `done ${i}`))) });
    });
  return { runs, execute };
}

/** Past the turn of the event loop in which a finished statement gives its slot back. */
const nextTurn = async () => {
  for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r));
};

describe('Coalescer: the PostgreSQL store gathering concurrent statements', () => {
  it('runs a lone request at once, and gathers the ones arriving meanwhile into the next statement', async () => {
    const { runs, execute } = manual();
    const c = new Coalescer(execute, { inFlight: 1, maxUnits: 100 });
    const a = c.submit('q', 'a');
    assert.deepEqual(
      runs.map((r) => r.items),
      [['a']],
    );
    const rest = ['b', 'c', 'd'].map((x) => c.submit('q', x));
    assert.equal(runs.length, 1, 'nothing else runs while the first statement does');
    runs[0]!.finish();
    assert.equal(await a, 'done a');
    await nextTurn();
    assert.deepEqual(
      runs.map((r) => r.items),
      [['a'], ['b', 'c', 'd']],
    );
    runs[1]!.finish();
    assert.deepEqual(await Promise.all(rest), ['done b', 'done c', 'done d']);
  });

  it('gathers the requests its answers lead to, however many awaits later in the same turn', async () => {
    const { runs, execute } = manual();
    const c = new Coalescer(execute, { inFlight: 1, maxUnits: 100 });
    // Three callers that each go straight on to a second request, a few awaits after their answer.
    const hop = async () => {
      for (let i = 0; i < 5; i++) await Promise.resolve();
    };
    const caller = async (name: string) => {
      await c.submit('q', `${name}1`);
      await hop();
      return c.submit('q', `${name}2`);
    };
    const callers = ['a', 'b', 'c'].map(caller);
    runs[0]!.finish();
    await nextTurn();
    runs[1]!.finish();
    await nextTurn();
    runs[2]!.finish();
    assert.deepEqual(await Promise.all(callers), ['done a2', 'done b2', 'done c2']);
    // a2, asked for five awaits after a1's answer, joins the statement that was waiting to start.
    assert.deepEqual(
      runs.map((r) => r.items),
      [['a1'], ['b1', 'c1', 'a2'], ['b2', 'c2']],
    );
  });

  it('keeps keys apart, and runs up to inFlight statements of one key at once', async () => {
    const { runs, execute } = manual();
    const c = new Coalescer(execute, { inFlight: 2, maxUnits: 100 });
    const answers = [c.submit('q1', 'a'), c.submit('q1', 'b'), c.submit('q2', 'x'), c.submit('q1', 'c')];
    assert.deepEqual(
      runs.map((r) => r.items),
      [['a'], ['b'], ['x']],
    );
    for (const r of runs.slice()) r.finish();
    await nextTurn();
    assert.deepEqual(runs[3]?.items, ['c']);
    runs[3]!.finish();
    assert.deepEqual(await Promise.all(answers), ['done a', 'done b', 'done x', 'done c']);
  });

  it('caps a statement at maxUnits without ever splitting a request', async () => {
    const { runs, execute } = manual();
    const c = new Coalescer(execute, { inFlight: 1, maxUnits: 10 });
    const first = c.submit('q', 'first', 1);
    const big = [c.submit('q', 'six', 6), c.submit('q', 'five', 5), c.submit('q', 'twelve', 12)];
    runs[0]!.finish();
    await first;
    for (let i = 1; i < 4; i++) {
      await nextTurn();
      runs[i]!.finish();
    }
    assert.deepEqual(await Promise.all(big), ['done six', 'done five', 'done twelve']);
    assert.deepEqual(
      runs.map((r) => r.items),
      [['first'], ['six'], ['five'], ['twelve']],
      'six + five would pass 10; twelve alone passes it but is never split',
    );
  });

  it('fails every request of a failed statement, and goes on with the next', async () => {
    const { runs, execute } = manual();
    const c = new Coalescer(execute, { inFlight: 1, maxUnits: 100 });
    const a = c.submit('q', 'a');
    const b = c.submit('q', 'b');
    const cc = c.submit('q', 'c');
    runs[0]!.finish(new Error('connection lost'));
    await assert.rejects(a, /connection lost/);
    await nextTurn();
    runs[1]!.finish(new Error('still down'));
    await assert.rejects(b, /still down/);
    await assert.rejects(cc, /still down/);
    await nextTurn();
    const d = c.submit('q', 'd');
    assert.equal(runs.length, 3, 'a request after the failures runs at once');
    runs[2]!.finish();
    assert.equal(await d, 'done d');
  });
});
