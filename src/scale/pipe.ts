/**
 * The zero-scale pipe (`sluice pipe <queue> -- <command…>`): no process runs
 * while the queue is empty; each batch of messages runs the command once, in
 * a child process, with the batch as the JSON array of Pipes records
 * (pipe-records.ts) in SQS_BODY — or, when that array is too big for one
 * environment variable, in a file whose path is in SQS_BODY_FILE (exactly
 * one of the two is set; pipe-files.ts). Exit 0 deletes the batch, but for
 * the records the child lists as failed in the file SQS_RESULT_FILE names
 * (Lambda's batchItemFailures; pipe-report.ts); anything else leaves it for
 * retry: nothing is sent, its visibility lapses, and the queue's own
 * ApproximateReceiveCount and redrive policy (the DLQ) decide what follows.
 *
 * A batch is sized by the bytes received, never by a guess: a record joins
 * it only if the array stays within SQS_BODY's budget (MAX_SQS_BODY_BYTES,
 * less when the rest of the environment is big), except the first record of
 * a batch, which always does (alone over the budget, it goes by file). The
 * records of a receive that do not fit are CARRIED: still held (the
 * heartbeat keeps them invisible), they open the next batch, whose window
 * dates from their receipt. Handing them back instead would count a receive
 * against maxReceiveCount for nothing.
 *
 * The command is checked before anything is received (pipe-command.ts): not
 * found or not executable → runPipe rejects with a PipeSpawnError at once.
 *
 * The pipe's states (one receive loop, up to `maxChildren` children):
 *
 *   WATCHING   nothing held and a child slot free. Carried records, if any,
 *              open the batch first (→ FILLING, or a launch when they fill
 *              it or their window has closed); no receive while any are
 *              left. Otherwise one long poll (20 s) for min(batchSize, 10)
 *              messages. Empty → WATCHING again (after 1 s if it came back
 *              before its wait was up, so a server that does not wait is no
 *              hot loop; after a capped, jittered backoff if it failed).
 *              Messages → FILLING, or straight to a launch when the window
 *              is 0 (one receive makes a batch).
 *   FILLING    a batch short of `batchSize` is held, the heartbeat keeping
 *              every message invisible from its own receipt; the window is
 *              open until the first receipt + `windowSeconds`. Long polls ask
 *              for what is missing (≤ 10) and wait what is left of the window
 *              (rounded up to whole seconds, ≤ 20: like Pipes, a window may run
 *              over by up to one wait). Launch when the batch is full — by
 *              count, or by bytes (a received record did not fit and is
 *              carried) — or the window has closed. A launch spawns the child
 *              → WATCHING, or SATURATED when `maxChildren` now run.
 *   SATURATED  `maxChildren` children run and no receive is open (messages
 *              are only taken when a child can start on them; carried ones
 *              stay held). A child's exit → WATCHING.
 *   STOPPING   the loop saw the halt: `signal` aborted (every child has been
 *              sent SIGTERM at once) or the command could not be spawned at
 *              all (ENOENT, EACCES: no child is signalled). The open receive
 *              ended at once; a batch being filled and the carried records
 *              are handed back (visibility 0; their receive counts stay as
 *              SQS keeps them); the running children are waited for, each
 *              batch settled as usual.
 *   STOPPED    no child runs; the deletes and visibility changes are sent,
 *              the pipe's files removed; `runPipe` resolves (or rejects with
 *              the PipeSpawnError).
 *
 * A batch, once launched: RUNNING (its leases extended by the worker's
 * Heartbeat: at two thirds of each window, back to the full visibility
 * timeout, up to SQS's 12 hours) → exit 0 with no report: DELETED (the
 * worker's Acker: DeleteMessageBatch, 10 per call, retried once) | exit 0
 * listing records: PARTIAL (the others DELETED, those LEFT) | exit ≠ 0,
 * killed by a signal, exit 0 with an unusable report, or not spawned: LEFT
 * (leases dropped, nothing sent).
 *
 * The loop's awaits: the receive (`#receive`), the pause after an empty or
 * failed one, the wait for a free slot, and, once stopping, the children.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Logger } from 'pino';
import type { QueueClient } from '../client/queue-client.ts';
import { createLogger } from '../observe/logger.ts';
import { MAX_RECEIVE, MAX_VISIBILITY_TIMEOUT, MAX_WAIT_SECONDS } from '../sqs/limits.ts';
import type { Message } from '../sqs/types.ts';
import { type Clock, systemClock } from '../time/clock.ts';
import { Acker } from '../worker/acker.ts';
import { receiveErrorDelayMs } from '../worker/backoff.ts';
import { Batcher } from '../worker/batcher.ts';
import { coerceError, safeLogger } from '../worker/boundary.ts';
import { Heartbeat, type Lease, type VisibilityEntry } from '../worker/heartbeat.ts';
import { commandProblem } from './pipe-command.ts';
import { type BatchFiles, PipeFiles } from './pipe-files.ts';
import {
  BATCH_SIZE,
  batchingProblem,
  MAX_CHILDREN,
  VISIBILITY_TIMEOUT,
  WINDOW_SECONDS,
} from './pipe-options.ts';
import { type PipeSource, pipeRecord, pipeSource } from './pipe-records.ts';
import { parseReport } from './pipe-report.ts';

/**
 * SQS_BODY's byte budget: Linux refuses one environment string over 128 KiB
 * (MAX_ARG_STRLEN) with E2BIG; this is that, less `SQS_BODY=` and its NUL.
 */
