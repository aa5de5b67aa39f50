/**
 * Two `sluice server` processes on a PostgreSQL cluster of this file's own
 * (test/store/postgres-cluster.ts), restarted for real mid-traffic: while it
 * is down every answer is a retryable 503 ServiceUnavailable within a bound,
 * no server exits, sends succeed again by themselves once it is back, the
 * LISTEN connections come back (a long poll on one server wakes on a send to
 * the other), and no acknowledged message is lost. The machine's shared
 * PostgreSQL cannot be restarted; postgres-servers.test.ts cuts its
 * connections instead.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { eventually } from '../support/eventually.ts';
import { createPrivateCluster, findBinaries, type PrivateCluster } from './postgres-cluster.ts';
import {
  call,
  isRunning,
  NOTIFY_WAKE_MS,
  type RawAnswer,
  type Server,
  sleep,
  startServer,
  stopServers,
  wakeLatency,
} from './server-processes.ts';

const binaries = findBinaries();
const skip = 'missing' in binaries ? `needs a private PostgreSQL cluster: ${binaries.missing}` : false;

/** Longest a call may take, whatever PostgreSQL does: the 5 s connect and statement timeouts, and slack. */
const BOUND_MS = 10_000;

interface Attempt {
  action: string;
  server: string;
  start: number;
  end: number;
  /** The answer, or why none came (a hang past BOUND_MS, a dropped connection). */
  answer: RawAnswer | { failed: string };
}

