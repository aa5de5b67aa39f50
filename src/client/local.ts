import type { Store } from '../store/store.ts';
import { OpenPolls } from './open-polls.ts';
import type { QueueClient } from './queue-client.ts';

/**
 * The in-process adapter: a QueueClient that calls the store directly, with
 * no serialisation in between. The store already speaks the SDK's shapes and
 * throws `SqsError`s, so every method is the store's own; only receive and
 * close add the port's rules (an aborted receive resolves with no messages;
 * `close()` ends this client's open receives). The store belongs to the
 * caller and stays open.
 *
 * @example
 * const store = openSqliteStore({ path: ':memory:' });
 * const client = localClient(store);
 * const { QueueUrl } = await client.createQueue({ QueueName: 'jobs' });
 * await client.sendMessage({ QueueUrl, MessageBody: 'hello' });
 * await client.close();
 * await store.close();
 */
export function localClient(store: Store): QueueClient {
  const polls = new OpenPolls();
  return {
    createQueue: (input) => store.createQueue(input),
    deleteQueue: (input) => store.deleteQueue(input),
    getQueueUrl: (input) => store.getQueueUrl(input),
    listQueues: (input) => store.listQueues(input),
    getQueueAttributes: (input) => store.getQueueAttributes(input),
    setQueueAttributes: (input) => store.setQueueAttributes(input),
    tagQueue: (input) => store.tagQueue(input),
    untagQueue: (input) => store.untagQueue(input),
    listQueueTags: (input) => store.listQueueTags(input),
    purgeQueue: (input) => store.purgeQueue(input),
    addPermission: (input) => store.addPermission(input),
    removePermission: (input) => store.removePermission(input),

    sendMessage: (input) => store.sendMessage(input),
    sendMessageBatch: (input) => store.sendMessageBatch(input),
    receiveMessage: (input, options) =>
      polls.run(options?.signal, (signal) => store.receiveMessage(input, { signal })),
    deleteMessage: (input) => store.deleteMessage(input),
    deleteMessageBatch: (input) => store.deleteMessageBatch(input),
    changeMessageVisibility: (input) => store.changeMessageVisibility(input),
    changeMessageVisibilityBatch: (input) => store.changeMessageVisibilityBatch(input),

    listDeadLetterSourceQueues: (input) => store.listDeadLetterSourceQueues(input),
    startMessageMoveTask: (input) => store.startMessageMoveTask(input),
    cancelMessageMoveTask: (input) => store.cancelMessageMoveTask(input),
    listMessageMoveTasks: (input) => store.listMessageMoveTasks(input),

    async close() {
      polls.close();
    },
  };
}
