/**
 * A client that disconnects during a long poll must lose no message. The
 * store ends a poll at once when its signal fires, but messages claimed just
 * before that (or whose answer could not be flushed) would otherwise stay
 * invisible for the whole visibility timeout; here they are handed back at once.
 */
import type { ActionSpec } from '../protocol/actions.ts';
import type { Store } from '../store/store.ts';
import type { ReceiveMessageOutput } from '../store/types.ts';

export function releaseUndelivered(
  store: Store,
  action: ActionSpec,
  input: Record<string, unknown>,
  output: unknown,
  log: (line: string) => void,
): Promise<void> {
  if (action.name !== 'ReceiveMessage') return Promise.resolve();
  const messages = (output as ReceiveMessageOutput | undefined)?.Messages ?? [];
  const QueueUrl = input.QueueUrl as string;
  const done: Promise<void>[] = [];
  for (let i = 0; i < messages.length; i += 10) {
    const Entries = messages
      .slice(i, i + 10)
      .map((m, j) => ({ Id: `r${j}`, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
    const p = store.changeMessageVisibilityBatch({ QueueUrl, Entries }).then(
      (r) => {
        for (const f of r.Failed)
          log(`sluice: could not release an undelivered message: ${f.Code} ${f.Message ?? ''}`);
      },
      (e: unknown) => log(`sluice: could not release undelivered messages: ${String(e)}`),
    );
    done.push(p);
  }
  return Promise.all(done).then(() => undefined);
}
