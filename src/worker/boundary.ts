/**
 * The one boundary between the worker's loops and code they do not own: the
 * user's handler and schema, the logger, the metrics sink and liveness
 * listeners. Whatever such code throws (or rejects with, even a non-Error) is
 * turned into an `Error` here, once, so a loop only ever sees results and no
 * callback can stop it.
 */
import type { Logger } from 'pino';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: Error };

/** Anything thrown, as an Error: Errors pass through; other values are described in the message. */
export function coerceError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  let text: string;
  try {
    text = typeof thrown === 'string' ? thrown : JSON.stringify(thrown);
  } catch {
    text = String(thrown);
  }
  return new Error(`non-Error thrown: ${text}`, { cause: thrown });
}

/** Calls user code; never throws and never rejects. */
export async function runHandler<A extends unknown[], T>(
  fn: (...args: A) => T | PromiseLike<T>,
  ...args: A
): Promise<Outcome<Awaited<T>>> {
  try {
    return { ok: true, value: await fn(...args) };
  } catch (thrown) {
    return { ok: false, error: coerceError(thrown) };
  }
}

/** Calls a side-effect callback (a metric, a listener); anything it throws is dropped. */
export function safely<A extends unknown[]>(fn: ((...args: A) => unknown) | undefined, ...args: A): void {
  if (!fn) return;
  try {
    fn(...args);
  } catch {
    // a broken listener must not stop the caller; it has nowhere else to report to
  }
}

/**
 * An object whose methods never throw: each call goes through `safely`
 * (methods that return values return `undefined` if they throw).
 */
export function safeObject<T extends object>(target: T): T {
  return new Proxy(target, {
    get(obj, key, receiver) {
      const value = Reflect.get(obj, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          return value.apply(obj, args);
        } catch {
          return undefined;
        }
      };
    },
  });
}

/** A logger whose calls never throw, nor do those of its children. */
export function safeLogger(logger: Logger): Logger {
  return new Proxy(logger, {
    get(obj, key, receiver) {
      const value = Reflect.get(obj, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          const result = value.apply(obj, args);
          return key === 'child' ? safeLogger(result as Logger) : result;
        } catch {
          return key === 'child' ? safeLogger(obj) : undefined;
        }
      };
    },
  });
}
