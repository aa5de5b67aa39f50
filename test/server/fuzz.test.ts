/**
 * Fuzz: SLUICE_FUZZ_COUNT (default 10,000) malformed requests against a live
 * server (fuzz-cases.ts), plus malformed HTTP written straight to sockets.
 * Every one must get a 4xx SQS error that parses in its protocol, the server
 * must stay up, and the stored queues and messages must be exactly as before.
 * SLUICE_FUZZ_SEED replays a run.
 */
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import * as S from '@aws-sdk/client-sqs';
import { type FuzzCase, makeCase, rng } from './fuzz-cases.ts';
import { startTestServer, type TestServer } from './harness.ts';

const COUNT = Number(process.env.SLUICE_FUZZ_COUNT ?? 10_000);
const SEED = Number(process.env.SLUICE_FUZZ_SEED ?? Date.now() % 1_000_000);
const MAX_BODY = 16 * 1024;
const CONCURRENCY = 16;

let t: TestServer;
before(async () => {
  t = await startTestServer({ maxBodyBytes: MAX_BODY });
});
after(() => t.close());

const XML_ERROR =
  /^<\?xml version="1\.0"\?><ErrorResponse xmlns="http:\/\/queue\.amazonaws\.com\/doc\/2012-11-05\/"><Error><Type>Sender<\/Type><Code>[\w.]+<\/Code><Message>[^<]*<\/Message><Detail\/><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/;

/** Why a response is not a proper SQS error in its protocol, or undefined if it is. */
function problem(
  c: FuzzCase,
  status: number,
  headers: Record<string, unknown>,
  body: string,
): string | undefined {
  if (status < 400 || status > 499) return `status ${status}`;
  if (!headers['x-amzn-requestid']) return 'no x-amzn-RequestId';
  // A GET that names no action is answered as AWS's front door answers it: 404, a bare element.
  if (c.protocol === 'query' && c.method === 'GET' && body === '<UnknownOperationException/>')
    return status === 404 && !/[?&]Action=/.test(c.path)
      ? undefined
      : 'UnknownOperationException where an action is named';
  if (c.protocol === 'query') return XML_ERROR.test(body) ? undefined : 'not an XML ErrorResponse';
  try {
    const parsed = JSON.parse(body) as { __type?: unknown; message?: unknown };
    if (typeof parsed.__type !== 'string' || !/^com\.amazonaws\.sqs#\w+$/.test(parsed.__type))
      return 'no __type';
    if (typeof parsed.message !== 'string') return 'no message';
    if (!String(headers['x-amzn-query-error'] ?? '').endsWith(';Sender')) return 'no x-amzn-query-error';
  } catch {
    return 'not JSON';
  }
  return undefined;
}

function send(
  agent: Agent,
  c: FuzzCase,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.url}${c.path}`, { method: c.method, headers: c.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(c.body);
  });
}

/** Requests node's parser refuses: they must still get an XML SQS error, then a closed connection. */
const RAW = [
  'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
  'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
  'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
  'BREW / HTTP/1.1\r\n\r\n',
  'GARBAGE\r\n\r\n',
  `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
  'POST / HTTP/1.1\r\nHost: x\r\nX-Bad\u0001: y\r\n\r\n',
];

function raw(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(t.url).port), '127.0.0.1');
    let out = '';
    socket.on('data', (d) => {
      out += d;
    });
    socket.on('end', () => resolve(out));
    socket.on('error', (e: NodeJS.ErrnoException) =>
      e.code === 'ECONNRESET' && out ? resolve(out) : reject(e),
    );
    socket.end(text);
  });
}

async function snapshot() {
  const { QueueUrls = [] } = await t.sqs.send(new S.ListQueuesCommand({}));
  const queues = await Promise.all(
    QueueUrls.map(async (QueueUrl) => ({
      QueueUrl,
      attributes: (await t.sqs.send(new S.GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] })))
        .Attributes,
      tags: (await t.sqs.send(new S.ListQueueTagsCommand({ QueueUrl }))).Tags,
    })),
  );
  // Everything but the age of the oldest message, which moves with the clock.
  const stats = (await t.server.store.stats()).map(({ oldestAgeSeconds: _, ...rest }) => rest);
  return { queues, stats };
}

describe(`fuzz: ${COUNT} malformed requests (seed ${SEED})`, () => {
  it('answers every one with a 4xx SQS error and changes nothing', async () => {
    const a = (await t.sqs.send(new S.CreateQueueCommand({ QueueName: 'fuzz-a', tags: { team: 't' } })))
      .QueueUrl!;
    const b = (
      await t.sqs.send(
        new S.CreateQueueCommand({ QueueName: 'fuzz-b.fifo', Attributes: { FifoQueue: 'true' } }),
      )
    ).QueueUrl!;
    const bodies = Array.from({ length: 20 }, (_, i) => `message ${i}`);
    for (let i = 0; i < bodies.length; i += 10) {
      const Entries = bodies.slice(i, i + 10).map((MessageBody, j) => ({ Id: `m${j}`, MessageBody }));
      await t.sqs.send(new S.SendMessageBatchCommand({ QueueUrl: a, Entries }));
    }
    await t.sqs.send(
      new S.SendMessageCommand({
        QueueUrl: b,
        MessageBody: 'fifo',
        MessageGroupId: 'g',
        MessageDeduplicationId: 'd',
      }),
    );
    const before = await snapshot();

    const r = rng(SEED);
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const failures: string[] = [];
    const kinds = new Map<string, number>();
    let next = 0;
    const worker = async () => {
      while (next < COUNT) {
        const i = next++;
        if (r() < 0.01) {
          const text = RAW[i % RAW.length]!;
          const answer = await raw(text);
          const [head = '', body = ''] = answer.split('\r\n\r\n');
          if (!/^HTTP\/1\.1 4\d\d /.test(head) || !XML_ERROR.test(body))
            failures.push(`raw ${JSON.stringify(text.slice(0, 40))}: ${answer.slice(0, 200)}`);
          continue;
        }
        const c = makeCase(r, { queueUrl: i % 2 ? a : b, maxBody: MAX_BODY });
        kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
        try {
          const res = await send(agent, c);
          const why = problem(c, res.status, res.headers, res.body);
          if (why)
            failures.push(
              `${c.kind} (${why}): ${c.method} ${c.path} ${JSON.stringify(c.headers)} ${c.body.toString().slice(0, 120)} → ${res.status} ${res.body.slice(0, 200)}`,
            );
        } catch (e) {
          failures.push(`${c.kind}: ${String(e)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    agent.destroy();
    assert.deepEqual(
      failures.slice(0, 10),
      [],
      `${failures.length} failures (seed ${SEED}), kinds ${JSON.stringify([...kinds])}`,
    );

    assert.equal((await fetch(`${t.url}/health`)).status, 200);
    assert.deepEqual(await snapshot(), before);
    const { Messages = [] } = await t.sqs.send(
      new S.ReceiveMessageCommand({ QueueUrl: a, MaxNumberOfMessages: 10 }),
    );
    const { Messages: more = [] } = await t.sqs.send(
      new S.ReceiveMessageCommand({ QueueUrl: a, MaxNumberOfMessages: 10 }),
    );
    assert.deepEqual([...Messages, ...more].map((m) => m.Body).sort(), [...bodies].sort());
  });
});