export const MAX_SQS_BODY_BYTES = 131_072 - 'SQS_BODY='.length - 1;

/**
 * What the child's argv and environment may take in all, strings and their
 * pointers, as the kernel counts them against ARG_MAX: half of Linux's usual
 * 2 MiB (a quarter of an 8 MiB stack), so a big environment shrinks
 * SQS_BODY's budget before exec refuses it.
 */
const ARG_BUDGET = 1 << 20;

/** Room kept in ARG_BUDGET for SQS_RESULT_FILE and SQS_BODY_FILE (two paths in the temp dir). */
const PATHS_ROOM = 8192;

/** Set by the pipe for each batch; never inherited. */
const PIPE_VARIABLES = ['SQS_BODY', 'SQS_BODY_FILE', 'SQS_RESULT_FILE'] as const;

/** Where spawn looks for a command when the children's environment has no PATH (Node's child_process). */
const DEFAULT_PATH = '/usr/bin:/bin';

/** After an empty receive that came back before its wait was up. */
const EMPTY_PAUSE_MS = 1000;

/** Spawn failures of this batch or this moment (the next may spawn); any other means the command cannot run. */
const TRANSIENT_SPAWN_ERRORS = new Set(['E2BIG', 'EAGAIN', 'EMFILE', 'ENFILE', 'ENOMEM']);

export interface PipeCommand {
  readonly file: string;
  readonly args: readonly string[];
}

export interface PipeOptions {
  client: QueueClient;
  /** The queue's URL, and its ARN for the records' eventSourceARN and awsRegion. */
  queue: { readonly url: string; readonly arn: string };
  /** Spawned without a shell, once per batch. */
  command: PipeCommand;
  /** The children's environment (sluice's own plus --env), fixed at start-up; the pipe's own variables (SQS_BODY…) are its to set. */
  env: Readonly<Record<string, string | undefined>>;
  /** 1–10000, default 10. */
  batchSize?: number;
  /** 0–300 s, default 0; at least 1 when batchSize > 10. */
  windowSeconds?: number;
  /** 1–1000, default 1. */
  maxChildren?: number;
  /** The receive's VisibilityTimeout (seconds, ≥ 1), which the heartbeat renews while a child runs. */
  visibilityTimeout: number;
  /** Stops the pipe: no new receive, SIGTERM to every child, wait for them. */
  signal: AbortSignal;
  /** The children's stdio; default 'inherit'. */
  stdio?: 'inherit' | 'ignore';
  clock?: Clock;
  random?: () => number;
  /** pino; default silent. */
  log?: Logger;
}

export interface PipeSummary {
  /** Messages received. */
  received: number;
  /** Children started or tried. */
  batches: number;
  /** Batches whose child exited 0 reporting no failed record (their messages deleted). */
  succeeded: number;
  /** Batches whose child exited 0 listing failed records (those left for retry, the others deleted). */
  partial: number;
  /** Batches left for retry (exit ≠ 0, a signal, an unusable report, not spawned). */
  failed: number;
}

