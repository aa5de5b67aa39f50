/**
 * sluice-nostore: sluice's whole request path — node:http, body read,
 * protocol parse, validation, MD5s, routing, serialisation — with the three
 * actions the bench drives (SendMessageBatch, ReceiveMessage,
 * DeleteMessageBatch) answered from a plain array instead of a store. Not a
 * store (nothing is kept, in-flight state is not tracked): a measure of what
 * sluice's server burns per message before any storage, so that the CPU left
 * under issue 17's bar for the store itself can be read off the same run.
 * Other actions (CreateQueue, …) go to a real in-memory store.
 *
 * `node --import tsx bench/server/nostore-server.ts PORT`
 */
import { randomUUID } from 'node:crypto';
import { startServer } from '../../src/server/server.ts';
import { validateBatchEntries, validateBatchSize, validateMessage } from '../../src/sqs/message.ts';
import { queueSettings } from '../../src/sqs/queue-attributes.ts';
import { validateReceiveParams } from '../../src/sqs/receive.ts';
import type * as T from '../../src/sqs/types.ts';
import { eachEntry } from '../../src/store/shared/batch.ts';
import { sendAnswer } from '../../src/store/shared/send-answer.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { Store } from '../../src/store/store.ts';

/** A real store for everything but the hot three, which do the store's validation and answers, and keep nothing else. */
function arrayStore(real: Store): Store {
  // A queue as an array and a head index: taking from it costs the same however long it is.
  let ready: T.Message[] = [];
  let head = 0;
  const settings = queueSettings({}); // a standard queue's defaults, as the bench creates
  const hot: Partial<Store> = {
    async sendMessageBatch(input) {
      validateBatchEntries(input.Entries, 'SendMessageBatchRequestEntry');
      validateBatchSize(input.Entries);
      return eachEntry(input.Entries, (entry) => {
        validateMessage(entry, settings, true);
        const { result } = sendAnswer(entry);
        ready.push({
          MessageId: result.MessageId,
          ReceiptHandle: randomUUID(),
          MD5OfBody: result.MD5OfMessageBody,
          Body: entry.MessageBody,
        });
        return result;
      });
    },
    async receiveMessage(input) {
      validateReceiveParams(input);
      const messages = ready.slice(head, head + (input.MaxNumberOfMessages ?? 1));
      head += messages.length;
      if (head === ready.length) [ready, head] = [[], 0];
      return messages.length ? { Messages: messages } : {};
    },
    async deleteMessageBatch(input) {
      validateBatchEntries(input.Entries, 'DeleteMessageBatchRequestEntry');
      return { Successful: input.Entries.map((e) => ({ Id: e.Id })), Failed: [] };
    },
  };
  return new Proxy(real, { get: (t, k) => (k in hot ? hot[k as keyof Store] : Reflect.get(t, k)) });
}

const server = await startServer({
  port: Number(process.argv[2]),
  openStore: (baseUrl) => arrayStore(openSqliteStore({ path: ':memory:', identity: { baseUrl } })),
});
// Stopped as sluice server is, so that a --cpu-prof profile gets written (BENCH_SERVER_CPU_PROF).
process.once('SIGTERM', () => void server.shutdown().then(() => process.exit(0)));
