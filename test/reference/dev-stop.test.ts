/**
 * How `sluice dev` (what `npm start` runs) stops when a handler ignores
 * ctx.signal: after the shutdown timeout it hands the message back and exits
 * at once (the abandoned handler's side effect never happens); the same
 * signal twice exits at once. Real processes, real signals; the store file is
 * read afterwards to see the message was handed back and kept.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { awsClient } from '../../src/client/aws.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { eventually } from '../support/eventually.ts';
import { startSluiceDev } from '../support/sluice-dev.ts';

const running: ChildProcess[] = [];
after(() => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
});

/** sluice dev on the stubborn config, its handler started on one message. */
async function devWithStubbornHandler(env: NodeJS.ProcessEnv) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-dev-stop-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const files = { STARTED_FILE: join(dir, 'started'), MARKER_FILE: join(dir, 'marker') };
  const dev = await startSluiceDev(dir, ['test/reference/fixtures/stubborn.config.ts'], {
    ...files,
    HANDLER_MS: '60000',
    ...env,
  });
  running.push(dev.child);
  const output = () => `${dev.stdout()}${dev.stderr()}`;
  let code: number | null | undefined;
  void dev.exit.then((c) => {
    code = c;
  });
  const { child, endpoint } = dev;
  const client = awsClient({ endpoint, region: 'us-east-1' });
  const { QueueUrl } = await client.getQueueUrl({ QueueName: 'stubborn' });
  await client.sendMessage({ QueueUrl, MessageBody: 'job' });
  await client.close();
  await eventually(() => existsSync(files.STARTED_FILE), 'the handler to start', { detail: output });
  const exited = async () => {
    await eventually(() => code !== undefined, 'sluice dev to exit', {
      withinMs: 20_000,
      detail: output,
    });
    return code;
  };
  /** The message's place in the store the process left behind. */
  const counts = async () => {
    const store = openSqliteStore({ path: join(dir, 'sluice.sqlite') });
    try {
      const [s] = await store.stats('stubborn');
      return { visible: s?.visible, inFlight: s?.inFlight };
    } finally {
      await store.close();
    }
  };
  return { child, files, exited, counts, output };
}

it('exits 1 soon after the shutdown timeout, the message handed back, the side effect never done', async () => {
  const dev = await devWithStubbornHandler({ WORKER_SHUTDOWN_TIMEOUT_MS: '1500' });
  const sentAt = Date.now();
  dev.child.kill('SIGINT');
  assert.equal(await dev.exited(), 1, 'handlers were abandoned');
  assert.ok(Date.now() - sentAt >= 1500, 'not before the timeout');
  assert.deepEqual(await dev.counts(), { visible: 1, inFlight: 0 }, 'handed back, and kept');
  assert.equal(existsSync(dev.files.MARKER_FILE), false, 'the abandoned handler died with the process');
});

it('a second Ctrl-C exits 130 at once, the message handed back', async () => {
  const dev = await devWithStubbornHandler({ WORKER_SHUTDOWN_TIMEOUT_MS: '600000' });
  dev.child.kill('SIGINT');
  await eventually(() => /draining/.test(dev.output()), 'the drain to begin');
  dev.child.kill('SIGINT');
  assert.equal(await dev.exited(), 130);
  assert.deepEqual(await dev.counts(), { visible: 1, inFlight: 0 }, 'handed back, and kept');
  assert.equal(existsSync(dev.files.MARKER_FILE), false);
});