/** The command cannot be run at all (ENOENT, EACCES, …), found at start-up or at a spawn: the pipe stops. */
export class PipeSpawnError extends Error {
  override name = 'PipeSpawnError';
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

type PipeState = 'watching' | 'filling' | 'saturated' | 'stopping' | 'stopped';

const NEXT: Record<PipeState, readonly PipeState[]> = {
  watching: ['watching', 'filling', 'saturated', 'stopping'],
  filling: ['watching', 'saturated', 'stopping'],
  saturated: ['watching', 'stopping'],
  stopping: ['stopped'],
  stopped: [],
};

/** A received message: its lease and its record as JSON, with that JSON's size in bytes. */
interface Held {
  readonly lease: Lease;
  readonly record: string;
  readonly bytes: number;
}

/** A batch being gathered. */
interface Batch {
  readonly held: Held[];
  /** Bytes of the JSON array `[records]`, as SQS_BODY would hold it. */
  bytes: number;
  /** When the window closes (on the clock): its first record's receipt + the window. */
  readonly deadline: number;
  /** A received record did not fit, or `batchSize` is reached: launch it now. */
  full: boolean;
}

interface Child {
  readonly batch: Batch;
  readonly process: ChildProcess;
}

type Received = { ok: true; messages: Message[] } | { ok: false; error: Error };

/**
 * Runs the pipe until `signal` aborts (resolves once every child has ended
 * and its batch is settled) or the command cannot be spawned (rejects with a
 * PipeSpawnError after the same wait).
 *
 * @example
 * const stop = new AbortController();
 * const summary = await runPipe({
 *   client: createClient({ endpoint: 'http://127.0.0.1:9324' }),
 *   queue: { url: 'http://127.0.0.1:9324/000000000000/jobs', arn: 'arn:aws:sqs:us-east-1:000000000000:jobs' },
 *   command: { file: './process-batch.sh', args: [] },
 *   env: { ...process.env },
 *   visibilityTimeout: 30,
 *   signal: stop.signal,
 * });
 */
export function runPipe(options: PipeOptions): Promise<PipeSummary> {
  return new Pipe(options).run();
}

class Pipe {
  readonly #o: PipeOptions;
  readonly #batchSize: number;
  readonly #windowMs: number;
  readonly #maxChildren: number;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #source: PipeSource;
  /** The children's environment without the pipe's own variables. */
  readonly #env: Record<string, string>;
  /** What SQS_BODY may hold here (MAX_SQS_BODY_BYTES, less if the rest of argv and environment is big). */
  readonly #bodyBudget: number;
  /** Records received that did not fit the batch they came for: they open the next one. */
  #carried: Held[] = [];
  #files: PipeFiles | undefined;
  readonly #visibility: Batcher<VisibilityEntry>;
  readonly #acker: Acker;
  readonly #heartbeat: Heartbeat;
  /** Aborts on `signal` or on a fatal spawn error: ends the open receive and the loop. */
  readonly #halt = new AbortController();
  readonly #children = new Set<Child>();
  readonly #exits = new Set<Promise<void>>();
  #state: PipeState = 'watching';
  #fatal: PipeSpawnError | undefined;
  #wakeLoop: (() => void) | undefined;
  readonly #summary: PipeSummary = { received: 0, batches: 0, succeeded: 0, partial: 0, failed: 0 };

  constructor(o: PipeOptions) {
    this.#o = o;
    this.#batchSize = o.batchSize ?? BATCH_SIZE.default;
    const windowSeconds = o.windowSeconds ?? WINDOW_SECONDS.default;
    this.#windowMs = windowSeconds * 1000;
    this.#maxChildren = o.maxChildren ?? MAX_CHILDREN.default;
    check('batchSize', this.#batchSize, BATCH_SIZE);
    check('windowSeconds', windowSeconds, WINDOW_SECONDS);
    check('maxChildren', this.#maxChildren, MAX_CHILDREN);
    check('visibilityTimeout', o.visibilityTimeout, VISIBILITY_TIMEOUT);
    const problem = batchingProblem(this.#batchSize, windowSeconds);
    if (problem) throw new RangeError(problem);
    this.#clock = o.clock ?? systemClock;
    this.#log = safeLogger(o.log ?? createLogger({ level: 'silent' }));
    this.#source = pipeSource(o.queue.arn);
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(o.env))
      if (value !== undefined && !(PIPE_VARIABLES as readonly string[]).includes(key)) env[key] = value;
    this.#env = env;
    this.#bodyBudget = bodyBudget(env, o.command);
    this.#visibility = new Batcher<VisibilityEntry>({
      clock: this.#clock,
      delayMs: 0,
      send: (QueueUrl, Entries) => o.client.changeMessageVisibilityBatch({ QueueUrl, Entries }),
    });
    this.#acker = new Acker({ client: o.client, clock: this.#clock, log: this.#log });
    this.#heartbeat = new Heartbeat({
      clock: this.#clock,
      visibility: this.#visibility,
      visibilityTimeout: o.visibilityTimeout,
      maxExtensionSeconds: MAX_VISIBILITY_TIMEOUT,
      log: this.#log,
    });
    this.#halt.signal.addEventListener('abort', () => this.#wake(), { once: true });
    const stop = () => {
      for (const child of this.#children) child.process.kill('SIGTERM');
      this.#halt.abort(o.signal.reason);
    };
    if (o.signal.aborted) stop();
    else o.signal.addEventListener('abort', stop, { once: true });
  }

