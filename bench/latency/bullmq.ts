/**
 * BullMQ under the latency benchmark: the npm package (installed on demand
 * into bench/.peers with ioredis, never a dependency of sluice) on the local
 * Redis, a Worker with the same concurrency and a no-op processor, jobs
 * carrying a body of the same size. The Redis server's persistence settings
 * are reported beside the numbers: BullMQ is only as durable as they make it.
 */
import { createRequire } from 'node:module';
import { ensurePeers, peerPath } from '../lib/peers.ts';
import { body } from '../lib/run.ts';
import type { System, SystemOptions } from './sluice.ts';

export const BULLMQ_PEERS = { bullmq: '6.7.0', ioredis: '6.0.0' } as const;

interface Job {
  data: { id: number; body: string };
}
interface BullQueue {
  add(name: string, data: Job['data'], opts: Record<string, unknown>): Promise<unknown>;
  obliterate(opts: { force: boolean }): Promise<void>;
  close(): Promise<void>;
}
interface BullWorker {
  waitUntilReady(): Promise<unknown>;
  close(): Promise<void>;
}
interface Bull {
  Queue: new (name: string, opts: Record<string, unknown>) => BullQueue;
  Worker: new (
    name: string,
    processor: (job: Job) => Promise<void>,
    opts: Record<string, unknown>,
  ) => BullWorker;
}
interface Redis {
  info(section: string): Promise<string>;
  config(op: 'GET', key: string): Promise<string[]>;
  quit(): Promise<unknown>;
}

export const ensureBullmq = (log: (line: string) => void): void => ensurePeers(BULLMQ_PEERS, log);

/** Redis's version and persistence, e.g. `Redis 7.0.15, appendonly no, save "3600 1 …"`. */
async function describeRedis(RedisClass: new (url: string) => Redis, url: string): Promise<string> {
  const redis = new RedisClass(url);
  try {
    const version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
    const [, appendonly] = await redis.config('GET', 'appendonly');
    const [, fsync] = await redis.config('GET', 'appendfsync');
    const [, save] = await redis.config('GET', 'save');
    return `Redis ${version}, appendonly ${appendonly}${appendonly === 'yes' ? ` (appendfsync ${fsync})` : ''}, save "${save}"`;
  } finally {
    await redis.quit();
  }
}

export async function bullmq(redisUrl: string, o: SystemOptions): Promise<System> {
  const require = createRequire(peerPath('bullmq', 'package.json'));
  const { Queue, Worker } = require('bullmq') as Bull;
  const RedisClass = createRequire(peerPath('ioredis', 'package.json'))('ioredis') as {
    default: new (url: string) => Redis;
  };
  const redis = await describeRedis(RedisClass.default, redisUrl);
  const { hostname, port } = new URL(redisUrl);
  const connection = { host: hostname, port: Number(port || 6379), maxRetriesPerRequest: null };
  // A name of its own per run: other users of this Redis are left alone.
  const name = `sluice-bench-latency-${process.pid}`;
  const queue = new Queue(name, { connection });
  const worker = new Worker(
    name,
    async (job) => {
      o.timeline.started(job.data.id);
    },
    { connection, concurrency: o.concurrency },
  );
  await worker.waitUntilReady();
  return {
    name: 'BullMQ',
    version: `${BULLMQ_PEERS.bullmq} (ioredis ${BULLMQ_PEERS.ioredis}; ${redis})`,
    send: async (id) => {
      await queue.add(
        'm',
        { id, body: body(id, o.bodyBytes) },
        { removeOnComplete: true, removeOnFail: true },
      );
    },
    async close() {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    },
  };
}
