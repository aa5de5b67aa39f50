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
