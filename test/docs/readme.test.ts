/**
 * The README's first examples, run as a new user runs them: the code blocks
 * are read from README.md itself (so the test and the page cannot drift),
 * against a real server, with real AWS CLI, boto3 and `npx sluice`
 * processes and an environment that holds only what the README exports.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { queueCounts, run, startTestServer, type TestServer } from '../server/harness.ts';
import { eventually } from '../support/eventually.ts';

const README = readFileSync('README.md', 'utf8');
const blocks = [...README.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map(([, lang, code]) => ({
  lang: lang ?? '',
  code: code ?? '',
}));
const block = (lang: string, marker: string): string =>
  blocks.find((b) => b.lang === lang && b.code.includes(marker))?.code ??
  assert.fail(`README has no ${lang} block with ${marker}`);

let t: TestServer;
let home: string;
before(async () => {
  t = await startTestServer();
  home = mkdtempSync(join(t.dir, 'home-'));
});
after(() => t.close());

/** Only what a fresh shell has, plus the README's own exports; the server's address in place of 9324's. */
// Debian's AWS CLI (v1) and boto3 first: the clients that want AWS_DEFAULT_REGION.
const PATH = `/usr/bin:/bin:${process.env.PATH ?? ''}`;

function shell(script: string) {
  const env = {
    PATH,
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
    AWS_PAGER: '',
  };
  return run('/bin/bash', ['-euc', script.replaceAll('http://127.0.0.1:9324', t.url)], env);
}

const setUp = block('sh', 'export AWS_ACCESS_KEY_ID');
const exportLine = setUp.split('\n').find((l) => l.startsWith('export AWS_')) ?? '';

test('the AWS CLI example runs as written', async () => {
  const r = await shell(setUp);
  assert.equal(r.code, 0, r.stderr);
  const url = `${t.url}/000000000000/jobs`;
  assert.deepEqual(await queueCounts(t, url), { visible: 1, inFlight: 0 });
});

test('boto3 finds its region in the README’s exports', async () => {
  const r = await shell(
    `${exportLine}\npython3 -c 'import boto3; print(len(boto3.client("sqs", endpoint_url="http://127.0.0.1:9324").list_queues().get("QueueUrls", [])))'`,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\d+\n$/);
});

test('the first worker runs as written with npx sluice worker', async () => {
  const source = block('ts', '// workers.mts');
  const command = block('sh', 'npx sluice worker workers.mts').trim();
  // Inside the repository, so `import … from 'sluice'` resolves to this package, as it does for a user's project.
  const dir = resolve('.tmp', `readme-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'workers.mts'), source);
  const { QueueUrl } = await t.sqs.send(new CreateQueueCommand({ QueueName: 'jobs' }));
  await shell(
    `${exportLine}\naws --endpoint-url http://127.0.0.1:9324 sqs send-message --queue-url ${QueueUrl} --message-body first`,
  );

  const script = `${exportLine}\ncd ${dir}\nexport WORKER_HEALTH_PORT=0\nexec env ${command.replace(/\s+#.*$/, '')}`;
  const worker = spawn('/bin/bash', ['-euc', script.replaceAll('http://127.0.0.1:9324', t.url)], {
    env: { PATH, HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // npx runs sluice as its child: end the whole group
  });
  after(() => process.kill(-(worker.pid ?? 0), 'SIGKILL'));
  let output = '';
  worker.stdout.on('data', (d) => (output += d));
  worker.stderr.on('data', (d) => (output += d));
  await eventually(
    () => /"msg":"handled"/.test(output) && output.includes('"body":"first"'),
    'the handler’s log line',
    {
      withinMs: 60_000,
      detail: () => output,
    },
  );
  await eventually(async () => (await queueCounts(t, QueueUrl!)).inFlight === 0, 'the message deleted', {
    withinMs: 30_000,
  });
  assert.deepEqual(await queueCounts(t, QueueUrl!), { visible: 0, inFlight: 0 });
});
