/**
 * sluice under the latency benchmark, the way a user runs it: a worker
 * (`startWorker`, a no-op handler) and a producer in this process, against
 * (a) the durable file store in this process (`createClient({ store })`) or
 * (b) a `sluice server` child process over HTTP (the producer on
 * @aws-sdk/client-sqs, the worker on sluice's own AWS client).
 */
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { pino } from 'pino';
import { awsClient } from '../../src/client/aws.ts';
import { createClient } from '../../src/client/index.ts';
import type { QueueClient } from '../../src/client/queue-client.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { defineWorker } from '../../src/worker/define.ts';
import { startWorker } from '../../src/worker/worker.ts';
import { body } from '../lib/run.ts';
import { client as sdkClient } from '../server/load.ts';
import { startTarget } from '../server/targets.ts';
import type { Sender } from './pace.ts';
import { idOf, type Timeline } from './timeline.ts';

export interface System extends Sender {
  readonly name: string;
  readonly version: string;
  close(): Promise<void>;
}

export interface SystemOptions {
  timeline: Timeline;
  dataDir: string;
  concurrency: number;
  bodyBytes: number;
  version: string;
}

const QUEUE = 'latency';
const silent = pino({ level: 'silent' });

/** The client, with each receive's messages noted as they reach the worker (every call still goes through). */
function noteReceives(client: QueueClient, timeline: Timeline): QueueClient {
  return {
    ...client,
    async receiveMessage(input, options) {
      const out = await client.receiveMessage(input, options);
      if (out.Messages?.length) timeline.received(out.Messages.map((m) => idOf(m.Body)));
      return out;
    },
  };
}

function worker(client: QueueClient, o: SystemOptions) {
  return startWorker(
    defineWorker({
      queue: QUEUE,
      concurrency: o.concurrency,
      batchSize: 10,
      handler: (m) => o.timeline.started(idOf(m.body)),
    }),
    { client: noteReceives(client, o.timeline), logger: silent },
  );
}

export async function sluiceInProcess(sync: 'FULL' | 'NORMAL', o: SystemOptions): Promise<System> {
  const store = openSqliteStore({
    path: join(o.dataDir, `in-process-${sync.toLowerCase()}.sqlite`),
    synchronous: sync,
  });
  const client = createClient({ store });
  const { QueueUrl } = await client.createQueue({ QueueName: QUEUE });
  const running = worker(client, o);
  return {
    name: `sluice in-process (sync ${sync.toLowerCase()})`,
    version: o.version,
    send: async (id) => {
      await client.sendMessage({ QueueUrl, MessageBody: body(id, o.bodyBytes) });
    },
    async close() {
      await running.stop();
      await client.close();
      await store.close();
    },
  };
}

export async function sluiceOverHttp(sync: 'FULL' | 'NORMAL', o: SystemOptions): Promise<System> {
  const target = await startTarget(
    sync === 'FULL' ? 'sluice-file-full' : 'sluice-file-normal',
    join(o.dataDir, `server-${sync.toLowerCase()}`),
  );
  const producer = sdkClient(target.url);
  const consumer = awsClient({
    endpoint: target.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  const { QueueUrl } = await consumer.createQueue({ QueueName: QUEUE });
  const running = worker(consumer, o);
  return {
    name: `sluice over HTTP (sync ${sync.toLowerCase()})`,
    version: o.version,
    send: async (id) => {
      await producer.send(new SendMessageCommand({ QueueUrl, MessageBody: body(id, o.bodyBytes) }));
    },
    async close() {
      await running.stop();
      await consumer.close();
      producer.destroy();
      await target.stop();
    },
  };
}
