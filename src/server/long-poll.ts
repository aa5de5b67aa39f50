/**
 * ReceiveMessage over HTTP. A client that disconnects during a long poll must
 * lose no message, and a draining server must not keep polls open:
 *
 * - the poll gets a signal that fires when the client's connection closes
 *   before its answer, or when the server starts draining; the store then
 *   ends the poll at once with nothing claimed;
 * - messages claimed just before the client went away, or whose answer was
 *   written but never flushed, are handed back (visibility 0) at once instead
 *   of staying invisible for the whole visibility timeout.
 */
import { setMaxListeners } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { ActionSpec } from '../protocol/actions.ts';
import type { ReceiveMessageOutput } from '../sqs/types.ts';
import type { Store } from '../store/store.ts';

export interface PollContext {
  readonly store: Store;
  readonly draining: AbortSignal;
  readonly log: (line: string) => void;
  readonly background: (work: Promise<void>) => void;
}

/** Every long poll listens to the server's draining signal; there may be many at once. */
export function drainingSignal(controller: AbortController): AbortSignal {
  setMaxListeners(0, controller.signal);
  return controller.signal;
}

/** Runs a receive for `res`; resolves with its output, or `undefined` if the client is gone (messages handed back). */
export async function receiveFor(
  res: ServerResponse,
  ctx: PollContext,
  action: ActionSpec,
  input: Record<string, unknown>,
): Promise<unknown> {
  const poll = new AbortController();
  let gone = false;
  const onClose = () => {
    if (res.writableEnded) return;
    gone = true;
    poll.abort();
  };
  const onDrain = () => poll.abort();
  res.once('close', onClose);
  if (ctx.draining.aborted) poll.abort();
  else ctx.draining.addEventListener('abort', onDrain, { once: true });
  let output: unknown;
  try {
    output = await action.call(ctx.store, input as never, { signal: poll.signal });
  } finally {
    ctx.draining.removeEventListener('abort', onDrain);
    res.off('close', onClose);
  }
  if (gone || res.destroyed) {
    await release(ctx, input, output);
    return undefined;
  }
  if ((output as ReceiveMessageOutput | undefined)?.Messages?.length) {
    res.once('close', () => {
      if (!res.writableFinished) ctx.background(release(ctx, input, output));
    });
  }
  return output;
}

function release(ctx: PollContext, input: Record<string, unknown>, output: unknown): Promise<void> {
  const messages = (output as ReceiveMessageOutput | undefined)?.Messages ?? [];
  const QueueUrl = input.QueueUrl as string;
  const done: Promise<void>[] = [];
  for (let i = 0; i < messages.length; i += 10) {
    const Entries = messages
      .slice(i, i + 10)
      .map((m, j) => ({ Id: `r${j}`, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
    done.push(
      ctx.store.changeMessageVisibilityBatch({ QueueUrl, Entries }).then(
        (r) => {
          for (const f of r.Failed)
            ctx.log(`sluice: could not hand back a message: ${f.Code} ${f.Message ?? ''}`);
        },
        (e: unknown) => ctx.log(`sluice: could not hand back messages: ${String(e)}`),
      ),
    );
  }
  return Promise.all(done).then(() => undefined);
}
