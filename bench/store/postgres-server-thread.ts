/**
 * One "server" of the PostgreSQL row of `npm run bench:store`: a worker
 * thread with a store of its own (its own pools, its own LISTEN connection,
 * its own event loop), as a `sluice server` process would have. The main
 * thread starts every server's phase at once; `consumed` (shared between the
 * threads) says when the receivers are done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openPostgresStore } from '../../src/store/postgres/index.ts';
import { body, runLoops } from '../lib/run.ts';

export interface ServerThreadData {
  url: string;
  queueUrl: string;
  loops: number;
  bodyBytes: number;
  poolSize: number;
  /** Int32Array over a SharedArrayBuffer: [messages consumed, by every server]. */
  consumed: SharedArrayBuffer;
}

export type ServerThreadCommand =
  | { phase: 'send'; messages: number; firstSeq: number }
  | { phase: 'consume'; messages: number }
  | { phase: 'close' };

const data = workerData as ServerThreadData;
const consumed = new Int32Array(data.consumed);
const store = await openPostgresStore({ connectionString: data.url, poolSize: data.poolSize });
const QueueUrl = data.queueUrl;

parentPort!.on('message', async (command: ServerThreadCommand) => {
  if (command.phase === 'close') {
    await store.close();
    parentPort!.postMessage('closed');
    return;
  }
  if (command.phase === 'send') {
    let left = command.messages;
    let seq = command.firstSeq;
    await runLoops(data.loops, async () => {
      if (left <= 0) return false;
      const k = Math.min(10, left);
      left -= k;
      const Entries = Array.from({ length: k }, (_, i) => ({
        Id: String(i),
        MessageBody: body(seq++, data.bodyBytes),
      }));
      await store.sendMessageBatch({ QueueUrl, Entries });
      return true;
    });
  } else {
    const target = command.messages;
    await runLoops(data.loops, async () => {
      if (Atomics.load(consumed, 0) >= target) return false;
      const { Messages = [] } = await store.receiveMessage({
        QueueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 600,
      });
      if (Messages.length) {
        await store.deleteMessageBatch({
          QueueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        });
        Atomics.add(consumed, 0, Messages.length);
      }
      return true;
    });
  }
  parentPort!.postMessage('done');
});
parentPort!.postMessage('ready');
