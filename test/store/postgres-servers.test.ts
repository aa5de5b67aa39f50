/**
 * Several `sluice server` processes on one PostgreSQL database, as behind a
 * load balancer: real child processes, real AWS SDK clients, the machine's
 * PostgreSQL (a database of this file's own, dropped after).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  type Message,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './postgres-db.ts';
import {
  call,
  counts,
  gone,
  NOTIFY_WAKE_MS,
  receive,
  type Server,
  sleep,
  startServer as spawnServer,
  stopServers,
  wakeLatency,
} from './server-processes.ts';

let db: TestDatabase;
const servers: Server[] = [];

async function startServer(url: string): Promise<Server> {
  const server = await spawnServer(url);
  servers.push(server);
  return server;
}

const stopAll = () => stopServers(servers);

describe('several sluice servers on one PostgreSQL', () => {
  let A: Server;
  let B: Server;
  before(async () => {
    db = await createTestDatabase();
    // Two servers starting at once: the migration runs once, under its advisory lock.
    [A, B] = await Promise.all([startServer(db.url), startServer(db.url)]);
  });
  after(async () => {
    await stopAll();
    await db?.drop();
  });

  it('wakes a long poll on one server when another server takes the send', async () => {
    await A.sqs.send(new CreateQueueCommand({ QueueName: 'wake' }));
    // NOTIFY, not the 1 s fallback look, woke it: the wake-up beats the fallback's next look.
    const ms = await wakeLatency(B, A, 'wake');
    assert.ok(ms < NOTIFY_WAKE_MS, `woke ${ms} ms after the send (best of three)`);
  });

  it('takes a receipt handle from one server on the other; both count the same', async () => {
    await A.sqs.send(new CreateQueueCommand({ QueueName: 'handles' }));
    await A.sqs.send(new SendMessageCommand({ QueueUrl: A.q('handles'), MessageBody: 'one' }));
    await A.sqs.send(new SendMessageCommand({ QueueUrl: A.q('handles'), MessageBody: 'two' }));
    const [m] = await receive(A, 'handles', { MaxNumberOfMessages: 1 });
    assert.ok(m?.ReceiptHandle);
    assert.deepEqual(await counts(A, 'handles'), ['1', '1', '0']);
    assert.deepEqual(await counts(B, 'handles'), ['1', '1', '0']);
    await B.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: B.q('handles'),
        ReceiptHandle: m.ReceiptHandle,
        VisibilityTimeout: 60,
      }),
    );
    await B.sqs.send(new DeleteMessageCommand({ QueueUrl: B.q('handles'), ReceiptHandle: m.ReceiptHandle }));
    assert.deepEqual(await counts(A, 'handles'), ['1', '0', '0']);
    const statsA = await (await fetch(`${A.url}/stats`)).json();
    const statsB = await (await fetch(`${B.url}/stats`)).json();
    // The two answers come moments apart: a message's age may have crossed a second in between.
    const ages = (s: { queues: { oldestAgeSeconds: number }[] }) => s.queues.map((q) => q.oldestAgeSeconds);
    const strip = (s: unknown) =>
      JSON.stringify(s)
        .replaceAll(A.url, '')
        .replaceAll(B.url, '')
        .replace(/"oldestAgeSeconds":\d+/g, '');
    assert.equal(strip(statsA), strip(statsB), 'GET /stats agrees on both servers');
    ages(statsA).forEach((age, i) => {
      const other = ages(statsB)[i]!;
      assert.ok(other - age >= 0 && other - age <= 1, `oldest ages ${age} s then ${other} s`);
    });
  });

  it('keeps FIFO groups in order and exclusive across servers', async () => {
    await A.sqs.send(
      new CreateQueueCommand({
        QueueName: 'orders.fifo',
        Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true', VisibilityTimeout: '30' },
      }),
    );
    const groups = ['g1', 'g2', 'g3'];
    for (let i = 0; i < 10; i++) {
      await (i % 2 ? A : B).sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: (i % 2 ? A : B).q('orders.fifo'),
          Entries: groups.map((g) => ({ Id: g, MessageBody: `${g}-${i}`, MessageGroupId: g })),
        }),
      );
    }
    // A duplicate sent to the other server within the window is not stored again.
    await A.sqs.send(
      new SendMessageCommand({ QueueUrl: A.q('orders.fifo'), MessageBody: 'g1-0', MessageGroupId: 'g1' }),
    );
    const seen = new Map<string, string[]>(groups.map((g) => [g, []]));
    const holding = new Set<string>();
    const consumer = async (s: Server) => {
      for (let idle = 0; idle < 3; ) {
        const got = await receive(s, 'orders.fifo', {
          MaxNumberOfMessages: 3,
          MessageSystemAttributeNames: ['MessageGroupId'],
        });
        if (got.length === 0) {
          idle++;
          continue;
        }
        idle = 0;
        const mine = new Set(got.map((m) => m.Attributes!.MessageGroupId!));
        for (const g of mine) {
          assert.ok(!holding.has(g), `group ${g} handed to two receivers at once`);
          holding.add(g);
        }
        for (const m of got) seen.get(m.Attributes!.MessageGroupId!)!.push(m.Body!);
        await sleep(5);
        for (const g of mine) holding.delete(g);
        await s.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: s.q('orders.fifo'),
            Entries: got.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
      }
    };
    await Promise.all([consumer(A), consumer(B), consumer(A), consumer(B)]);
    for (const g of groups)
      assert.deepEqual(
        seen.get(g),
        Array.from({ length: 10 }, (_, i) => `${g}-${i}`),
      );
  });

  it('loses no acknowledged message when a server is SIGKILLed under load; its in-flight messages come back', async () => {
    await A.sqs.send(
      new CreateQueueCommand({ QueueName: 'failover', Attributes: { VisibilityTimeout: '2' } }),
    );
    const acked = new Set<string>();
    const received = new Set<string>();
    let killed = false;
    // Producers send through A until it dies, then retry against B, as behind a load balancer.
    const produce = async (p: number) => {
      for (let i = 0; i < 40; i++) {
        const body = `p${p}-${i}`;
        for (const s of killed ? [B] : [A, B]) {
          try {
            await s.sqs.send(new SendMessageCommand({ QueueUrl: s.q('failover'), MessageBody: body }));
            acked.add(body);
            break;
          } catch {
            // unanswered: not acknowledged; the next server gets it (a duplicate is allowed, a loss is not)
          }
        }
      }
    };
    const consume = async (s: Server, stopAt: () => boolean) => {
      while (!stopAt()) {
        let got: Message[] = [];
        try {
          got = await receive(s, 'failover', { WaitTimeSeconds: 1 });
        } catch {
          return;
        }
        for (const m of got) {
          received.add(m.Body!);
          await s.sqs
            .send(new DeleteMessageCommand({ QueueUrl: s.q('failover'), ReceiptHandle: m.ReceiptHandle! }))
            .catch(() => {});
        }
      }
    };
    // A's consumer takes messages and never deletes some: they are in flight on A when it dies.
    const strandedOnA = await (async () => {
      await A.sqs.send(new SendMessageCommand({ QueueUrl: A.q('failover'), MessageBody: 'stranded' }));
      acked.add('stranded');
      return receive(A, 'failover', { MaxNumberOfMessages: 1 });
    })();
    assert.equal(strandedOnA[0]?.Body, 'stranded');
    let producing = true;
    const producers = Promise.all([0, 1, 2].map(produce)).then(() => {
      producing = false;
    });
    const giveUp = Date.now() + 30_000;
    const consumers = Promise.all([
      consume(A, () => killed),
      consume(B, () => Date.now() > giveUp || (!producing && [...acked].every((b) => received.has(b)))),
    ]);
    await sleep(400);
    A.child.kill('SIGKILL');
    killed = true;
    await gone(A);
    await producers;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && [...acked].some((b) => !received.has(b))) await sleep(200);
    await consumers;
    const lost = [...acked].filter((b) => !received.has(b));
    assert.deepEqual(lost, [], 'every acknowledged send was received');
    assert.ok(
      received.has('stranded'),
      'the message in flight on the killed server came back after its visibility timeout',
    );
    servers.splice(servers.indexOf(A), 1);
    A = await startServer(db.url);
  });

  it('answers a retryable 5xx while its database connections are cut, and recovers by itself', async () => {
    // The machine's PostgreSQL is shared, so it is not restarted here: the servers' backends are
    // terminated instead (pg_terminate_backend), as a restart does to them.
    await A.sqs.send(new CreateQueueCommand({ QueueName: 'outage' }));
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    const statuses: number[] = [];
    let ok = 0;
    let stop = false;
    const traffic = (async () => {
      for (let i = 0; !stop; i++) {
        const s = i % 2 ? A : B;
        const res = await call(s, 'SendMessage', { QueueUrl: s.q('outage'), MessageBody: `m${i}` }, 15_000);
        if (res.status === 200) ok++;
        else statuses.push(res.status);
      }
    })();
    try {
      for (let round = 0; round < 3; round++) {
        await sleep(200);
        await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'sluice'",
        );
      }
      await sleep(500);
      const before = ok;
      await sleep(1500);
      assert.ok(ok > before, 'sends succeed again once connections are back');
    } finally {
      stop = true;
      await traffic;
      await admin.end();
    }
    // ServiceUnavailable, which the AWS SDKs retry; never a 4xx that would make a client give up.
    for (const status of statuses) assert.equal(status, 503);
    // Both servers still answer, and the long poll wake-up works again (the listener reconnected).
    const poll = receive(B, 'wake', { WaitTimeSeconds: 10 });
    await sleep(1500);
    await A.sqs.send(new SendMessageCommand({ QueueUrl: A.q('wake'), MessageBody: 'after' }));
    assert.deepEqual(
      (await poll).map((m) => m.Body),
      ['after'],
    );
  });
});
