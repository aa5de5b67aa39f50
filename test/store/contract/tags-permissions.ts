/** TagQueue / UntagQueue / ListQueueTags and AddPermission / RemovePermission (the queue Policy they write). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ACCOUNT,
  type ApiFactory,
  arnOf,
  createQueue,
  expectAwsError,
  queueAttrs,
  recorded,
  type SqsApi,
  useStore,
} from './harness.ts';

const PERMISSION_TEST = 'test_sqs_permission_lifecycle';

interface Statement {
  Sid: string;
  Effect: string;
  Principal: { AWS: string | string[] };
  Action: string | string[];
  Resource: string;
}
interface Policy {
  Version: string;
  Id: string;
  Statement: Statement[];
}

/** The policy AWS recorded under `key`, rewritten for our account, region and queue. */
function recordedPolicy(key: string, queueName: string): Policy {
  const r = recorded(PERMISSION_TEST, key) as { Attributes: { Policy: Policy } };
  const text = JSON.stringify(r.Attributes.Policy)
    .replaceAll('<partition>', 'aws')
    .replaceAll('<region>', 'us-east-1')
    .replaceAll('111111111111', ACCOUNT)
    .replaceAll('<resource:2>', queueName)
    .replaceAll('<resource:3>', 'root');
  return JSON.parse(text) as Policy;
}

/** Principals compared as a set (AWS does not promise an order); the Id only by its ARN prefix. */
function normalise(p: Policy, arn: string): unknown {
  assert.ok(p.Id.startsWith(`${arn}/`), `policy Id ${p.Id} starts with the queue ARN`);
  return {
    ...p,
    Id: 'ID',
    Statement: p.Statement.map((s) => ({
      ...s,
      Principal: { AWS: Array.isArray(s.Principal.AWS) ? [...s.Principal.AWS].sort() : s.Principal.AWS },
    })),
  };
}

async function policyOf(store: SqsApi, QueueUrl: string): Promise<Policy | undefined> {
  const text = (await queueAttrs(store, QueueUrl, ['Policy'])).Policy;
  return text === undefined ? undefined : (JSON.parse(text) as Policy);
}

export function tagsPermissionsContract(make: ApiFactory): void {
  describe('tags', () => {
    const t = useStore(make);

    it('tags, lists and untags (empty values allowed; no tags left means none listed)', async () => {
      const url = await createQueue(t.store, 'tagged');
      const tags = { tag1: 'value1', tag2: 'value2', tag3: '' };
      await t.store.tagQueue({ QueueUrl: url, Tags: tags });
      const want = (recorded('test_tag_untag_queue', 'get-tag-1') as { Tags: Record<string, string> }).Tags;
      assert.deepEqual((await t.store.listQueueTags({ QueueUrl: url })).Tags, want);
      await t.store.untagQueue({ QueueUrl: url, TagKeys: ['tag1', 'tag3'] });
      assert.deepEqual((await t.store.listQueueTags({ QueueUrl: url })).Tags, { tag2: 'value2' });
      await t.store.untagQueue({ QueueUrl: url, TagKeys: ['tag2'] });
      assert.deepEqual((await t.store.listQueueTags({ QueueUrl: url })).Tags ?? {}, {});
    });

    it('keeps tag keys case-sensitive, overwrites existing keys, ignores unknown keys on untag', async () => {
      const url = await createQueue(t.store, 'tags2');
      await t.store.tagQueue({ QueueUrl: url, Tags: { MyTag: 'value1', mytag: 'value2', keep: 'k' } });
      await t.store.tagQueue({ QueueUrl: url, Tags: { MyTag: 'VALUE1', extra: 'e' } });
      await t.store.untagQueue({ QueueUrl: url, TagKeys: ['nope', 'extra'] });
      assert.deepEqual((await t.store.listQueueTags({ QueueUrl: url })).Tags, {
        MyTag: 'VALUE1',
        mytag: 'value2',
        keep: 'k',
      });
    });

    it('takes tags at creation', async () => {
      const { QueueUrl } = await t.store.createQueue({ QueueName: 'born-tagged', tags: { a: '1', b: '2' } });
      assert.deepEqual((await t.store.listQueueTags({ QueueUrl })).Tags, { a: '1', b: '2' });
    });

    it('lists no tags for an untagged queue', async () => {
      const url = await createQueue(t.store, 'bare');
      assert.deepEqual((await t.store.listQueueTags({ QueueUrl: url })).Tags ?? {}, {});
    });
  });

  describe('permissions', () => {
    const t = useStore(make);

    it('writes one policy statement per label, and removes it again', async () => {
      const name = 'permitted';
      const url = await createQueue(t.store, name);
      const arn = arnOf(name);
      const add = (Label: string, AWSAccountIds: string[]) =>
        t.store.addPermission({ QueueUrl: url, Label, AWSAccountIds, Actions: ['ReceiveMessage'] });

      await add('crossaccountpermission', [ACCOUNT, '668614515564']);
      let policy = await policyOf(t.store, url);
      assert.ok(policy, 'AddPermission creates a Policy');
      assert.deepEqual(
        normalise(policy, arn),
        normalise(recordedPolicy('get-queue-policy-attribute', name), arn),
      );

      await t.store.removePermission({ QueueUrl: url, Label: 'crossaccountpermission' });
      assert.equal(await policyOf(t.store, url), undefined, 'no statements left means no Policy');

      await add('crossaccountpermission', [ACCOUNT]);
      policy = await policyOf(t.store, url);
      assert.ok(policy);
      assert.deepEqual(
        normalise(policy, arn),
        normalise(recordedPolicy('get-queue-policy-attribute-first-account-same-label', name), arn),
      );

      await add('crossaccountpermission2', [ACCOUNT]);
      policy = await policyOf(t.store, url);
      assert.ok(policy);
      assert.deepEqual(
        normalise(policy, arn),
        normalise(recordedPolicy('get-queue-policy-attribute-second-account-different-label', name), arn),
      );

      await t.store.removePermission({ QueueUrl: url, Label: 'crossaccountpermission' });
      policy = await policyOf(t.store, url);
      assert.ok(policy);
      assert.deepEqual(
        normalise(policy, arn),
        normalise(recordedPolicy('get-queue-policy-attribute-delete-first-permission', name), arn),
      );
    });

    it('refuses a label that exists, and removing a label that does not', async () => {
      const url = await createQueue(t.store, 'labels');
      await t.store.addPermission({
        QueueUrl: url,
        Label: 'crossaccountpermission',
        AWSAccountIds: [ACCOUNT],
        Actions: ['ReceiveMessage'],
      });
      await expectAwsError(
        t.store.addPermission({
          QueueUrl: url,
          Label: 'crossaccountpermission',
          AWSAccountIds: ['668614515564'],
          Actions: ['ReceiveMessage'],
        }),
        PERMISSION_TEST,
        'get-queue-policy-attribute-second-account-same-label',
      );
      await expectAwsError(
        t.store.removePermission({ QueueUrl: url, Label: 'crossaccountpermission2' }),
        PERMISSION_TEST,
        'get-queue-policy-attribute-delete-non-existent-label',
      );
    });
  });
}
