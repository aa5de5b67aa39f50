/**
 * A line said again on a timer: `sluice dev` reprints where everything is
 * (server, health, how to send a message) every 60 s in a terminal, where the
 * logs scroll its banner away. A `write` that throws does not stop it.
 */
import type { Clock } from '../time/clock.ts';

export interface RepeatLineOptions {
  clock: Clock;
  /** Defaults to 60 000. */
  intervalMs?: number;
  line: () => string;
  write: (line: string) => void;
}

/**
 * Starts repeating; returns the function that stops it.
 *
 * @example
 * const stop = repeatLine({ clock: systemClock, line: () => 'endpoint http://127.0.0.1:9324', write: (l) => process.stderr.write(`${l}\n`) });
 * stop();
 */
export function repeatLine(options: RepeatLineOptions): () => void {
  const intervalMs = options.intervalMs ?? 60_000;
  let cancel: (() => void) | undefined;
  const schedule = () => {
    cancel = options.clock.setTimer(intervalMs, () => {
      try {
        options.write(options.line());
      } catch {
        // A closed terminal must not take the system down: the next line may go through.
      }
      if (cancel) schedule();
    });
  };
  schedule();
  return () => {
    cancel?.();
    cancel = undefined;
  };
}
