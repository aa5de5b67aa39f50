/**
 * The other consumers of bench:worker, run in this process against the same
 * `sluice server`: sqs-consumer (a devDependency, used unchanged) and
 * squiss-ts (installed on demand into bench/.peers). Each drains the queue
 * with the same handler until `n` messages are done or `limitMs` passes —
 * sqs-consumer's defaults handle one message at a time, so a full 20,000 at
 * 50 ms each would take a quarter of an hour; its rate over the window is what
 * counts.
 */
import { createRequire } from 'node:module';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Consumer } from 'sqs-consumer';
import { peerPath } from '../lib/peers.ts';

export const SQUISS_VERSION = '5.6.0';

export interface Drain {
  processed: number;
  seconds: number;
}

export interface PeerRun {
  endpoint: string;
  queueUrl: string;
  n: number;
  limitMs: number;
  handler: () => Promise<void>;
}

const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };

/** Resolves when `n` are done or the window closes; `stop` ends the consumer. */
function drain(n: number, limitMs: number, stop: () => void): { count(): void; done: Promise<Drain> } {
  const start = performance.now();
  let processed = 0;
  let finish!: (d: Drain) => void;
  const done = new Promise<Drain>((r) => {
    finish = r;
  });
  const end = () => {
    clearTimeout(timer);
    stop();
    finish({ processed, seconds: (performance.now() - start) / 1000 });
  };
  const timer = setTimeout(end, limitMs);
  return {
    count() {
      processed++;
      if (processed === n) end();
    },
    done,
  };
}

export function runSqsConsumer(run: PeerRun, batchSize?: number): Promise<Drain> {
  const sqs = new SQSClient({ endpoint: run.endpoint, region: 'us-east-1', credentials });
  let consumer: Consumer | undefined;
  const d = drain(run.n, run.limitMs, () => consumer?.stop());
  consumer = Consumer.create({
    queueUrl: run.queueUrl,
    sqs,
    ...(batchSize ? { batchSize } : {}),
    handleMessage: async (message) => {
      await run.handler();
      d.count();
      return message;
    },
  });
  consumer.on('error', () => {});
  consumer.start();
  return d.done;
}

interface SquissMessage {
  del(): Promise<void>;
}
interface SquissInstance {
  on(event: 'message', fn: (m: SquissMessage) => void): void;
  on(event: string, fn: (...args: unknown[]) => void): void;
  start(): Promise<void>;
  stop(): Promise<unknown>;
}

export function runSquiss(run: PeerRun, maxInFlight: number): Promise<Drain> {
  const require = createRequire(import.meta.url);
  const { Squiss } = require(peerPath('squiss-ts')) as {
    Squiss: new (options: Record<string, unknown>) => SquissInstance;
  };
  const squiss = new Squiss({
    queueUrl: run.queueUrl,
    maxInFlight,
    receiveBatchSize: 10,
    bodyFormat: 'plain',
    awsConfig: { endpoint: run.endpoint, region: 'us-east-1', credentials },
  });
  const d = drain(run.n, run.limitMs, () => void squiss.stop());
  squiss.on('message', (message) => {
    run.handler().then(() => {
      d.count();
      return message.del();
    });
  });
  squiss.on('error', () => {});
  void squiss.start();
  return d.done;
}
