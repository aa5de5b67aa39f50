/** Stopping on SIGTERM/SIGINT, the one way every long-running command does it. */
import { onShutdownMessage } from '../observe/pm2.ts';

/**
 * Resolves with the first of SIGTERM/SIGINT; later ones are absorbed for the
 * rest of the process's life, so the drain that follows is not cut short.
 */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => void onStopSignal(resolve));
}

/**
 * Calls `stop` once, on the first SIGTERM or SIGINT; later signals are
 * absorbed while it drains (Ctrl-C reaches a supervisor's children as SIGINT,
 * then the supervisor's SIGTERM must not kill them). Returns the function
 * that stops listening (call it once stopped, for whatever reason).
 *
 * @example
 * const off = onStopSignal((signal) => shutdown.abort(signal));
 * await done;
 * off();
 */
export function onStopSignal(stop: (signal: NodeJS.Signals) => void): () => void {
  let stopped = false;
  const on = (signal: NodeJS.Signals) => {
    if (stopped) return;
    stopped = true;
    stop(signal);
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
