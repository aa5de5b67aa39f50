/**
 * The supervisor's slot state machine with real child processes (small
 * scripts) and a manual clock for its delays: crash restarts with a doubling
 * delay, memory restarts after a drain, scale-in of the newest, the drain
 * timeout's SIGKILL, and stop().
 */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import pino from 'pino';
import { Supervisor, type SupervisorEvent } from '../../src/scale/supervisor.ts';
import { ManualClock } from '../../src/time/clock.ts';
import { eventually } from '../support/eventually.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-supervisor-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a child script; each reads its behaviour from the environment. */
function script(name: string, body: string): string {
  const path = join(dir, `${name}.mjs`);
  writeFileSync(path, body);
  return path;
}

const CRASHER = script('crasher', 'setTimeout(() => process.exit(3), 20);');
// Stays up; drains on SIGTERM (exit 0 after a moment) unless IGNORE_TERM is set.
const SLEEPER = script(
  'sleeper',
  `
const keep = [];
setInterval(() => {}, 1000);
process.on('SIGTERM', () => { if (!process.env.IGNORE_TERM) setTimeout(() => process.exit(0), 20); });
const report = () => process.send?.({ sluice: 'report', rssBytes: process.memoryUsage.rss(), processed: 7, failed: 1, final: false });
const marker = process.env.BLOAT_MARKER;
if (marker) {
  const { existsSync, writeFileSync } = await import('node:fs');
  if (!existsSync(marker)) {
    writeFileSync(marker, '');
    keep.push(Buffer.alloc(160 * 1024 * 1024, 1));
  }
}
process.send?.({ ready: true });
report();
`,
);

/** Every pool a test made: whatever a failed test left running is killed after it. */
const pools: Supervisor[] = [];
afterEach(() => {
  for (const supervisor of pools.splice(0))
    for (const { child } of supervisor.children()) child.kill('SIGKILL');
});

function pool(
  file: string,
  options: { env?: NodeJS.ProcessEnv; memoryLimitBytes?: number; drainTimeoutMs?: number } = {},
) {
  const clock = new ManualClock();
  const events: SupervisorEvent[] = [];
  const supervisor = new Supervisor({
    spawn: () =>
      fork(file, [], {
        env: { ...process.env, ...options.env },
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        execArgv: [],
      }),
    idPrefix: 'w',
    log: pino({ level: 'silent' }),
    clock,
    ...(options.memoryLimitBytes !== undefined ? { memoryLimitBytes: options.memoryLimitBytes } : {}),
    ...(options.drainTimeoutMs !== undefined ? { drainTimeoutMs: options.drainTimeoutMs } : {}),
    onEvent: (e) => events.push(e),
  });
  pools.push(supervisor);
  const of = (type: SupervisorEvent['type']) => events.filter((e) => e.type === type);
  return { clock, events, supervisor, of };
}

describe('Supervisor', () => {
  it('restarts a crashed process after 1 s, then 2 s, then 4 s (same WORKER_ID)', async () => {
    const { clock, supervisor, of } = pool(CRASHER);
    supervisor.scaleTo(1);
    const delays: number[] = [];
    for (let crash = 1; crash <= 3; crash++) {
      await eventually(() => of('restart-scheduled').length === crash, `crash ${crash}`);
      const scheduled = of('restart-scheduled').at(-1) as Extract<
        SupervisorEvent,
        { type: 'restart-scheduled' }
      >;
      delays.push(scheduled.delayMs);
      assert.equal(scheduled.workerId, 'w-1');
      await clock.advance(scheduled.delayMs - 1);
      assert.equal(of('started').length, crash, 'not restarted before its delay');
      await clock.advance(1);
      assert.equal(of('started').length, crash + 1);
    }
    assert.deepEqual(delays, [1000, 2000, 4000]);
    assert.equal(supervisor.count, 1, 'a crashing worker still counts as asked for');
    await supervisor.stop();
    assert.equal(supervisor.count, 0);
  });

  it('scales in by draining the newest, and reuses the lowest free WORKER_ID', async () => {
    const { supervisor, of } = pool(SLEEPER);
    supervisor.scaleTo(3);
    assert.deepEqual(
      of('started').map((e) => e.workerId),
      ['w-1', 'w-2', 'w-3'],
    );
    await Promise.all(supervisor.children().map(({ child }) => new Promise((r) => child.once('message', r))));
    supervisor.scaleTo(1);
    assert.equal(supervisor.count, 1);
    assert.deepEqual(
      of('draining').map((e) => e.workerId),
      ['w-3', 'w-2'],
    );
    await supervisor.drained();
    const exits = of('exited') as Extract<SupervisorEvent, { type: 'exited' }>[];
    assert.deepEqual(exits.map((e) => [e.workerId, e.code, e.why]).sort(), [
      ['w-2', 0, 'retire'],
      ['w-3', 0, 'retire'],
    ]);
    supervisor.scaleTo(2);
    assert.equal(of('started').at(-1)?.workerId, 'w-2');
    assert.deepEqual(
      supervisor.status().map((s) => s.workerId),
      ['w-1', 'w-2'],
    );
    await supervisor.stop();
  });

  it('drains a process over its memory limit and starts it again at once', async () => {
    const marker = join(dir, 'bloated');
    const { supervisor, of } = pool(SLEEPER, {
      env: { BLOAT_MARKER: marker },
      memoryLimitBytes: 120 * 1024 * 1024,
    });
    supervisor.scaleTo(1);
    await eventually(() => of('started').length === 2, 'the restart after the memory drain');
    assert.ok(existsSync(marker));
    const draining = of('draining');
    assert.deepEqual(
      draining.map((e) => [e.workerId, (e as { why: string }).why]),
      [['w-1', 'memory']],
    );
    const exit = of('exited')[0] as Extract<SupervisorEvent, { type: 'exited' }>;
    assert.equal(exit.code, 0, 'drained (SIGTERM), not killed');
    assert.equal(exit.why, 'memory');
    assert.equal(supervisor.status()[0]?.restarts, 1);
    assert.equal(supervisor.count, 1);
    // The first process's counts are kept after it is gone.
    await eventually(() => supervisor.totals().processed === 14, 'both processes reported');
    await supervisor.stop();
  });

  it('kills a process that does not drain within the drain timeout', async () => {
    const { clock, supervisor, of } = pool(SLEEPER, { env: { IGNORE_TERM: '1' }, drainTimeoutMs: 5000 });
    supervisor.scaleTo(1);
    const child = supervisor.children()[0]!.child;
    await new Promise((r) => child.once('message', r)); // its SIGTERM handler is installed
    supervisor.scaleTo(0);
    await clock.advance(4999);
    assert.equal(of('exited').length, 0, 'still draining');
    await clock.advance(1);
    await supervisor.drained();
    const exit = of('exited')[0] as Extract<SupervisorEvent, { type: 'exited' }>;
    assert.equal(exit.signal, 'SIGKILL');
    assert.equal(supervisor.count, 0);
  });

  it('stop() drains every process and cancels pending restarts', async () => {
    const { clock, supervisor, of } = pool(CRASHER);
    supervisor.scaleTo(2);
    await eventually(() => of('restart-scheduled').length === 2, 'both crashed');
    await supervisor.stop();
    await clock.advance(60_000);
    assert.equal(of('started').length, 2, 'no restart after stop');
    assert.equal(supervisor.count, 0);
  });
});
