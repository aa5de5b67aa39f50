/**
 * A worker process's side of PM2 (the ecosystem file src/deploy/pm2.ts
 * writes). PM2 runs each process with an IPC channel and `pm_id` in its
 * environment; there:
 * - `announceReady` sends 'ready' once the workers serve /ready, which
 *   `wait_ready` waits for (a reload replaces a process only after that);
 * - `onShutdownMessage` treats the 'shutdown' message that
 *   `shutdown_with_message` sends instead of a signal as SIGTERM.
 * Elsewhere both do nothing. The channel never keeps the process alive, so a
 * drained worker exits rather than wait for PM2's kill_timeout.
 */

/** True in a process PM2 started (it sets pm_id and opens an IPC channel). */
const underPm2 = (env: NodeJS.ProcessEnv) => env.pm_id !== undefined && typeof process.send === 'function';

/** Tells PM2 the process is ready (wait_ready); nothing outside PM2. */
export function announceReady(env: NodeJS.ProcessEnv = process.env): void {
  if (underPm2(env) && process.connected) process.send?.('ready');
}

/**
 * Calls `stop` when PM2 sends 'shutdown'; returns the function that stops listening.
 *
 * @example
 * const off = onShutdownMessage(() => shutdown.abort('SIGTERM'));
 */
export function onShutdownMessage(stop: () => void, env: NodeJS.ProcessEnv = process.env): () => void {
  if (!underPm2(env)) return () => {};
  const listener = (message: unknown) => {
    if (message === 'shutdown') stop();
  };
  process.on('message', listener);
  process.channel?.unref();
  return () => void process.off('message', listener);
}
