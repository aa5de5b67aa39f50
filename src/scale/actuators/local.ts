/**
 * The local actuator: the supervisor's own process pool. Applying a count
 * starts or drains processes on this machine (see supervisor.ts).
 */
import type { Actuator } from '../actuator.ts';
import type { Supervisor } from '../supervisor.ts';

/**
 * @example
 * const actuator = localActuator(pool, 'worker.ts');
 * await actuator.apply(3, 'target tracking: …'); // three worker processes
 */
export function localActuator(pool: Supervisor, what: string): Actuator {
  return {
    target: `local processes (${what})`,
    current: async () => pool.count,
    apply: async (desired) => pool.scaleTo(desired),
  };
}