  get #halted(): boolean {
    return this.#halt.signal.aborted;
  }

  async run(): Promise<PipeSummary> {
    const { command } = this.#o;
    // Before anything is received: a missing command would otherwise take a batch with it.
    const problem = commandProblem(command.file, this.#env.PATH ?? DEFAULT_PATH);
    if (problem)
      throw new PipeSpawnError(problem.startsWith('command not found') ? 'ENOENT' : 'EACCES', problem);
    this.#files = new PipeFiles();
    this.#log.info(
      {
        queue: this.#o.queue.url,
        command: [command.file, ...command.args].join(' '),
        batchSize: this.#batchSize,
        windowSeconds: this.#windowMs / 1000,
        maxChildren: this.#maxChildren,
        visibilityTimeout: this.#o.visibilityTimeout,
      },
      'pipe started',
    );
    while (!this.#halted) {
      if (this.#children.size >= this.#maxChildren) {
        this.#enter('saturated');
        await new Promise<void>((resolve) => {
          this.#wakeLoop = resolve;
        });
        continue;
      }
      this.#enter('watching');
      const batch = await this.#fill();
      if (batch) this.#launch(batch);
    }
    this.#enter('stopping');
    this.#handBack(this.#carried.splice(0));
    while (this.#exits.size > 0) await Promise.all(this.#exits);
    await this.#acker.flush();
    await this.#visibility.flush();
    this.#heartbeat.stop();
    this.#files.remove();
    this.#enter('stopped');
    this.#log.info({ ...this.#summary }, 'pipe stopped');
    if (this.#fatal) throw this.#fatal;
    return { ...this.#summary };
  }

  /** WATCHING, then FILLING: a batch to launch, or undefined once halted (what was held is handed back). */
  async #fill(): Promise<Batch | undefined> {
    let batch = this.#carried.length > 0 ? this.#add(undefined, this.#carried.splice(0)) : undefined;
    let errors = 0;
    for (;;) {
      if (this.#halted) {
        if (batch) this.#handBack(batch.held);
        return undefined;
      }
      const started = this.#clock.now();
      if (batch && (batch.full || started >= batch.deadline)) return batch;
      const want = Math.min(MAX_RECEIVE, this.#batchSize - (batch?.held.length ?? 0));
      const wait = batch
        ? Math.min(MAX_WAIT_SECONDS, Math.ceil((batch.deadline - started) / 1000))
        : MAX_WAIT_SECONDS;
      const result = await this.#receive(want, wait);
      const now = this.#clock.now();
      if (!result.ok) {
        if (this.#halted) continue;
        errors++;
        const delay = receiveErrorDelayMs(errors, this.#o.random ?? Math.random);
        this.#log.warn(
          { err: result.error, consecutiveErrors: errors, retryInMs: delay },
          'receive failed; backing off',
        );
        await this.#pause(delay, batch?.deadline);
        continue;
      }
      errors = 0;
      if (result.messages.length === 0) {
        if (!this.#halted && now - started < wait * 1000) await this.#pause(EMPTY_PAUSE_MS, batch?.deadline);
        continue;
      }
      const leases = this.#heartbeat.hold(this.#o.queue.url, result.messages, now);
      this.#summary.received += leases.length;
      const held = result.messages.map((m, i): Held => {
        const record = JSON.stringify(pipeRecord(m, this.#source));
        return { lease: leases[i]!, record, bytes: Buffer.byteLength(record) };
      });
      batch = this.#add(batch, held);
    }
  }

  /**
   * Adds records to the batch (opening it with the first) while they fit,
   * by count and by the bytes of SQS_BODY; the rest are carried to the next
   * batch, and this one is full. A batch's first record always fits.
   */
  #add(batch: Batch | undefined, held: readonly Held[]): Batch {
    let b = batch;
    if (!b) {
      b = { held: [], bytes: 2, deadline: held[0]!.lease.receivedAt + this.#windowMs, full: false };
      if (this.#windowMs > 0) this.#enter('filling');
    }
    for (const [i, h] of held.entries()) {
      const n = b.held.length;
      if (n > 0 && (n >= this.#batchSize || b.bytes + 1 + h.bytes > this.#bodyBudget)) {
        this.#carried.push(...held.slice(i));
        b.full = true;
        break;
      }
      b.held.push(h);
      b.bytes += h.bytes + (n > 0 ? 1 : 0);
    }
    if (b.held.length >= this.#batchSize) b.full = true;
    return b;
  }

  async #receive(max: number, wait: number): Promise<Received> {
    try {
      const output = await this.#o.client.receiveMessage(
        {
          QueueUrl: this.#o.queue.url,
          MaxNumberOfMessages: max,
          WaitTimeSeconds: wait,
          VisibilityTimeout: this.#o.visibilityTimeout,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        },
        { signal: this.#halt.signal },
      );
      return { ok: true, messages: output.Messages ?? [] };
    } catch (thrown) {
      return { ok: false, error: coerceError(thrown) };
    }
  }

  /** Waits `ms` (no later than `until`), or less if the pipe halts. */
  #pause(ms: number, until?: number): Promise<void> {
    const wait = until === undefined ? ms : Math.min(ms, until - this.#clock.now());
    return new Promise((resolve) => {
      const signal = this.#halt.signal;
      if (wait <= 0 || signal.aborted) return resolve();
      let cancel: (() => void) | undefined;
      const done = () => {
        cancel?.();
        signal.removeEventListener('abort', done);
        resolve();
      };
      cancel = this.#clock.setTimer(wait, done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  #launch(batch: Batch): void {
    const { file, args } = this.#o.command;
    const size = batch.held.length;
    const n = ++this.#summary.batches;
    const records = `[${batch.held.map((h) => h.record).join(',')}]`;
    const inFile = batch.bytes > this.#bodyBudget;
    let files: BatchFiles;
    try {
      files = this.#files!.open(n, inFile ? records : undefined);
    } catch (thrown) {
      this.#settle(batch, 'failed');
      this.#log.warn(
        { err: coerceError(thrown), messages: size },
        `could not write the batch's file for SQS_BODY_FILE; ${size} message(s) left for retry`,
      );
      return;
    }
    // Exactly one of SQS_BODY and SQS_BODY_FILE.
    const env = {
      ...this.#env,
      ...(inFile ? { SQS_BODY_FILE: files.body! } : { SQS_BODY: records }),
      SQS_RESULT_FILE: files.result,
    };
    let child: ChildProcess;
    try {
      child = spawn(file, args, { env, stdio: this.#o.stdio ?? 'inherit' });
    } catch (thrown) {
      this.#files!.close(files, false);
      this.#notSpawned(batch, thrown);
      return;
    }
    const startedAt = this.#clock.now();
    this.#log.debug({ pid: child.pid, messages: size, bytes: batch.bytes, inFile }, 'command started');
    const entry: Child = { batch, process: child };
    this.#children.add(entry);
    const exit = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        const report = this.#files!.close(files, code === 0);
        this.#exited(batch, code, signal, report, this.#clock.now() - startedAt);
        resolve();
      });
      child.on('error', (err) => {
        if (child.pid !== undefined) {
          this.#log.warn({ err, pid: child.pid }, 'could not signal the command');
          return;
        }
        this.#files!.close(files, false);
        this.#notSpawned(batch, err);
        resolve();
      });
    });
    this.#exits.add(exit);
    void exit.then(() => {
      this.#children.delete(entry);
      this.#exits.delete(exit);
      this.#wake();
    });
  }

  #exited(
    batch: Batch,
    code: number | null,
    signal: NodeJS.Signals | null,
    text: string | Error | undefined,
    durationMs: number,
  ): void {
    const size = batch.held.length;
    if (code !== 0) {
      this.#settle(batch, 'failed');
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      this.#log.warn(
        { exitCode: code, signal, messages: size, durationMs },
        `the command ${how}; ${size} message(s) left for retry`,
      );
      return;
    }
    const report =
      text instanceof Error
        ? ({ ok: false, why: `cannot be read: ${text.message}` } as const)
        : parseReport(text, new Set(batch.held.map((h) => h.lease.messageId)));
    if (!report.ok) {
      // As Lambda does with an unusable batchItemFailures response: the whole batch is retried.
      this.#settle(batch, 'failed');
      this.#log.warn(
        { messages: size, durationMs },
        `the command exited 0, but its report (SQS_RESULT_FILE) ${report.why}; ${size} message(s) left for retry`,
      );
      return;
    }
    const failed = report.failed.size;
    this.#settle(batch, failed > 0 ? 'partial' : 'succeeded', report.failed);
    if (failed > 0)
      this.#log.warn(
        { messages: size, failed: [...report.failed], durationMs },
        `the command reported ${failed} of ${size} message(s) failed; those left for retry, the others deleted`,
      );
    else this.#log.info({ messages: size, durationMs }, 'batch done; deleting its messages');
  }

  /** Ends a batch: its leases dropped; on success its messages deleted but the `failed` ones. */
  #settle(batch: Batch, outcome: 'succeeded' | 'partial' | 'failed', failed?: ReadonlySet<string>): void {
    this.#summary[outcome]++;
    for (const { lease } of batch.held) {
      this.#heartbeat.drop(lease);
      if (outcome !== 'failed' && !failed?.has(lease.messageId))
        this.#acker.delete(lease.queueUrl, lease.receiptHandle, lease.messageId);
    }
  }

  /** The child never ran: its batch is left for retry; unless the failure is transient, the pipe stops. */
  #notSpawned(batch: Batch, thrown: unknown): void {
    const err = coerceError(thrown);
    const code = String((thrown as { code?: unknown } | undefined)?.code ?? 'unknown');
    const size = batch.held.length;
    this.#settle(batch, 'failed');
    const { file } = this.#o.command;
    if (TRANSIENT_SPAWN_ERRORS.has(code)) {
      const why =
        code === 'E2BIG'
          ? `the environment is too big to pass (E2BIG; SQS_BODY ${batch.bytes} bytes)`
          : err.message;
      this.#log.warn(
        { err, messages: size },
        `could not start ${file}: ${why}; ${size} message(s) left for retry`,
      );
      return;
    }
    if (this.#fatal) return;
    const what =
      code === 'ENOENT' ? 'command not found' : code === 'EACCES' ? 'permission denied' : err.message;
    this.#fatal = new PipeSpawnError(
      code,
      `cannot run ${file}: ${what} (${code}); ${size} message(s) left for retry`,
      { cause: err },
    );
    this.#halt.abort(this.#fatal);
  }

  /** Hands messages back at once (visibility 0): a batch being filled, or carried, when the pipe stops. */
  #handBack(held: readonly Held[]): void {
    for (const { lease } of held) {
      this.#heartbeat.drop(lease);
      void this.#visibility
        .add(lease.queueUrl, { ReceiptHandle: lease.receiptHandle, VisibilityTimeout: 0 })
        .then((r) => {
          if (!r.ok)
            this.#log.warn(
              { messageId: lease.messageId, err: r.error },
              'could not hand the message back; it comes back after its visibility timeout',
            );
        });
    }
  }

  #wake(): void {
    const wake = this.#wakeLoop;
    this.#wakeLoop = undefined;
    wake?.();
  }

  #enter(next: PipeState): void {
    if (!NEXT[this.#state].includes(next)) throw new Error(`pipe: ${this.#state} → ${next}`);
    this.#state = next;
  }
}

/** SQS_BODY's budget: one environment string, within what is left of ARG_BUDGET after the rest (a pointer is 8 bytes). */
function bodyBudget(env: Readonly<Record<string, string>>, command: PipeCommand): number {
  let rest = PATHS_ROOM;
  for (const [key, value] of Object.entries(env)) rest += Buffer.byteLength(`${key}=${value}`) + 1 + 8;
  for (const arg of [command.file, ...command.args]) rest += Buffer.byteLength(arg) + 1 + 8;
  return Math.min(MAX_SQS_BODY_BYTES, ARG_BUDGET - rest - 'SQS_BODY='.length - 1 - 8);
}

function check(name: string, value: number, range: { min: number; max: number }): void {
  if (!Number.isInteger(value) || value < range.min || value > range.max)
    throw new RangeError(`runPipe: ${name} must be an integer ${range.min}–${range.max}, got ${value}`);
}
