/**
 * The process supervisor behind `sluice scale`: a pool of worker processes,
 * each with its own WORKER_ID (`<prefix>-1` … `<prefix>-N`, the lowest free
 * number first, as PM2's instance ids), kept at the count it is told.
 *
 * One slot per worker; a slot's state machine:
 *
 *   running ──exit nobody asked for──▶ backoff ──delay──▶ running  (same id, a new process)
 *   running ──rss over the limit─────▶ draining(memory) ──exit──▶ running  (replaced at once)
 *   running ──scale-in / stop────────▶ draining(retire) ──exit──▶ (slot gone)
 *   backoff ──scale-in / stop────────▶ (slot gone)
 *   draining ──drainTimeoutMs without exit──▶ SIGKILL (its messages return after their visibility)
 *
 * Draining is SIGTERM: the worker stops receiving, finishes and acknowledges
 * what it holds, releases the rest, and exits 0 — nothing acknowledged is lost
 * and nothing is held hostage. The restart delay doubles with each crash
 * (initial → max) and resets once a process has stayed up `stableAfterMs`.
 * Scale-in retires the newest slots first (a restarting one before any).
 *
 * The pool counts every slot not being retired (running, backoff, or being
 * replaced for memory): that is the capacity asked for.
 */
import type { ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';
import { isReport, type ReportMessage } from '../observe/supervised.ts';
import { type Clock, systemClock } from '../time/clock.ts';

export interface SupervisorOptions {
  /** Starts one worker process with this WORKER_ID (an IPC channel lets it report). */
  spawn(workerId: string): ChildProcess;
  /** WORKER_IDs are `${idPrefix}-${n}`. */
  idPrefix: string;
  log: Logger;
  clock?: Clock;
  /** Restart a worker whose resident memory exceeds this, after draining it. */
  memoryLimitBytes?: number;
  /** Crash restart delay: doubles from `initialMs` to `maxMs` (defaults 1 000 and 30 000). */
  restartDelay?: { initialMs: number; maxMs: number };
  /** A process up this long resets its slot's crash count (default 30 000). */
  stableAfterMs?: number;
  /** SIGKILL a draining process after this long (default 60 000). */
  drainTimeoutMs?: number;
  /** Told of every start, exit and restart, for aggregate logs and tests. */
  onEvent?: (event: SupervisorEvent) => void;
}

export type SupervisorEvent =
  | { type: 'started'; workerId: string; pid: number | undefined; restarts: number }
  | {
      type: 'exited';
      workerId: string;
      pid: number | undefined;
      code: number | null;
      signal: NodeJS.Signals | null;
      why: 'crash' | 'memory' | 'retire';
    }
  | { type: 'draining'; workerId: string; pid: number | undefined; why: 'memory' | 'retire' }
  | { type: 'restart-scheduled'; workerId: string; delayMs: number };

type State = 'running' | 'backoff' | 'draining';

interface Slot {
  readonly n: number;
  readonly id: string;
  state: State;
  drainFor?: 'memory' | 'retire';
  child?: ChildProcess;
  startedAt: number;
  crashes: number;
  restarts: number;
  /** The current process's last report (cumulative for that process). */
  report?: ReportMessage;
  cancelTimer?: () => void;
  exited?: Promise<void>;
}

/** Summed over every process the pool has run, the ones gone included. */
export interface PoolTotals {
  processed: number;
  failed: number;
}

export class Supervisor {
  readonly #o: SupervisorOptions;
  readonly #clock: Clock;
  readonly #slots: Slot[] = [];
  readonly #retired: PoolTotals = { processed: 0, failed: 0 };
  #stopping = false;

  constructor(options: SupervisorOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** Workers asked for: every slot not being retired. */
  get count(): number {
    return this.#slots.filter((s) => s.drainFor !== 'retire').length;
  }

  /** The processes alive now (draining ones included), for metrics requests. */
  children(): { workerId: string; child: ChildProcess }[] {
    return this.#slots.flatMap((s) => (s.child ? [{ workerId: s.id, child: s.child }] : []));
  }

  /** One row per slot: id, state, pid, restarts, rss, counts. */
  status() {
    return this.#slots.map((s) => ({
      workerId: s.id,
      state: s.state === 'draining' ? `draining (${s.drainFor})` : s.state,
      pid: s.child?.pid,
      restarts: s.restarts,
      rssBytes: s.report?.rssBytes,
    }));
  }

  /** Messages processed and failed by every process so far (reports arrive every second or so). */
  totals(): PoolTotals {
    const live = this.#slots.reduce(
      (t, s) => ({
        processed: t.processed + (s.report?.processed ?? 0),
        failed: t.failed + (s.report?.failed ?? 0),
      }),
      { processed: 0, failed: 0 },
    );
    return {
      processed: live.processed + this.#retired.processed,
      failed: live.failed + this.#retired.failed,
    };
  }

  /**
   * Grows or shrinks the pool to `n`. Growing starts processes at once;
   * shrinking sends SIGTERM to the newest and does not wait (see `drained`).
   */
  scaleTo(n: number): void {
    if (this.#stopping) return;
    const target = Math.max(0, Math.floor(n));
    while (this.count < target) this.#startSlot();
    const active = () => this.#slots.filter((s) => s.drainFor !== 'retire');
    while (this.count > target) {
      const pool = active();
      const victim =
        pool.filter((s) => s.state === 'backoff').at(-1) ??
        [...pool].sort((a, b) => a.startedAt - b.startedAt || a.n - b.n).at(-1);
      if (!victim) break;
      this.#retire(victim);
    }
  }

  /** Resolves when every process being drained has exited. */
  async drained(): Promise<void> {
    await Promise.all(this.#slots.filter((s) => s.state === 'draining').map((s) => s.exited));
  }

  /** Drains every process and resolves when all have exited. Idempotent. */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const slot of [...this.#slots]) this.#retire(slot);
    await Promise.all(this.#slots.map((s) => s.exited));
  }

  #startSlot(): void {
    const used = new Set(this.#slots.map((s) => s.n));
    let n = 1;
    while (used.has(n)) n++;
    const slot: Slot = {
      n,
      id: `${this.#o.idPrefix}-${n}`,
      state: 'running',
      startedAt: this.#clock.now(),
      crashes: 0,
      restarts: 0,
    };
    this.#slots.push(slot);
    this.#slots.sort((a, b) => a.n - b.n);
    this.#launch(slot);
  }

  #launch(slot: Slot): void {
    slot.state = 'running';
    slot.drainFor = undefined;
    slot.report = undefined;
    slot.startedAt = this.#clock.now();
    let child: ChildProcess;
    try {
      child = this.#o.spawn(slot.id);
    } catch (error) {
      this.#o.log.error({ workerId: slot.id, err: error }, 'worker process failed to start');
      slot.exited = Promise.resolve();
      this.#afterExit(slot, null, null);
      return;
    }
    slot.child = child;
    let resolveExited!: () => void;
    slot.exited = new Promise((r) => {
      resolveExited = r;
    });
    child.on('message', (m: unknown) => {
      if (!isReport(m) || slot.child !== child) return;
      slot.report = m;
      this.#checkMemory(slot);
    });
    // 'error' without 'exit' (spawn failure) still ends the process's life here.
    let ended = false;
    const end = (code: number | null, signal: NodeJS.Signals | null) => {
      if (ended) return;
      ended = true;
      if (slot.child === child) {
        slot.child = undefined;
        this.#afterExit(slot, code, signal);
      }
      resolveExited();
    };
    child.on('exit', end);
    child.on('error', (error) => {
      this.#o.log.error({ workerId: slot.id, err: error }, 'worker process error');
      if (child.pid === undefined) end(null, null);
    });
    this.#o.onEvent?.({ type: 'started', workerId: slot.id, pid: child.pid, restarts: slot.restarts });
    this.#o.log.info(
      { workerId: slot.id, pid: child.pid, restarts: slot.restarts },
      'worker process started',
    );
  }

  #checkMemory(slot: Slot): void {
    const limit = this.#o.memoryLimitBytes;
    const rss = slot.report?.rssBytes ?? 0;
    if (limit === undefined || slot.state !== 'running' || rss <= limit) return;
    this.#o.log.warn(
      { workerId: slot.id, pid: slot.child?.pid, rssBytes: rss, limitBytes: limit },
      'worker over its memory limit: draining it for a restart',
    );
    this.#drain(slot, 'memory');
  }

  #retire(slot: Slot): void {
    if (slot.drainFor === 'retire') return;
    if (slot.state === 'backoff' || !slot.child) {
      slot.cancelTimer?.();
      this.#remove(slot);
      return;
    }
    this.#drain(slot, 'retire');
  }

  #drain(slot: Slot, why: 'memory' | 'retire'): void {
    const child = slot.child;
    slot.drainFor = why;
    if (slot.state === 'draining') return; // already going: only the plan after exit changes
    slot.state = 'draining';
    this.#o.onEvent?.({ type: 'draining', workerId: slot.id, pid: child?.pid, why });
    this.#o.log.info({ workerId: slot.id, pid: child?.pid, why }, 'draining worker process (SIGTERM)');
    child?.kill('SIGTERM');
    const timeout = this.#o.drainTimeoutMs ?? 60_000;
    slot.cancelTimer = this.#clock.setTimer(timeout, () => {
      if (slot.child !== child || !child) return;
      this.#o.log.warn({ workerId: slot.id, pid: child.pid, timeoutMs: timeout }, 'drain timed out: SIGKILL');
      child.kill('SIGKILL');
    });
  }

  #afterExit(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    slot.cancelTimer?.();
    slot.cancelTimer = undefined;
    if (slot.report) {
      this.#retired.processed += slot.report.processed;
      this.#retired.failed += slot.report.failed;
      slot.report = undefined;
    }
    const why = slot.state === 'draining' ? (slot.drainFor ?? 'retire') : 'crash';
    this.#o.onEvent?.({ type: 'exited', workerId: slot.id, pid: undefined, code, signal, why });
    const fields = { workerId: slot.id, code, signal, why };
    if (why === 'retire' || this.#stopping) {
      this.#o.log.info(fields, 'worker process exited');
      this.#remove(slot);
      return;
    }
    if (why === 'memory') {
      this.#o.log.info(fields, 'worker process drained: restarting it');
      slot.restarts++;
      this.#launch(slot);
      return;
    }
    // A crash: restart after a delay that grows with consecutive crashes.
    const stable = this.#clock.now() - slot.startedAt >= (this.#o.stableAfterMs ?? 30_000);
    slot.crashes = stable ? 1 : slot.crashes + 1;
    const { initialMs, maxMs } = this.#o.restartDelay ?? { initialMs: 1000, maxMs: 30_000 };
    const delayMs = Math.min(maxMs, initialMs * 2 ** (slot.crashes - 1));
    slot.state = 'backoff';
    this.#o.log.error({ ...fields, restartInMs: delayMs, crashes: slot.crashes }, 'worker process crashed');
    this.#o.onEvent?.({ type: 'restart-scheduled', workerId: slot.id, delayMs });
    slot.cancelTimer = this.#clock.setTimer(delayMs, () => {
      slot.cancelTimer = undefined;
      if (slot.state !== 'backoff' || this.#stopping) return;
      slot.restarts++;
      this.#launch(slot);
    });
  }

  #remove(slot: Slot): void {
    const i = this.#slots.indexOf(slot);
    if (i >= 0) this.#slots.splice(i, 1);
  }
}
