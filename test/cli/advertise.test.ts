/**
 * `sluice server --host 0.0.0.0`: every interface, no address to connect to,
 * so the queue URLs it hands out carry this machine's name (and the start
 * line says so), unless --advertise names another.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { after, describe, it } from 'node:test';
import { CreateQueueCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CREDENTIALS } from '../server/harness.ts';
import { SLUICE } from './cli-process.ts';

let child: ChildProcess | undefined;
after(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

describe('sluice server --host 0.0.0.0', () => {
  it('hands out queue URLs with the machine’s name, and says so', async () => {
    child = spawn(process.execPath, [...SLUICE, 'server', '--memory', '--host', '0.0.0.0', '--port', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const port = await new Promise<string>((resolve, reject) => {
      child!.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk;
        const m = /listening on http:\/\/0\.0\.0\.0:(\d+)/.exec(stderr);
        if (m) resolve(m[1]!);
      });
      child!.on('exit', (code) => reject(new Error(`server exited ${code}: ${stderr}`)));
    });
    const base = `http://${hostname()}:${port}`;

    const sqs = new SQSClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: CREDENTIALS,
    });
    try {
      const created = await sqs.send(new CreateQueueCommand({ QueueName: 'everywhere' }));
      assert.equal(created.QueueUrl, `${base}/000000000000/everywhere`);
      const found = await sqs.send(new GetQueueUrlCommand({ QueueName: 'everywhere' }));
      assert.equal(found.QueueUrl, `${base}/000000000000/everywhere`);
      assert.ok(!found.QueueUrl?.includes('0.0.0.0'));
      // Written right after the listening line; surely arrived once a request has been answered.
      assert.match(
        stderr,
        new RegExp(`^sluice server: queue URLs use ${base}; set --advertise to change$`, 'm'),
      );
      // Written right after the listening line; surely arrived once a request has been answered.
      assert.match(
        stderr,
        new RegExp(`^sluice server: queue URLs use ${base}; set --advertise to change$`, 'm'),
      );
    } finally {
      sqs.destroy();
    }
  });
});
