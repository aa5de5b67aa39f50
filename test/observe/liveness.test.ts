import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PollLiveness } from '../../src/observe/liveness.ts';
import { ManualClock } from '../../src/time/clock.ts';

function setup() {
  const clock = new ManualClock();
  return { clock, liveness: new PollLiveness({ clock, stallAfterMs: 60_000 }) };
}

const stalled = (seconds: number) => ({
  ok: false,
  reason: `poll loop stalled: no receive completed for ${seconds} s while the queue has messages (limit 60 s)`,
});

describe('PollLiveness', () => {
  it('fails when no receive completed for longer than stallAfterMs while the queue has messages', async () => {
    const { clock, liveness } = setup();
    liveness.receiveCompleted();
    liveness.backlogKnown(true);
    await clock.advance(60_000);
    assert.deepEqual(liveness.check(), { ok: true });
    await clock.advance(1);
    assert.deepEqual(liveness.check(), stalled(60));
    await clock.advance(30_000);
    assert.deepEqual(liveness.check(), stalled(90));
  });

  it('recovers as soon as a receive completes', async () => {
    const { clock, liveness } = setup();
    liveness.backlogKnown(true);
    await clock.advance(120_000);
    assert.equal(liveness.check().ok, false);
    liveness.receiveCompleted();
    assert.deepEqual(liveness.check(), { ok: true });
  });

  it('an idle empty queue is healthy however long nothing is received', async () => {
    const { clock, liveness } = setup();
    liveness.receiveCompleted();
    liveness.backlogKnown(false);
    await clock.advance(3_600_000);
    assert.deepEqual(liveness.check(), { ok: true });
  });

  it('an unknown backlog is healthy; learning of messages later exposes a hung loop', async () => {
    const { clock, liveness } = setup();
    await clock.advance(600_000);
    assert.deepEqual(liveness.check(), { ok: true });
    liveness.backlogKnown(true); // e.g. from an ApproximateNumberOfMessages probe
    assert.deepEqual(liveness.check(), stalled(600));
  });

  it('gives the first receive a grace period from creation', async () => {
    const { clock, liveness } = setup();
    liveness.backlogKnown(true);
    await clock.advance(59_000);
    assert.deepEqual(liveness.check(), { ok: true });
    await clock.advance(2_000);
    assert.equal(liveness.check().ok, false);
  });

  it('a saturated loop is healthy, and gets a fresh stallAfterMs once a slot frees', async () => {
    const { clock, liveness } = setup();
    liveness.receiveCompleted();
    liveness.backlogKnown(true);
    liveness.saturated(true);
    await clock.advance(600_000);
    assert.deepEqual(liveness.check(), { ok: true });
    liveness.saturated(false);
    await clock.advance(60_000);
    assert.deepEqual(liveness.check(), { ok: true });
    await clock.advance(1_000);
    assert.deepEqual(liveness.check(), stalled(61));
  });

  it('saturated(false) without saturation first does not reset the stall clock', async () => {
    const { clock, liveness } = setup();
    liveness.backlogKnown(true);
    await clock.advance(61_000);
    liveness.saturated(false);
    assert.equal(liveness.check().ok, false);
  });

  it('refuses a stallAfterMs that is not positive', () => {
    assert.throws(() => new PollLiveness({ clock: new ManualClock(), stallAfterMs: 0 }), {
      message: 'stallAfterMs must be > 0, got 0',
    });
  });
});
