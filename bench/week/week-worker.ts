/**
 * The week's worker, run by `sluice scale` as `sluice worker <this file>` in
 * every process of the pool: each message awaits WEEK_HANDLER_MS (an I/O-bound
 * call, such as a push provider) and is then recorded — its id appended to a
 * file of this process's own in WEEK_RECORD_DIR, one write per message (an
 * O_APPEND write: a killed process loses no recorded line) — so the bench can
 * prove every message was handled. Concurrency and batch size come from the
 * environment (WORKER_CONCURRENCY, WORKER_BATCH_SIZE), as in production.
 */
import { openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineWorker } from '../../src/index.ts';

const dir = process.env.WEEK_RECORD_DIR;
if (!dir) throw new Error('WEEK_RECORD_DIR must name the directory handled ids are recorded in');
const handlerMs = Number(process.env.WEEK_HANDLER_MS ?? 50);
const record = openSync(join(dir, `${process.env.WORKER_ID ?? 'worker'}-${process.pid}.ids`), 'a');

export const weekWorker = defineWorker({
  queue: process.env.WEEK_QUEUE ?? 'week',
  handler: async (message) => {
    await sleep(handlerMs);
    // Bodies are "m<id>:xxxx…" (bench/lib/run.ts).
    writeSync(record, `${Number.parseInt(message.rawBody.slice(1), 10)}\n`);
  },
});
