/**
 * ECS task scale-in protection while the process holds messages, so that a
 * scale-in (or a deployment) never stops a task in the middle of its work.
 * Told of every change in what the process holds (`held(delta)`, across all
 * its workers), it asks the ECS agent (ecs-agent.ts) to protect the task when
 * holding starts, renews the protection at half its expiry while holding goes
 * on, and clears it once nothing has been held for `idleMs` (a debounce: a
 * steady stream, idle for a moment between receives, does not flap) and on
 * `stop()`, after the drain.
 *
 * Protection is a side effect: `held` never waits, never throws, and no
 * answer of the agent stops a receive or a handler. Problems are logged once
 * per kind and retried after a backoff; the protection lapses by itself at
 * its expiry if nothing clears it.
 *
 * Its states:
 *
 *   OFF        not protected. Something held (and no backoff running) →
 *              CALLING with ProtectionEnabled true.
 *   ON         protected until `until` (counted from when the request was
 *              sent). Still holding at `renewAt` (half the expiry) → CALLING
 *              (renew). Nothing held for `idleMs` → CALLING with
 *              ProtectionEnabled false. `until` passed (renewals failed) → OFF.
 *   CALLING    one request is out, never two. Its answer: protected → ON,
 *              cleared → OFF; refused or unanswered → back to ON while `until`
 *              is ahead, else OFF, with a backoff before the next request.
 *              Then the rules of that state apply at once (holding may have
 *              changed meanwhile).
 *   STOPPED    terminal, entered by `stop()` (the request out is abandoned
 *              and, if protection may be on, one last request clears it) or
 *              by TASK_NOT_VALID (the task is not part of a service: ECS
 *              protects only service tasks). Ignores everything.
 */
import type { Logger } from 'pino';
import type { Clock } from '../time/clock.ts';
import { coerceError, safeLogger } from './boundary.ts';
import { type AgentAnswer, type ProtectionRequest, putProtection } from './ecs-agent.ts';

export type ProtectionState = 'off' | 'on' | 'calling' | 'stopped';

const ENTERED_FROM: Record<ProtectionState, readonly ProtectionState[]> = {
  off: ['on', 'calling'],
  on: ['calling'],
  calling: ['off', 'on'],
  stopped: ['off', 'on', 'calling'],
};

/** Nothing held for this long clears the protection. */
export const IDLE_MS = 30_000;
/** How long a request may go unanswered (the agent calls ECS's UpdateTaskProtection). */
const REQUEST_TIMEOUT_MS = 5000;
/** Backoff after a refused or unanswered request: doubling from the first to the last. */
const RETRY_FIRST_MS = 5000;
const RETRY_LAST_MS = 300_000;

export interface TaskProtectionOptions {
  /** ECS_AGENT_URI. */
  agentUri: string;
  /** ExpiresInMinutes, 1–2880; renewed at half while holding. */
  expiresInMinutes: number;
  clock: Clock;
  log: Logger;
  /** Defaults to IDLE_MS. */
  idleMs?: number;
}

/** A request out: what it asked, and what to fall back to if it fails. */
interface Call {
  enable: boolean;
  from: ProtectionState;
  sentAt: number;
  wasMaybeOn: boolean;
}

export class TaskProtection {
  readonly #o: TaskProtectionOptions;
  readonly #log: Logger;
  readonly #idleMs: number;
  #state: ProtectionState = 'off';
  #held = 0;
  #idleSince = 0;
  /** Protected until (ON); from when the request was sent, so never later than ECS's own. */
  #until = 0;
  #renewAt = 0;
  /** An enable was sent and no disable has succeeded since: stop() then clears. */
  #maybeOn = false;
  #failures = 0;
  #retryAt = 0;
  #cancelTimer: (() => void) | undefined;
  #inFlight: AbortController | undefined;
  readonly #warned = new Set<string>();
  /** The first "on" is logged at info, later ones at debug. */
  #announced = false;
  #stopped: Promise<void> | undefined;

  constructor(options: TaskProtectionOptions) {
    this.#o = options;
    this.#log = safeLogger(options.log);
    this.#idleMs = options.idleMs ?? IDLE_MS;
  }

  get state(): ProtectionState {
    return this.#state;
  }

  /** True while the task is protected (as far as the last answer said). */
  get protected(): boolean {
    return this.#state === 'on' || (this.#state === 'calling' && this.#until > this.#o.clock.now());
  }

