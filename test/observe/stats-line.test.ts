import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatsLine } from '../../src/observe/stats-line.ts';
import { ManualClock } from '../../src/time/clock.ts';

function setup(intervalMs?: number) {
  const clock = new ManualClock();
  const lines: string[] = [];
  const stats = new StatsLine({ workerId: 'w-1', clock, write: (l) => lines.push(l), intervalMs });
  return { clock, lines, stats };
}

describe('StatsLine', () => {
  it('writes one line every 60 s in exactly the promised shape and key order', async () => {
    const { clock, lines, stats } = setup();
    stats.start();
    stats.processed(90);
    stats.failed();
    await clock.advance(59_999);
    assert.deepEqual(lines, []);
    await clock.advance(1);
    assert.deepEqual(lines, [
      '{"workerId":"w-1","messagesProcessed":90,"messagesFailed":1,"uptimeSeconds":60,' +
        '"throughputPerSecond":1.5,"throughputPerHour":5400,"throughputPerDay":129600}',
    ]);
    stats.processed(30);
    await clock.advance(60_000);
    assert.equal(lines.length, 2);
    assert.deepEqual(Object.keys(JSON.parse(lines[1]!)), [
      'workerId',
      'messagesProcessed',
      'messagesFailed',
      'uptimeSeconds',
      'throughputPerSecond',
      'throughputPerHour',
      'throughputPerDay',
    ]);
    assert.deepEqual(JSON.parse(lines[1]!), {
      workerId: 'w-1',
      messagesProcessed: 120,
      messagesFailed: 1,
      uptimeSeconds: 120,
      throughputPerSecond: 1,
      throughputPerHour: 3600,
      throughputPerDay: 86400,
    });
  });

  it('computes lifetime throughput from exact uptime and rounds each unit on its own', async () => {
    const { clock, stats } = setup();
    stats.processed(2);
    await clock.advance(3_000);
    // 2 / 3 s = 0.6666…/s
    assert.deepEqual(stats.snapshot(), {
      workerId: 'w-1',
      messagesProcessed: 2,
      messagesFailed: 0,
      uptimeSeconds: 3,
      throughputPerSecond: 0.667,
      throughputPerHour: 2400,
      throughputPerDay: 57600,
    });
    await clock.advance(1_999); // 2 / 4.999 s: uptime floors to 4, the rate does not
    const s = stats.snapshot();
    assert.equal(s.uptimeSeconds, 4);
    assert.equal(s.throughputPerSecond, 0.4);
    assert.equal(s.throughputPerHour, 1440);
    assert.equal(s.throughputPerDay, 34567);
  });

  it('shows a slow worker: 1 message in 1000 s is 0.001/s, 4/h, 86/day', async () => {
    const { clock, stats } = setup();
    stats.processed();
    await clock.advance(1_000_000);
    const s = stats.snapshot();
    assert.equal(s.throughputPerSecond, 0.001);
    assert.equal(s.throughputPerHour, 4);
    assert.equal(s.throughputPerDay, 86);
  });

  it('reports zero throughput at zero uptime instead of dividing by zero', () => {
    const { stats } = setup();
    stats.processed(5);
    const s = stats.snapshot();
    assert.equal(s.uptimeSeconds, 0);
    assert.equal(s.throughputPerSecond, 0);
    assert.equal(s.throughputPerHour, 0);
    assert.equal(s.throughputPerDay, 0);
  });

  it('keeps to interval boundaries counted from creation, across stop and start', async () => {
    const { clock, lines, stats } = setup(10_000);
    await clock.advance(4_000);
    stats.start();
    stats.start(); // idempotent: still one timer
    await clock.advance(6_000);
    assert.equal(lines.length, 1);
    stats.stop();
    stats.stop();
    await clock.advance(25_000); // t = 35 s, nothing while stopped
    assert.equal(lines.length, 1);
    stats.start();
    await clock.advance(5_000); // t = 40 s
    assert.equal(lines.length, 2);
    assert.equal(JSON.parse(lines[1]!).uptimeSeconds, 40);
  });

  it('stop({ flush: true }) writes one last line; plain stop writes nothing', async () => {
    const { clock, lines, stats } = setup();
    stats.start();
    await clock.advance(30_000);
    stats.processed(3);
    stats.stop({ flush: true });
    assert.equal(lines.length, 1);
    assert.equal(JSON.parse(lines[0]!).messagesProcessed, 3);
    assert.equal(JSON.parse(lines[0]!).uptimeSeconds, 30);
    await clock.advance(60_000);
    assert.equal(lines.length, 1);
  });

  it('survives a sink that throws, and tells onError', async () => {
    const clock = new ManualClock();
    const errors: unknown[] = [];
    let calls = 0;
    const stats = new StatsLine({
      workerId: 'w-1',
      clock,
      write: () => {
        calls++;
        throw new Error('EPIPE');
      },
      onError: (e) => errors.push(e),
    });
    stats.start();
    await clock.advance(180_000);
    assert.equal(calls, 3);
    assert.equal(errors.length, 3);
    stats.stop();
  });

  it('refuses an interval that is not positive', () => {
    const clock = new ManualClock();
    assert.throws(() => new StatsLine({ workerId: 'w', clock, write: () => {}, intervalMs: 0 }), {
      name: 'RangeError',
      message: 'intervalMs must be > 0, got 0',
    });
  });
});
