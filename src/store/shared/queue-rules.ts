/**
 * Queue rules that need no storage, shared by both stores: ListQueues paging,
 * tags, and the grants of AddPermission/RemovePermission (which also write the
 * queue's Policy attribute). The functions change the record given; the
 * caller saves it.
 */
import { errors } from '../../sqs/errors.ts';
import type * as T from '../../sqs/types.ts';
import { policyOf } from './policy.ts';
import { decodeToken, encodeToken } from './tokens.ts';

interface Queue {
  name: string;
  url: string;
  arn: string;
  attributes: Record<string, string>;
  tags: Record<string, string>;
  permissions: Record<string, unknown>;
}

/** ListQueues over a region's queues (by name): up to 1000; with MaxResults, pages linked by NextToken. */
export function listPage(
  queues: Pick<Queue, 'name' | 'url'>[],
  input: T.ListQueuesInput = {},
): T.ListQueuesOutput {
  const { QueueNamePrefix: prefix = '', MaxResults: max, NextToken: token } = input;
  if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > 1000)) {
    throw errors.invalidParameter('MaxResults', max, 'MaxResults must be an integer between 1 and 1000.');
  }
  const after = token !== undefined && token !== '' ? decodeToken(token, 'NextToken') : '';
  const names = queues.filter((q) => q.name.startsWith(prefix) && q.name > after).map((q) => q.url);
  if (max === undefined) return names.length ? { QueueUrls: names.slice(0, 1000) } : {};
  const page = names.slice(0, max);
  const out: T.ListQueuesOutput = page.length ? { QueueUrls: page } : {};
  if (names.length > max) {
    const last = page[page.length - 1]!;
    out.NextToken = encodeToken(last.slice(last.lastIndexOf('/') + 1));
  }
  return out;
}

export function addTags(q: Queue, input: T.TagQueueInput): void {
  const tags = { ...q.tags, ...(input.Tags ?? {}) };
  if (Object.keys(tags).length > 50) throw errors.overLimit(`Too many tags added for queue ${q.name}.`);
  q.tags = tags;
}

export function removeTags(q: Queue, input: T.UntagQueueInput): void {
  const tags = { ...q.tags };
  for (const key of input.TagKeys ?? []) delete tags[key];
  q.tags = tags;
}

export function grant(q: Queue, input: T.AddPermissionInput): void {
  const label = requireLabel(input.Label);
  if (label in q.permissions) throw errors.invalidParameter('Label', label, 'Already exists.');
  if (!input.AWSAccountIds?.length) throw errors.missingParameter('AWSAccountIds');
  if (!input.Actions?.length) throw errors.missingParameter('Actions');
  q.permissions = { ...q.permissions, [label]: { accounts: input.AWSAccountIds, actions: input.Actions } };
  q.attributes = { ...q.attributes, Policy: policyOf(q) };
}

export function revoke(q: Queue, input: T.RemovePermissionInput): void {
  const label = requireLabel(input.Label);
  if (!(label in q.permissions)) throw errors.invalidParameter('Label', label, "can't find label.");
  const permissions = { ...q.permissions };
  delete permissions[label];
  q.permissions = permissions;
  const attributes = { ...q.attributes };
  if (Object.keys(permissions).length) attributes.Policy = policyOf(q);
  else delete attributes.Policy;
  q.attributes = attributes;
}

function requireLabel(label: unknown): string {
  if (typeof label !== 'string' || label === '') throw errors.missingParameter('Label');
  return label;
}
