/**
 * Crash durability: an acknowledged send survives a SIGKILL.
 *
 * Twenty cycles on one database file. In each, a child process
 * (child-sender.ts) sends batches from several loops and prints every body the
 * store acknowledged; once it has printed a random number of acks (50–500) it
 * gets a real SIGKILL, at once or a few ms later, most likely with commits in
 * flight. Then this process reopens the file (WAL recovery) and reads every
 * message back through the Store API (receive with a long visibility timeout,
 * then release them again), checking that:
 *   - every body acknowledged in this cycle is there;
 *   - everything seen in earlier cycles is still there (messages accumulate);
 *   - nothing is there that no child sent, and nothing is delivered twice.
 * Bodies committed but not yet printed when the kill came may be present too:
 * that is allowed (the sender never heard back), losing an ack is not.
 *
 * DURABILITY_SEED picks the kill points (the timing itself is not reproducible).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { rng } from '../support/rng.ts';

const CYCLES = 20;
const SENDER_LOOPS = 4;
const CYCLE_TIMEOUT_MS = 30_000;
const QUEUE = 'durability';
const SEED = Number(process.env.DURABILITY_SEED ?? 0x5eed);
const childScript = join(dirname(fileURLToPath(import.meta.url)), 'child-sender.ts');
const BODY = /^(\d+):(\d+):(\d+):(\d)$/;

interface KilledRun {
  acks: string[];
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
  timedOut: boolean;
}

/** Runs the sender until it has printed `killAfter` acks, then SIGKILLs it after `delayMs`. */
function sendUntilKilled(
  dbPath: string,
  cycle: number,
  killAfter: number,
  delayMs: number,
): Promise<KilledRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', childScript, dbPath, String(cycle), String(SENDER_LOOPS)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const acks: string[] = [];
    let partial = '';
    let stderr = '';
    let killing = false;
    let timedOut = false;
    const kill = (): void => {
      if (killing) return;
      killing = true;
      if (delayMs === 0) child.kill('SIGKILL');
      else setTimeout(() => child.kill('SIGKILL'), delayMs);
    };
    const guard = setTimeout(() => {
      timedOut = true;
      kill();
    }, CYCLE_TIMEOUT_MS);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      // Only complete lines are acks; a line cut short by the kill is ignored.
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) acks.push(line);
      if (acks.length >= killAfter) kill();
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ acks, signal, code, stderr, timedOut });
    });
  });
}

/** Every body in the queue, read through the Store API; leaves them all visible again. */
async function readAll(dbPath: string): Promise<string[]> {
  const store = openSqliteStore({ path: dbPath });
  try {
    const { QueueUrl } = await store.getQueueUrl({ QueueName: QUEUE });
    const [stats] = await store.stats(QUEUE);
    assert.ok(stats, 'queue has stats');
    assert.equal(stats.inFlight, 0, 'no message is in flight after reopening');
    assert.equal(stats.delayed, 0, 'no message is delayed');
    const expected = stats.visible;

    const bodies: string[] = [];
    const handles: string[] = [];
    let empties = 0;
    const receiver = async (): Promise<void> => {
      while (bodies.length < expected && empties < 100) {
        const { Messages = [] } = await store.receiveMessage({
          QueueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 3600,
        });
        if (Messages.length === 0) empties++;
        for (const m of Messages) {
          bodies.push(m.Body);
          handles.push(m.ReceiptHandle);
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, receiver));
    assert.equal(bodies.length, expected, 'received as many messages as stats reported visible');
    const { Messages: more = [] } = await store.receiveMessage({ QueueUrl, MaxNumberOfMessages: 10 });
    assert.equal(more.length, 0, 'nothing left to receive');

    // Release them all, concurrently so the store group-commits the changes.
    const batches: string[][] = [];
    for (let i = 0; i < handles.length; i += 10) batches.push(handles.slice(i, i + 10));
    const results = await Promise.all(
      batches.map((batch) =>
        store.changeMessageVisibilityBatch({
          QueueUrl,
          Entries: batch.map((ReceiptHandle, i) => ({ Id: String(i), ReceiptHandle, VisibilityTimeout: 0 })),
        }),
      ),
    );
    assert.deepEqual(
      results.flatMap((r) => r.Failed),
      [],
      'every message released',
    );
    return bodies;
  } finally {
    await store.close();
  }
}

test(`acknowledged sends survive SIGKILL (${CYCLES} cycles, seed ${SEED})`, async (t) => {
  const dir = mkdtempSync(join(os.tmpdir(), 'sluice-durability-'));
  const dbPath = join(dir, 'sluice.db');
  const random = rng(SEED); // seeded, so a failing run's kill points can be replayed
  /** Every body seen in the queue so far: once there, it must stay. */
  let known = new Set<string>();
  let totalAcks = 0;
  try {
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const killAfter = 50 + Math.floor(random() * 451);
      const delayMs = random() < 0.5 ? 0 : Math.floor(random() * 5);
      const run = await sendUntilKilled(dbPath, cycle, killAfter, delayMs);
      const where = `cycle ${cycle} (kill after ${killAfter} acks + ${delayMs} ms, seed ${SEED})`;
      assert.ok(!run.timedOut, `${where}: sender never reached ${killAfter} acks; stderr:\n${run.stderr}`);
      assert.equal(
        run.signal,
        'SIGKILL',
        `${where}: sender exited by itself (${run.code}); stderr:\n${run.stderr}`,
      );
      assert.ok(run.acks.length >= killAfter, `${where}: ${run.acks.length} acks`);

      const present = await readAll(dbPath);
      const presentSet = new Set(present);
      assert.equal(presentSet.size, present.length, `${where}: a message was delivered twice in one scan`);
      for (const b of present) {
        const m = BODY.exec(b);
        assert.ok(m && Number(m[1]) <= cycle, `${where}: unexpected body ${JSON.stringify(b)}`);
      }
      const lostAcks = run.acks.filter((b) => !presentSet.has(b));
      assert.deepEqual(lostAcks.slice(0, 10), [], `${where}: ${lostAcks.length} acknowledged messages lost`);
      const lostEarlier = [...known].filter((b) => !presentSet.has(b));
      assert.deepEqual(lostEarlier.slice(0, 10), [], `${where}: ${lostEarlier.length} earlier messages lost`);

      totalAcks += run.acks.length;
      t.diagnostic(
        `cycle ${cycle}: ${run.acks.length} acks, ${present.length - known.size} new in queue, ${present.length} total`,
      );
      known = presentSet;
    }
    assert.ok(known.size >= totalAcks, 'the queue holds at least every acknowledged message');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
