/** Every Store contract, in one call: a backend is done when `storeContract(itsFactory)` passes. */
import { attributesContract } from './attributes.ts';
import { deleteVisibilityContract } from './delete-visibility.ts';
import { dlqContract } from './dlq.ts';
import { fifoContract } from './fifo.ts';
import { fifoDedupContract } from './fifo-dedup.ts';
import type { StoreFactory } from './harness.ts';
import { longPollContract } from './long-poll.ts';
import { moveTasksContract } from './move-tasks.ts';
import { purgeContract } from './purge.ts';
import { queuesContract } from './queues.ts';
import { receiveContract } from './receive.ts';
import { sendContract } from './send.ts';
import { sendBatchContract } from './send-batch.ts';
import { statsContract } from './stats.ts';
import { tagsPermissionsContract } from './tags-permissions.ts';

export const contracts: ReadonlyArray<(make: StoreFactory) => void> = [
  queuesContract,
  attributesContract,
  tagsPermissionsContract,
  purgeContract,
  sendContract,
  sendBatchContract,
  receiveContract,
  deleteVisibilityContract,
  longPollContract,
  fifoContract,
  fifoDedupContract,
  dlqContract,
  moveTasksContract,
  statsContract,
];

export function storeContract(make: StoreFactory): void {
  for (const contract of contracts) contract(make);
}
