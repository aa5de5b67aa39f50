/**
 * Where a scaling decision takes effect. The policy (policy.ts) decides a
 * count; an actuator makes it so: the local supervisor's process pool, an
 * ECS service's desiredCount, or (with --dry-run) nothing but a printed call.
 * The numbers always come from the policy; an actuator never decides.
 */

export interface Actuator {
  /** What it scales, for logs: `local (worker.ts)`, `ecs cluster/service`. */
  readonly target: string;
  /** The count it runs now (for ECS: the service's desiredCount). */
  current(): Promise<number>;
  /** Asks for `desired` workers; `reason` is the policy's, for the record. */
  apply(desired: number, reason: string): Promise<void>;
}
