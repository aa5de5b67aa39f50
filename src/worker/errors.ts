/**
 * The errors a handler may throw to choose a message's fate, and the one the
 * worker raises itself for a body that fails the worker's schema.
 */

/**
 * Thrown by a handler for a message that no retry can fix (a malformed order,
 * a deleted account): the worker sends it to the queue's dead-letter queue at
 * once, with the error recorded in the `sluice.error` message attribute,
 * instead of retrying it until `maxReceiveCount`.
 *
 * @example
 * import { defineWorker, PermanentError } from 'sluice';
 * export default defineWorker({
 *   queue: 'orders',
 *   handler: async (message) => {
 *     if (!message.body.startsWith('{')) throw new PermanentError('not JSON', { cause: message.body });
 *   },
 * });
 */
export class PermanentError extends Error {
  override name = 'PermanentError';
}

/** A message body that is not JSON or does not satisfy the worker's schema; dead-lettered like a PermanentError. */
export class SchemaError extends PermanentError {
  override name = 'SchemaError';
}

/** The reason a handler's `ctx.signal` aborts when its message's visibility can no longer be extended. */
export class VisibilityLostError extends Error {
  override name = 'VisibilityLostError';
}

/** The reason `ctx.signal` aborts when the worker's shutdown timeout has passed. */
export class ShutdownError extends Error {
  override name = 'ShutdownError';
}
