/**
 * Tells liveness, every `intervalMs`, whether a worker's queues hold visible
 * messages (GetQueueAttributes ApproximateNumberOfMessages): receives report
 * the backlog only while they run, so a loop that hangs after an empty
 * receive is caught only by an outside look like this one.
 */
import type { Logger } from 'pino';
import type { QueueClient } from '../client/queue-client.ts';
import type { Clock } from '../time/clock.ts';
import { coerceError } from './boundary.ts';
import type { QueueRef } from './message.ts';
import type { PollListener } from './poller.ts';

export interface BacklogProbeOptions {
  client: QueueClient;
  clock: Clock;
  log: Logger;
  /** The queues to look at (read at each look: a worker resolves its queues after start). */
  queues: () => readonly QueueRef[];
  liveness: Pick<PollListener, 'backlogKnown'>;
  /** Default 30 s. */
  intervalMs?: number;
}

/** Starts looking; returns a function that stops. A failed look is logged and changes nothing. */
export function startBacklogProbe(options: BacklogProbeOptions): () => void {
  const { client, clock, log } = options;
  let cancel: (() => void) | undefined;
  let stopped = false;
  const look = async () => {
    try {
      const answers = await Promise.all(
        options
          .queues()
          .map((q) =>
            client.getQueueAttributes({ QueueUrl: q.url, AttributeNames: ['ApproximateNumberOfMessages'] }),
          ),
      );
      if (stopped || answers.length === 0) return;
      options.liveness.backlogKnown(
        answers.some((a) => Number(a.Attributes?.ApproximateNumberOfMessages) > 0),
      );
    } catch (thrown) {
      log.debug({ err: coerceError(thrown) }, 'backlog probe failed');
    }
  };
  const schedule = () => {
    cancel = clock.setTimer(options.intervalMs ?? 30_000, () => {
      void look().finally(() => {
        if (!stopped) schedule();
      });
    });
  };
  schedule();
  return () => {
    stopped = true;
    cancel?.();
  };
}
