import { setMaxListeners } from 'node:events';
import type { ReceiveMessageOutput } from '../sqs/types.ts';

/**
 * The receives a client has open, so that `close()` can end them. Both
 * adapters share the rule of the QueueClient port: an aborted receive (by the
 * caller's signal or by `close()`) resolves with no messages instead of
 * rejecting, so a worker shutting down never sees its own abort as a failure.
 *
 * Each receive gets its own AbortController linked to the caller's signal and
 * to the client's; listeners are removed when the receive settles (no
 * `AbortSignal.any`, whose dependants leak on Node 20 under a long-lived parent).
 *
 * Over a network the caller's abort may be given a grace (`graceMs`): a
 * receive whose answer is already on the wire, cut off, would leave its
 * messages invisible until their visibility timeout; given a moment, it
 * returns them to the caller, who hands them back. Under load a receive
 * answers within milliseconds; an idle long poll is cut after the grace.
 * `close()` cuts at once.
 */
export class OpenPolls {
  readonly #closing = new AbortController();

  constructor() {
    // One listener per open receive; a worker keeps dozens open by design.
    setMaxListeners(0, this.#closing.signal);
  }

  /**
   * Runs `receive` with a signal that fires when `signal` or `close()` does.
   *
   * @example
   * const polls = new OpenPolls();
   * const out = await polls.run(undefined, (signal) => store.receiveMessage(input, { signal }));
   */
  async run(
    signal: AbortSignal | undefined,
    receive: (signal: AbortSignal) => Promise<ReceiveMessageOutput>,
    graceMs = 0,
  ): Promise<ReceiveMessageOutput> {
    const linked = new AbortController();
    if (signal?.aborted || this.#closing.signal.aborted) return {};
    let grace: NodeJS.Timeout | undefined;
    const abort = () => linked.abort();
    const abortAfterGrace = () => {
      if (graceMs > 0) grace ??= setTimeout(abort, graceMs);
      else abort();
    };
    signal?.addEventListener('abort', abortAfterGrace, { once: true });
    this.#closing.signal.addEventListener('abort', abort, { once: true });
    try {
      return await receive(linked.signal);
    } catch (e) {
      // Whatever an aborted receive rejects with (AbortError, a cut socket), the answer is "nothing".
      if (linked.signal.aborted) return {};
      throw e;
    } finally {
      clearTimeout(grace);
      signal?.removeEventListener('abort', abortAfterGrace);
      this.#closing.signal.removeEventListener('abort', abort);
    }
  }

  /** Ends every open receive (they resolve with no messages), and every later one at once. */
  close(): void {
    this.#closing.abort();
  }
}
