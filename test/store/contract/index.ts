/**
 * Every Store contract, in one call: a backend is done when `storeContract(itsFactory)` passes.
 * The same contracts, but stats and the operator's (a Store's read model, not SQS API), run against every QueueClient
 * (`apiContract`, test/client/), so the in-process path and the HTTP path cannot drift apart.
 */
import { attributesContract } from './attributes.ts';
import { deleteVisibilityContract } from './delete-visibility.ts';
import { dlqContract } from './dlq.ts';
import { fifoContract } from './fifo.ts';
import { fifoDedupContract } from './fifo-dedup.ts';
import type { ApiFactory, StoreFactory } from './harness.ts';
import { historyContract } from './history.ts';
import { longPollContract } from './long-poll.ts';
import { moveTasksContract } from './move-tasks.ts';
import { operatorContract } from './operator.ts';
import { purgeContract } from './purge.ts';
import { queuesContract } from './queues.ts';
import { receiveContract } from './receive.ts';
import { regionsContract } from './regions.ts';
import { sendContract } from './send.ts';
import { sendBatchContract } from './send-batch.ts';
import { statsContract } from './stats.ts';
import { tagsPermissionsContract } from './tags-permissions.ts';

export const apiContracts: ReadonlyArray<(make: ApiFactory) => void> = [
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
];

export function storeContract(make: StoreFactory): void {
  apiContract(make);
  statsContract(make);
  operatorContract(make);
  historyContract(make);
  regionsContract(make);
}

export function apiContract(make: ApiFactory): void {
  for (const contract of apiContracts) contract(make);
}
