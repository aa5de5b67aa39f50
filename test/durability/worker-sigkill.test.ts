/**
 * The worker under SIGKILL: a `sluice worker` process drains 20,000 messages
 * from a real server and is killed with SIGKILL again and again. Afterwards
 * every message was processed at least once, none is lost, and every message
 * processed twice was first processed by a run that was killed (its ack died
 * with the process; the queue redelivered it after the visibility timeout).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { startTestServer } from '../server/harness.ts';
import { eventually } from '../support/eventually.ts';

const MESSAGES = Number(process.env.CRASH_MESSAGES ?? 20_000);
const KILLS = Number(process.env.CRASH_KILLS ?? 6);

it(`loses nothing when the worker is SIGKILLed ${KILLS} times over ${MESSAGES} messages`, async (t) => {
  const srv = await startTestServer();
  const record = join(srv.dir, 'record.txt');
  const recorded = () => (existsSync(record) ? readFileSync(record, 'utf8').trim().split('\n') : []);
  const children: ChildProcess[] = [];
  const start = (run: number): ChildProcess => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'worker', 'test/cli/fixtures/recording-worker.ts'],
      {
        env: {
          ...process.env,
          SLUICE_ENDPOINT: srv.url,
          WORKER_HEALTH_PORT: '0',
          WORKER_CONCURRENCY: '200',
          WORKER_VISIBILITY_TIMEOUT: '2',
          QUEUE_NAME: 'crash',
          RECORD_FILE: record,
          RUN_ID: String(run),
        },
        stdio: 'ignore',
      },
    );
    children.push(child);
    return child;
  };
  const exited = (child: ChildProcess) => new Promise<void>((r) => child.once('exit', () => r()));
  try {
    const { QueueUrl } = await srv.store.createQueue({ QueueName: 'crash' });
    for (let i = 0; i < MESSAGES; i += 10) {
      await srv.store.sendMessageBatch({
        QueueUrl,
        Entries: Array.from({ length: 10 }, (_, j) => ({ Id: String(j), MessageBody: `m${i + j}` })),
      });
    }
    const killed = new Set<string>();
    for (let run = 0; run < KILLS; run++) {
      const child = start(run);
      const before = recorded().length;
      // Kill mid-stream: once this run has handled some messages (however long a loaded machine takes to start it).
      const enough = before + 500 + 300 * run;
      await eventually(
        () => recorded().length >= enough,
        `run ${run} to handle ${enough - before} messages`,
        {
          withinMs: 180_000,
        },
      );
      child.kill('SIGKILL');
      await exited(child);
      killed.add(String(run));
    }
    const last = start(KILLS);
    await eventually(
      async () => {
        const [s] = await srv.store.stats('crash');
        return s !== undefined && s.visible + s.inFlight + s.delayed === 0;
      },
      'the last run to drain the queue',
      { withinMs: 240_000, everyMs: 100 },
    );
    last.kill('SIGTERM');
    await exited(last);

    const runsOf = new Map<string, string[]>();
    for (const line of recorded()) {
      const [run, body] = line.split(' ') as [string, string];
      runsOf.set(body, [...(runsOf.get(body) ?? []), run]);
    }
    const missing = Array.from({ length: MESSAGES }, (_, i) => `m${i}`).filter((b) => !runsOf.has(b));
    assert.deepEqual(missing.slice(0, 10), [], `${missing.length} messages never processed`);
    assert.equal(runsOf.size, MESSAGES, 'nothing processed that was not sent');
    const unexplained = [...runsOf].filter(([, runs]) => runs.length > 1 && !runs.some((r) => killed.has(r)));
    assert.deepEqual(unexplained.slice(0, 10), [], 'every duplicate was first handled by a killed run');
    const [s] = await srv.store.stats('crash');
    assert.deepEqual([s?.visible, s?.inFlight], [0, 0], 'the queue is empty at the end');
    const perRun = new Map<string, number>();
    for (const runs of runsOf.values()) for (const r of runs) perRun.set(r, (perRun.get(r) ?? 0) + 1);
    const duplicates = [...runsOf.values()].filter((runs) => runs.length > 1).length;
    t.diagnostic(
      `handled per run: ${[...perRun].map(([r, n]) => `${r}:${n}`).join(' ')}; ${duplicates} redelivered after a kill`,
    );
    assert.equal(perRun.size, KILLS + 1, 'every run handled messages: the kills landed mid-stream');
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await srv.close();
  }
});
