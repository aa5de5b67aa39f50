/**
 * `sluice scale <worker file>`: runs the file's workers as a pool of
 * processes (WORKER_ID `<prefix>-1…N`), at `--workers N`, or autoscaled by
 * the policy the flags describe from live samples of the queues the workers
 * read. Crashed processes restart with backoff; one over `--memory-limit`
 * is drained and restarted; scale-in drains the newest. SIGTERM/SIGINT drain
 * them all and exit 0. See src/scale/run-scale.ts.
 *
 * Examples:
 *   sluice scale worker.ts --workers 4
 *   sluice scale worker.ts --min 1 --max 10 --target 100 --steps 300-600:+1,600:+2 --evaluation-periods 2
 *   sluice scale worker.ts --min 0 --max 30 --target 50000 --memory-limit 512M
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineCommand } from 'citty';
import { createClient } from '../client/index.ts';
import { readWorkerEnv } from '../config/worker-env.ts';
import { createLogger } from '../observe/logger.ts';
import { parseScalePolicy } from '../scale/config.ts';
import { runScale } from '../scale/run-scale.ts';
import { observeQueue } from '../scale/sampler.ts';
import { connectionArgs, connectionOf } from './common/connection.ts';
import { intOption, stringOption } from './common/options.ts';
import { about } from './common/queue.ts';
import {
  bytesOption,
  hasPolicyFlags,
  numberOption,
  policyArgs,
  policyInputOf,
} from './common/scale-options.ts';
import { workersOf } from './worker.ts';

export default defineCommand({
  meta: { name: 'scale', description: 'Run a worker file as a pool of processes, fixed or autoscaled' },
  args: {
    file: { type: 'positional', required: true, description: 'Module exporting defineWorker(...) results' },
    workers: { type: 'string', description: 'A fixed number of worker processes (no autoscaling)' },
    ...policyArgs,
    'sample-interval': {
      type: 'string',
      description: 'Seconds between queue samples (default: period ÷ 4, ≥ 1)',
    },
    'memory-limit': {
      type: 'string',
      description: 'Drain and restart a process whose memory exceeds this (512M, 1G)',
    },
    'drain-timeout': {
      type: 'string',
      description: 'Seconds a draining process gets before SIGKILL (default 60)',
    },
    prefix: { type: 'string', description: 'WORKER_ID prefix (default <hostname>)' },
    ...connectionArgs,
  },
  async run({ args }) {
    const path = resolve(String(args.file));
    if (!existsSync(path)) throw new Error(`${args.file}: no such file`);
    const fixed = intOption(args, 'workers', 0, 1000);
    if (fixed !== undefined && hasPolicyFlags(args))
      throw new Error('--workers sets a fixed count: leave out the policy flags (--min, --max, --target, …)');
    if (fixed === undefined && !hasPolicyFlags(args))
      throw new Error('give --workers N, or a policy: --max with --target, --latency or --steps');
    const policy = fixed === undefined ? parseScalePolicy(policyInputOf(args)) : undefined;
    const sampleSeconds = numberOption(args, 'sample-interval', 0.1);
    const drainSeconds = numberOption(args, 'drain-timeout');
    const memoryLimitBytes = bytesOption(args, 'memory-limit');
    const connection = connectionOf(args, process.env);
    // The pool's own health server takes the worker's variables (port 3003 by default).
    const env = readWorkerEnv({ ...process.env, WORKER_ID: 'scale' });
    const prefix = stringOption(args, 'prefix') ?? hostname();

    const workers = workersOf((await import(pathToFileURL(path).href)) as Record<string, unknown>);
    if (workers.length === 0) throw new Error(`${args.file} exports no worker (see defineWorker)`);
    const log = createLogger();
    const client = createClient({
      ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
      ...(connection.region ? { region: connection.region } : {}),
    });
    try {
      const refs = [...new Set(workers.flatMap((w) => w.queues.map((q) => q.queue)))];
      const urls = await Promise.all(
        refs.map((ref) =>
          /^https?:\/\//.test(ref)
            ? ref
            : about(ref, client.getQueueUrl({ QueueName: ref })).then((r) => r.QueueUrl),
        ),
      );
      const childEnv = {
        ...process.env,
        ...(connection.endpoint ? { SLUICE_ENDPOINT: connection.endpoint } : {}),
        ...(connection.region ? { AWS_REGION: connection.region } : {}),
      };
      const running = await runScale({
        workerFile: path,
        mode: policy
          ? {
              policy,
              observe: () =>
                Promise.all(
                  urls.map((queueUrl) =>
                    observeQueue({
                      client,
                      queueUrl,
                      ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
                    }),
                  ),
                ),
            }
          : { fixed: fixed ?? 0 },
        log,
        idPrefix: prefix,
        env: childEnv,
        health: { host: env.healthHost, port: env.healthPort },
        ...(memoryLimitBytes !== undefined ? { memoryLimitBytes } : {}),
        ...(drainSeconds !== undefined ? { drainTimeoutMs: drainSeconds * 1000 } : {}),
        ...(sampleSeconds !== undefined ? { sampleIntervalMs: sampleSeconds * 1000 } : {}),
      });
      await running.done;
    } finally {
      await client.close();
    }
  },
});
