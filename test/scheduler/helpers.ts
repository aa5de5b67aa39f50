/** Scheduler test kit: an in-memory store on a ManualClock, FIFO queues, and a drain that reads what was sent. */
import { localClient } from '../../src/client/local.ts';
import type { QueueClient } from '../../src/client/queue-client.ts';
import { createLogger } from '../../src/observe/logger.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { ManualClock } from '../../src/time/clock.ts';

export const silent = createLogger({ level: 'silent' });

export interface Kit {
  clock: ManualClock;
  client: QueueClient;
  url: string;
  close(): Promise<void>;
}

export async function kit(start: string, queue = 'jobs.fifo'): Promise<Kit> {
  const clock = new ManualClock(Date.parse(start));
  const store = openSqliteStore({ path: ':memory:', clock });
  const client = localClient(store);
  const { QueueUrl } = await client.createQueue({ QueueName: queue, Attributes: { FifoQueue: 'true' } });
  return { clock, client, url: QueueUrl, close: () => store.close() };
}

export interface Received {
  body: string;
  scheduledAt: string;
  trigger: string;
}

/** Receives and deletes everything visible in the queue, oldest first. */
export async function drain(client: QueueClient, url: string): Promise<Received[]> {
  const out: Received[] = [];
  for (;;) {
    const { Messages = [] } = await client.receiveMessage({
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      MessageAttributeNames: ['All'],
    });
    if (Messages.length === 0) return out;
    for (const m of Messages) {
      out.push({
        body: m.Body ?? '',
        scheduledAt: m.MessageAttributes?.['sluice.scheduledAt']?.StringValue ?? '',
        trigger: m.MessageAttributes?.['sluice.trigger']?.StringValue ?? '',
      });
      await client.deleteMessage({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle ?? '' });
    }
  }
}

/** The local date and time of an ISO instant in a zone, e.g. "2026-03-08 03:00". */
export function local(iso: string, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export const MINUTE = 60_000;

/** Moves the clock `ms` forward in steps, letting the schedulers finish each wake before the next step. */
export async function runFor(
  clock: ManualClock,
  schedulers: readonly { idle(): Promise<void> }[],
  ms: number,
  step = 10 * MINUTE,
): Promise<void> {
  for (let left = ms; left > 0; left -= step) {
    await clock.advance(Math.min(step, left));
    await Promise.all(schedulers.map((s) => s.idle()));
  }
}
