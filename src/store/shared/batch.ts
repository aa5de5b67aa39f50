import { isSqsError } from '../../sqs/errors.ts';
import type { BatchResultErrorEntry } from '../../sqs/types.ts';

/**
 * Runs `fn` for each entry of a batch action. An SqsError becomes that entry's
 * failure (inside a 200, as SQS reports them); anything else is a bug and
 * fails the whole call.
 */
export function eachEntry<E extends { Id: string }, R extends object>(
  entries: E[],
  fn: (entry: E) => R,
): { Successful: (R & { Id: string })[]; Failed: BatchResultErrorEntry[] } {
  const out: { Successful: (R & { Id: string })[]; Failed: BatchResultErrorEntry[] } = {
    Successful: [],
    Failed: [],
  };
  for (const entry of entries) {
    try {
      out.Successful.push({ Id: entry.Id, ...fn(entry) });
    } catch (err) {
      if (!isSqsError(err)) throw err;
      out.Failed.push({ Id: entry.Id, SenderFault: err.senderFault, Code: err.code, Message: err.message });
    }
  }
  return out;
}

/** eachEntry for entries whose work is asynchronous (a database round trip each); one at a time, in order. */
export async function eachEntryAsync<E extends { Id: string }, R extends object>(
  entries: E[],
  fn: (entry: E) => Promise<R>,
): Promise<{ Successful: (R & { Id: string })[]; Failed: BatchResultErrorEntry[] }> {
  const out: { Successful: (R & { Id: string })[]; Failed: BatchResultErrorEntry[] } = {
    Successful: [],
    Failed: [],
  };
  for (const entry of entries) {
    try {
      out.Successful.push({ Id: entry.Id, ...(await fn(entry)) });
    } catch (err) {
      if (!isSqsError(err)) throw err;
      out.Failed.push({ Id: entry.Id, SenderFault: err.senderFault, Code: err.code, Message: err.message });
    }
  }
  return out;
}