describe('sluice servers across a real PostgreSQL restart', { skip }, () => {
  let cluster: PrivateCluster | undefined;
  const servers: Server[] = [];
  let A: Server;
  let B: Server;
  const start = async (url: string) => {
    const s = await startServer(url);
    servers.push(s);
    return s;
  };
  /** The sessions of the servers' LISTEN connections (their last statement is the LISTEN). */
  const listeners = async (): Promise<number[]> => {
    const c = new pg.Client({ connectionString: cluster!.url });
    await c.connect();
    try {
      const { rows } = await c.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'sluice' AND query LIKE 'LISTEN %'",
      );
      return rows.map((r) => r.pid);
    } finally {
      await c.end();
    }
  };

  before(async () => {
    if ('missing' in binaries) return;
    cluster = await createPrivateCluster(binaries);
    [A, B] = await Promise.all([start(cluster.url), start(cluster.url)]);
  });
  after(async () => {
    await stopServers(servers);
    await cluster?.destroy();
  });

  it('answers only 503 ServiceUnavailable while it is down, keeps running, and goes on by itself with nothing lost', async () => {
    const c = cluster!;
    const created = await call(
      A,
      'CreateQueue',
      { QueueName: 'restart', Attributes: { VisibilityTimeout: '2' } },
      BOUND_MS,
    );
    assert.equal(created.status, 200);
    assert.equal((await listeners()).length, 2, 'each server LISTENs before the restart');

    const attempts: Attempt[] = [];
    const attempt = async (s: Server, action: string, input: Record<string, unknown>) => {
      const begun = Date.now();
      let answer: Attempt['answer'];
      try {
        answer = await call(s, action, input, BOUND_MS);
      } catch (e) {
        answer = { failed: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
      }
      attempts.push({ action, server: s === A ? 'A' : 'B', start: begun, end: Date.now(), answer });
      return 'status' in answer && answer.status === 200 ? answer.body : undefined;
    };

    const acked = new Set<string>();
    const received = new Set<string>();
    let producing = true;
    let consuming = true;
    // Producers alternate between the servers, as behind a load balancer; a refused send is not
    // acknowledged, and the client backs off a little, as the SDKs do.
    const produce = async (p: number) => {
      for (let i = 0; producing; i++) {
        const s = (i + p) % 2 ? A : B;
        const body = `p${p}-${i}`;
        if (await attempt(s, 'SendMessage', { QueueUrl: s.q('restart'), MessageBody: body })) acked.add(body);
        else await sleep(50);
      }
    };
    // Consumers delete what they receive; a delete refused by the outage lets the message come back.
    const consume = async (s: Server) => {
      while (consuming) {
        const got = await attempt(s, 'ReceiveMessage', {
          QueueUrl: s.q('restart'),
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
        });
        const messages = (got?.Messages ?? []) as { Body: string; ReceiptHandle: string }[];
        if (!got) await sleep(50);
        if (messages.length === 0) continue;
        for (const m of messages) received.add(m.Body);
        await attempt(s, 'DeleteMessageBatch', {
          QueueUrl: s.q('restart'),
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        });
      }
    };
    const producers = Promise.all([produce(0), produce(1), produce(2)]);
    const consumers = Promise.all([consume(A), consume(B)]);
    const detail = () =>
      `acked ${acked.size}, received ${received.size}; last answers: ${JSON.stringify(attempts.slice(-5))}\n` +
      `--- PostgreSQL's log\n${c.log().slice(-1500)}`;
    let downAt = 0;
    let restartAt = 0;
    let upAt = 0;
    // Whatever fails, the traffic stops (a consumer left looping would hold the test open).
    try {
      try {
        await eventually(() => acked.size >= 20, 'sends to succeed before the restart', { detail });

        await c.stop();
        downAt = Date.now();
        await sleep(1500);
        assert.ok(isRunning(A) && isRunning(B), 'no server exits while PostgreSQL is down');
        restartAt = Date.now();
        await c.start();
        upAt = Date.now();

        const sentSince = (t: number) => attempts.filter((a) => a.action === 'SendMessage' && a.start >= t);
        await eventually(
          () => sentSince(upAt).some((a) => 'status' in a.answer && a.answer.status === 200),
          'sends to succeed again once PostgreSQL is back',
          { detail },
        );
        // Some more traffic on both servers after the restart.
        await eventually(
          () =>
            ['A', 'B'].every(
              (s) =>
                sentSince(upAt).filter(
                  (a) => a.server === s && 'status' in a.answer && a.answer.status === 200,
                ).length >= 5,
            ),
          'both servers to take sends after the restart',
          { detail },
        );
      } finally {
        producing = false;
        await producers;
      }
      // Last, the consumers drain: every send acknowledged before, during or after the restart.
      await eventually(() => [...acked].every((b) => received.has(b)), 'every acknowledged send received', {
        detail: () => `never received: ${[...acked].filter((b) => !received.has(b)).join(', ')}; ${detail()}`,
      });
    } finally {
      producing = false;
      consuming = false;
      await Promise.all([producers, consumers]);
    }

    // Within the bound, every call had an answer; every refusal was the retryable one.
    const unanswered = attempts.filter((a) => 'failed' in a.answer);
    assert.deepEqual(unanswered, [], 'no call hung past the bound or lost its connection');
    const refused = attempts.filter((a) => 'status' in a.answer && a.answer.status !== 200);
    for (const a of refused)
      assert.deepEqual(
        'status' in a.answer && [a.answer.status, a.answer.code],
        [503, 'ServiceUnavailable'],
        `a retryable 5xx, never a 4xx: ${JSON.stringify(a)}`,
      );
    const whileDown = attempts.filter((a) => a.start >= downAt && a.end <= restartAt);
    assert.ok(whileDown.length >= 3, `calls were made while PostgreSQL was down (${whileDown.length})`);
    assert.ok(
      whileDown.every((a) => 'status' in a.answer && a.answer.status === 503),
      'every call answered while down was refused',
    );
    assert.ok(isRunning(A) && isRunning(B), 'both servers are still running');
  });

  it('reconnects LISTEN: a long poll on one server wakes on a send to the other after the restart', async () => {
    await eventually(async () => (await listeners()).length === 2, 'both servers to LISTEN again');
    const created = await call(A, 'CreateQueue', { QueueName: 'wake' }, BOUND_MS);
    assert.equal(created.status, 200);
    const ms = await wakeLatency(B, A, 'wake');
    assert.ok(
      ms < NOTIFY_WAKE_MS,
      `woke ${ms} ms after the send (best of three): NOTIFY, not the fallback look`,
    );
  });
});
