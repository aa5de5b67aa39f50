/**
 * Stopping on SIGTERM/SIGINT, the one way every long-running command does it.
 *
 * The first signal starts a drain. A second signal of the SAME kind (Ctrl-C
 * twice, or SIGTERM twice) forces: the caller hands back what it can within
 * a second or two and exits at once. A later signal of the OTHER kind is
 * absorbed: Ctrl-C under `sluice scale` reaches the supervisor and its
 * children alike (SIGINT), then the supervisor sends each child SIGTERM to
 * drain it — that SIGTERM must not cut the drain short. Kubernetes, ECS and
 * `docker stop` send one SIGTERM, then SIGKILL.
 *
 * Exit codes (exitCodeOf): 0 when every handler finished; 1 when the
 * shutdown timeout passed and handlers were abandoned (their messages handed
 * back, nothing lost, but work was cut short); 128 + the signal's number
 * (130 for SIGINT, 143 for SIGTERM) when a second signal forced the exit, as
 * if the signal had killed the process. Orchestrators do not restart a
 * container they are stopping, whatever its code; the code tells a person
 * or a script how the stop went.
 */
import { constants } from 'node:os';
import { onShutdownMessage } from '../observe/pm2.ts';

/** How a drain ended. */
export type StopOutcome =
  | { readonly kind: 'drained' }
  | { readonly kind: 'abandoned' }
  | { readonly kind: 'forced'; readonly signal: NodeJS.Signals };

/** The process's exit code for an outcome (see the top of this file). */
export function exitCodeOf(outcome: StopOutcome): number {
  if (outcome.kind === 'drained') return 0;
  if (outcome.kind === 'abandoned') return 1;
  return 128 + (constants.signals[outcome.signal] ?? 15);
}

/**
 * Resolves with the first of SIGTERM/SIGINT; later ones are absorbed for the
 * rest of the process's life, so the drain that follows is not cut short.
 */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => void onStopSignal(resolve));
}

/**
 * Calls `stop` once, on the first SIGTERM or SIGINT, and `force` once, on a
 * later signal of the same kind; other signals are absorbed (see above).
 * Without `force`, every later signal is absorbed. Returns the function that
 * stops listening (call it once stopped, for whatever reason).
 *
 * @example
 * const off = onStopSignal(
 *   (signal) => shutdown.abort(signal),
 *   (signal) => handBackNowAndExit(signal),
 * );
 * await done;
 * off();
 */
export function onStopSignal(
  stop: (signal: NodeJS.Signals) => void,
  force?: (signal: NodeJS.Signals) => void,
): () => void {
  let first: NodeJS.Signals | undefined;
  let forced = false;
  const on = (signal: NodeJS.Signals) => {
    if (first === undefined) {
      first = signal;
      stop(signal);
    } else if (signal === first && force && !forced) {
      forced = true;
      force(signal);
    }
  };
  // PM2's shutdown_with_message stops a process with a message instead of a signal.
  const offMessage = onShutdownMessage(() => on('SIGTERM'));
  const off = () => {
    process.off('SIGTERM', on);
    process.off('SIGINT', on);
    offMessage();
  };
  process.on('SIGTERM', on);
  process.on('SIGINT', on);
  return off;
}

/** What {@link drainOnSignal} needs from the process it stops. */
export interface DrainOnSignalOptions {
  /** Hands back what the workers hold, now (a second signal). */
  readonly abandon: (reason: string) => unknown;
  /** Says that a second signal forces the exit (a log line, a stderr line). */
  readonly onForce: (signal: NodeJS.Signals) => void;
  /** How long the config's shutdown code gets after a forced stop before the process exits anyway. */
  readonly forceExitMs?: number;
}

/**
 * The stop sequence of `sluice start` and `sluice dev`: the first signal
 * resolves `signalled` (the caller drains); the same signal again hands back
 * what is held and exits within `forceExitMs` (5 s: the config's onShutdown
 * is its own code, it gets a few seconds, not forever). `exitCode` is the
 * code to exit with once stopped: the forcing signal's, else the drain's.
 *
 * @example
 * const stopping = drainOnSignal({ abandon: (r) => workers.abandon(r), onForce: (s) => log.warn({ s }, 'forced') });
 * await stopping.signalled;
 * await system.stop();
 * process.exit(stopping.exitCode(workers.exitCode));
 */
export function drainOnSignal(options: DrainOnSignalOptions): {
  readonly signalled: Promise<NodeJS.Signals>;
  exitCode(drained: number): number;
} {
  let forcedBy: NodeJS.Signals | undefined;
  const signalled = new Promise<NodeJS.Signals>((resolve) =>
    onStopSignal(resolve, (signal) => {
      forcedBy = signal;
      options.onForce(signal);
      void options.abandon(`second ${signal}`);
      setTimeout(
        () => process.exit(exitCodeOf({ kind: 'forced', signal })),
        options.forceExitMs ?? 5000,
      ).unref();
    }),
  );
  return {
    signalled,
    exitCode: (drained) => (forcedBy ? exitCodeOf({ kind: 'forced', signal: forcedBy }) : drained),
  };
}