  /** What the process holds changed by `delta` (+n on receive, −1 when settled or handed back). */
  held(delta: number): void {
    const before = this.#held;
    this.#held = Math.max(0, before + delta);
    if (before > 0 && this.#held === 0) this.#idleSince = this.#o.clock.now();
    if ((before === 0) !== (this.#held === 0)) this.#step();
  }

  /** Clears the protection (after the drain); resolves when the agent has answered or timed out. */
  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    const clear = this.#maybeOn;
    this.#cancelTimer?.();
    this.#inFlight?.abort(); // its answer is ignored from now on
    this.#enter('stopped');
    if (!clear) return;
    const answer = await this.#send({ ProtectionEnabled: false });
    if (answer.ok) this.#log.debug('task scale-in protection cleared (stopping)');
    else this.#warn(answer, 'while stopping');
  }

  /** Applies the rules of OFF or ON now; arms the one timer for the next moment they may change. */
  #step(): void {
    if (this.#state === 'calling' || this.#state === 'stopped') return;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    const now = this.#o.clock.now();
    if (this.#state === 'on' && now >= this.#until) {
      this.#enter('off');
      this.#maybeOn = false;
      this.#log.warn('task scale-in protection expired: it could not be renewed');
    }
    const next = this.#next(now);
    if (next === 'enable' || next === 'disable') this.#call(next === 'enable');
    else if (next !== 'nothing') this.#wake(next);
  }

  /** What OFF or ON calls for at `now`: a request, or the moment to look again. */
  #next(now: number): 'enable' | 'disable' | 'nothing' | number {
    if (now < this.#retryAt) return this.#retryAt;
    if (this.#held > 0) return this.#state === 'off' || now >= this.#renewAt ? 'enable' : this.#renewAt;
    if (!this.#maybeOn) return 'nothing';
    const quietAt = this.#idleSince + this.#idleMs;
    return now >= quietAt ? 'disable' : quietAt;
  }

  #wake(at: number): void {
    this.#cancelTimer = this.#o.clock.setTimer(at - this.#o.clock.now(), () => {
      this.#cancelTimer = undefined;
      this.#step();
    });
  }

  #call(enable: boolean): void {
    const call: Call = {
      enable,
      from: this.#state,
      sentAt: this.#o.clock.now(),
      wasMaybeOn: this.#maybeOn,
    };
    this.#enter('calling');
    if (enable) this.#maybeOn = true;
    const request = enable
      ? { ProtectionEnabled: true, ExpiresInMinutes: this.#o.expiresInMinutes }
      : { ProtectionEnabled: false };
    void this.#send(request)
      .then((answer) => this.#answered(call, answer))
      .catch((thrown: unknown) => this.#log.error({ err: coerceError(thrown) }, 'task protection failed'));
  }

  #answered(call: Call, answer: AgentAnswer): void {
    if (this.#state !== 'calling') return; // stopped meanwhile
    if (answer.ok) {
      this.#failures = 0;
      this.#retryAt = 0;
      if (call.enable) this.#protectedAt(call.sentAt);
      else {
        this.#until = 0;
        this.#maybeOn = false;
        this.#enter('off');
        this.#log.debug('task scale-in protection cleared (idle)');
      }
    } else {
      if (answer.kind === 'TASK_NOT_VALID') {
        this.#notAServiceTask(answer);
        return;
      }
      this.#warn(answer, call.enable ? 'while protecting' : 'while clearing');
      // A refusal leaves the protection as it was; no answer at all may have set it.
      if (call.enable && answer.answered) this.#maybeOn = call.wasMaybeOn;
      this.#failures++;
      const now = this.#o.clock.now();
      this.#retryAt = now + Math.min(RETRY_FIRST_MS * 2 ** (this.#failures - 1), RETRY_LAST_MS);
      this.#enter(call.from === 'on' && this.#until > now ? 'on' : 'off');
    }
    this.#step();
  }

  #protectedAt(sentAt: number): void {
    const ms = this.#o.expiresInMinutes * 60_000;
    this.#until = sentAt + ms;
    this.#renewAt = sentAt + ms / 2;
    this.#enter('on');
    const fields = { expiresInMinutes: this.#o.expiresInMinutes };
    if (this.#announced) this.#log.debug(fields, 'task scale-in protection on');
    else this.#log.info(fields, 'task scale-in protection on (renewed at half while messages are held)');
    this.#announced = true;
  }

  /** One request with a timeout on the clock; the controller lets stop() abandon it. */
  async #send(request: ProtectionRequest): Promise<AgentAnswer> {
    const controller = new AbortController();
    this.#inFlight = controller;
    const cancel = this.#o.clock.setTimer(REQUEST_TIMEOUT_MS, () => controller.abort());
    try {
      return await putProtection(this.#o.agentUri, request, controller.signal);
    } finally {
      cancel();
      if (this.#inFlight === controller) this.#inFlight = undefined;
    }
  }

  #notAServiceTask(answer: AgentAnswer & { ok: false }): void {
    this.#log.warn(
      { reason: answer.message },
      'task scale-in protection does not apply: this task is not part of an ECS service; not asking again',
    );
    this.#maybeOn = false;
    this.#enter('stopped');
  }

  /** Logs a problem once per kind: a broken agent must not flood the log, one line per message. */
  #warn(answer: AgentAnswer & { ok: false }, when: string): void {
    if (this.#warned.has(answer.kind)) return;
    this.#warned.add(answer.kind);
    const hint =
      answer.kind === 'AccessDeniedException' ? ' (the task role needs ecs:UpdateTaskProtection)' : '';
    this.#log.warn(
      { problem: answer.message },
      `task scale-in protection: the ECS agent refused or did not answer ${when}${hint}; work goes on, retrying later (said once per kind)`,
    );
  }

  #enter(to: ProtectionState): void {
    if (!ENTERED_FROM[to].includes(this.#state)) throw new Error(`task protection: ${this.#state} → ${to}`);
    this.#state = to;
  }
}
