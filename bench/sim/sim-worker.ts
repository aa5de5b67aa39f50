/**
 * The simulation's worker, run by `sluice scale` as `sluice worker <this file>`
 * in every process of the pool. Each message takes SIM_HANDLER_MS (a fixed
 * sleep, like an I/O-bound handler), so a process with WORKER_CONCURRENCY c
 * clears about c × 1000 ÷ SIM_HANDLER_MS messages a second. Once handled, the
 * message is appended to SIM_RECORD_FILE as "<WORKER_ID> <body>", so the
 * simulation can check that every message sent was handled.
 */
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineWorker } from '../../src/index.ts';

const recordFile = process.env.SIM_RECORD_FILE;
if (!recordFile) throw new Error('SIM_RECORD_FILE must name the file handled messages are recorded in');
const workerId = process.env.WORKER_ID ?? 'unknown';
const handlerMs = Number(process.env.SIM_HANDLER_MS ?? 50);

export const simWorker = defineWorker({
  queue: process.env.SIM_QUEUE ?? 'sim-jobs',
  handler: async (message) => {
    await sleep(handlerMs);
    appendFileSync(recordFile, `${workerId} ${message.rawBody}\n`);
  },
});
