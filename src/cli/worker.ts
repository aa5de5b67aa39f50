/**
 * `sluice worker <file>`: runs, in this process, every worker the file
 * exports (named or default exports, or arrays of them, made by defineWorker),
 * against SLUICE_ENDPOINT or Amazon SQS, configured from WORKER_* variables.
 * SIGTERM/SIGINT drain the workers (nothing lost, nothing left in flight) and
 * the process exits 0. A bad file or variable is one line and exit 1.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineCommand } from 'citty';
import { importUserModule } from '../config/user-module.ts';
import { isWorkerDefinition, type WorkerDefinition } from '../worker/define.ts';
import { runWorkers } from '../worker/run.ts';
import { applyLogArgs, logArgs } from './common/log-options.ts';

/** The worker definitions among a module's exports, each once. */
export function workersOf(module: Record<string, unknown>): WorkerDefinition[] {
  const found = new Set<WorkerDefinition>();
  for (const value of Object.values(module)) {
    for (const item of Array.isArray(value) ? value : [value]) if (isWorkerDefinition(item)) found.add(item);
  }
  return [...found];
}

export default defineCommand({
  meta: { name: 'worker', description: 'Run the workers a file exports, in one process' },
  args: {
    file: { type: 'positional', required: true, description: 'Module exporting defineWorker(...) results' },
    ...logArgs,
  },
  async run({ args }) {
    applyLogArgs(args);
    const path = resolve(String(args.file));
    if (!existsSync(path)) throw new Error(`${args.file}: no such file`);
    const workers = workersOf(await importUserModule(path));
    if (workers.length === 0) throw new Error(`${args.file} exports no worker (see defineWorker)`);
    const running = await runWorkers(workers);
    await running.done;
  },
});
