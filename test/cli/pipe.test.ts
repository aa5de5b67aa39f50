/** `sluice pipe` as a real process against a real server, with real children and real signals. */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { PipeRecord } from '../../src/scale/pipe-records.ts';
import { queueCounts, startTestServer, type TestServer } from '../server/harness.ts';
import { fails, sluice, start } from './ops-harness.ts';

let t: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-pipe-'));
const running = new Set<ChildProcess>();
before(async () => {
  t = await startTestServer();
});
after(async () => {
  for (const p of running) p.kill('SIGKILL');
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const createQueue = async (QueueName: string) =>
  (await t.sqs.send(new CreateQueueCommand({ QueueName }))).QueueUrl!;

const counts = (QueueUrl: string) => queueCounts(t, QueueUrl);

/** `sluice pipe ...args`, left running; resolves `exited` with its code, signal and stderr. */
function startPipe(...args: string[]) {
  const child = start(t, 'pipe', ...args);
  running.add(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  child.stdout.resume();
  const exited = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, stderr });
    }),
  );
  return { child, exited, stderr: () => stderr };
}

describe('sluice pipe', () => {
  it('passes SQS_BODY and --env to the command; on SIGTERM forwards it, waits, deletes the exit-0 batch, exits 0', async () => {
    const url = await createQueue('cli-pipe');
    await t.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'hello' }));
    // On SIGTERM the command notes it and finishes its batch 300 ms later with exit 0.
    const script = `
      const fs = require('fs'), out = process.env.OUT;
      process.on('SIGTERM', () => { fs.writeFileSync(out + '/term', ''); setTimeout(() => process.exit(0), 300); });
      fs.writeFileSync(out + '/started', JSON.stringify({ greeting: process.env.GREETING, body: JSON.parse(process.env.SQS_BODY) }));
      setInterval(() => {}, 1000);`;
    const pipe = startPipe(
      'cli-pipe',
      '--env',
      `OUT=${dir}`,
      '--env=GREETING=a=b c',
      '--',
      process.execPath,
      '-e',
      script,
    );
    await until('the command started', () => existsSync(join(dir, 'started')));
    const seen = JSON.parse(readFileSync(join(dir, 'started'), 'utf8')) as {
      greeting: string;
      body: PipeRecord[];
    };
    assert.equal(seen.greeting, 'a=b c');
    assert.deepEqual(
      seen.body.map((r) => [r.body, r.eventSource, r.eventSourceARN]),
      [['hello', 'aws:sqs', 'arn:aws:sqs:us-east-1:000000000000:cli-pipe']],
    );
    // The child holds the only slot: what arrives now is not received.
    await t.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later' }));

    pipe.child.kill('SIGTERM');
    const { code, signal, stderr } = await pipe.exited;
    assert.deepEqual({ code, signal, stderr }, { code: 0, signal: null, stderr: '' });
    assert.ok(existsSync(join(dir, 'term')), 'the command did not get SIGTERM');
    assert.deepEqual(await counts(url), { visible: 1, inFlight: 0 });
  });

  it('stops at once on SIGTERM while it waits on an empty queue', async () => {
    await createQueue('cli-idle');
    const pipe = startPipe(
      'cli-idle',
      '--log-level',
      'info',
      '--',
      process.execPath,
      '-e',
      'process.exit(3)',
    );
    // Started (its signal handlers in place) once it says so: a loaded machine may take seconds.
    await until('the pipe started', () => pipe.stderr().includes('"msg":"pipe started"'), 30_000);
    await sleep(300);
    const stopped = Date.now();
    pipe.child.kill('SIGTERM');
    const { code, stderr } = await pipe.exited;
    const messages = stderr
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { msg: string }).msg);
    assert.deepEqual({ code, messages }, { code: 0, messages: ['pipe started', 'pipe stopped'] });
    assert.ok(Date.now() - stopped < 3000, `took ${Date.now() - stopped} ms to stop`);
  });

  it('refuses bad options, a missing command and an unknown queue in one line', async () => {
    await createQueue('cli-opts');
    const usage = 'sluice pipe <queue> [options] -- <command> [args…]';
    await Promise.all([
      fails(
        t,
        'sluice: --batch-size must be an integer 1–10000, got "0"',
        'pipe',
        'cli-opts',
        '--batch-size',
        '0',
        '--',
        'true',
      ),
      fails(
        t,
        "sluice: --batch-size above 10 needs --window of 1 second or more (as for Lambda's and Pipes' SQS sources), got --batch-size 25 and --window 0",
        'pipe',
        'cli-opts',
        '--batch-size',
        '25',
        '--',
        'true',
      ),
      fails(
        t,
        'sluice: --window must be an integer 0–300, got "301"',
        'pipe',
        'cli-opts',
        '--window',
        '301',
        '--',
        'true',
      ),
      fails(
        t,
        'sluice: --max-children must be an integer 1–1000, got "0"',
        'pipe',
        'cli-opts',
        '--max-children',
        '0',
        '--',
        'true',
      ),
      fails(
        t,
        'sluice: --env cannot set SQS_RESULT_FILE: the pipe sets it for each batch',
        'pipe',
        'cli-opts',
        '--env',
        'SQS_RESULT_FILE=/tmp/x',
        '--',
        'true',
      ),
      fails(
        t,
        'sluice: --env must be KEY=VALUE, got "NOPE"',
        'pipe',
        'cli-opts',
        '--env',
        'NOPE',
        '--',
        'true',
      ),
      fails(t, `sluice: missing the command after --: ${usage}`, 'pipe', 'cli-opts'),
      fails(t, `sluice: missing the command after --: ${usage}`, 'pipe', 'cli-opts', '--'),
      fails(t, `sluice: missing the queue: ${usage}`, 'pipe', '--', 'true'),
      fails(t, 'sluice: nowhere: The specified queue does not exist.', 'pipe', 'nowhere', '--', 'true'),
    ]);
  });

  it('names a command that does not exist in one line, exits 1, and receives nothing', async () => {
    const url = await createQueue('cli-enoent');
    await t.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'stuck' }));
    await fails(
      t,
      'sluice: command not found: sluice-no-such-command',
      'pipe',
      'cli-enoent',
      '--',
      'sluice-no-such-command',
      '--flag',
    );
    assert.deepEqual(await counts(url), { visible: 1, inFlight: 0 });
    const { Messages } = await t.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
    );
    assert.equal(Messages?.[0]?.Attributes?.ApproximateReceiveCount, '1', 'the pipe received it');
  });

  it('shows the command after -- in its usage line', async () => {
    const { code, stdout } = await sluice(t, 'pipe', '--help');
    assert.equal(code, 0);
    const usage = stripVTControlCharacters(stdout)
      .split('\n')
      .find((l) => l.startsWith('USAGE'));
    assert.equal(usage, 'USAGE  sluice pipe [OPTIONS] <QUEUE> -- <command> [args...]');
  });
});
