/**
 * The "done when" for dead-letter triage, on the reference system run
 * for real: `sluice dev` as a child process (temporary data directory, ports
 * picked by the OS), poison push notifications (no recipient: the push
 * worker's schema refuses them, so it sends each straight to the DLQ with the
 * error it recorded) sent among good ones, then in Chromium: a poison message
 * found by its body text, its group of siblings by error with the right
 * count, the group redriven to its source queue with progress to completion,
 * the redrive in the audit log. Still poison, the messages fail again and come
 * back to the DLQ: the worker's log shows each received from its queue again.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { awsClient } from '../../src/client/aws.ts';
import type { QueueClient } from '../../src/client/queue-client.ts';
import { eventually } from '../support/eventually.ts';
import { type SluiceDev, startSluiceDev } from '../support/sluice-dev.ts';
import { launchChromium, noErrors, open, skip } from './chromium.ts';

const POISON = 3;
let dir = '';
let dev: SluiceDev | undefined;
let endpoint = '';
let client: QueueClient;
let browser: Browser;
let context: BrowserContext;

const until = (check: () => boolean | Promise<boolean>, what: string) =>
  eventually(check, what, { everyMs: 100, detail: () => dev?.stdout().slice(-3000) ?? '' });

/** The push worker's log lines that dead-lettered a message. */
const deadLettered = () =>
  (dev?.logLines() ?? []).filter(
    (l) => l.msg === 'sent to the dead-letter queue' && l.queue === 'push-notifications',
  );

const dlqDepth = async () => {
  const { QueueUrl } = await client.getQueueUrl({ QueueName: 'push-notifications-dlq' });
  const { Attributes = {} } = await client.getQueueAttributes({
    QueueUrl,
    AttributeNames: ['ApproximateNumberOfMessages'],
  });
  return Number(Attributes.ApproximateNumberOfMessages);
};

describe('triaging the reference system’s poison messages in the browser', { skip }, () => {
  before(async () => {
    browser = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), 'sluice-triage-'));
    dev = await startSluiceDev(dir, ['--no-producers']);
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    ({ endpoint } = dev);
    client = awsClient({ endpoint, region: 'us-east-1' });
    const { QueueUrl } = await client.getQueueUrl({ QueueName: 'push-notifications' });
    for (let i = 0; i < 6; i++) {
      await client.sendMessage({ QueueUrl, MessageBody: JSON.stringify({ to: `user-${i}`, title: 'hi' }) });
      if (i < POISON)
        await client.sendMessage({
          QueueUrl,
          MessageBody: JSON.stringify({ title: `poison-push-${i}`, text: 'no recipient' }),
        });
    }
    await until(async () => (await dlqDepth()) === POISON, 'the poison messages in the DLQ');
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await client?.close();
    if (dev && dev.child.exitCode === null) {
      dev.child.kill('SIGTERM');
      await dev.exit;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds a poison message, groups it with its siblings, redrives them and audits it', async () => {
    const { page, errors } = await open(context, `${endpoint}/dashboard`);
    const source = page.locator('#queues tr[data-queue="push-notifications"]');
    await source.waitFor();
    assert.equal(await source.locator('td').nth(5).textContent(), String(POISON), 'its DLQ depth');

    await page.goto(`${endpoint}/dashboard/queues/push-notifications-dlq/dead-letters`);
    // Found by body text.
    await page.fill('#filter input[name="body"]', 'poison-push-1');
    await page.click('#filter button[type="submit"]');
    await page.waitForFunction(
      () => document.querySelector('#match-count')?.textContent === '1 message matches',
    );
    // The count and the page of messages are two requests: either may arrive first.
    const found = page.locator('#messages tbody tr[data-message-id]');
    await found.first().waitFor();
    assert.equal(await found.count(), 1);
    assert.match((await found.locator('td.body').textContent()) ?? '', /poison-push-1/);

    // Grouped with its siblings by the error the worker recorded, and the queue it failed in.
    const group = page.locator('#groups tbody tr', { hasText: 'SchemaError' });
    await group.waitFor();
    const [error, from, count] = await group.locator('td').allTextContents();
    assert.match(error ?? '', /^SchemaError: body fails the schema: to: /);
    assert.equal(from, 'push-notifications');
    assert.equal(count, String(POISON));
    await group.locator('button.select-group').click();
    await page.waitForFunction(
      (n) => document.querySelector('#match-count')?.textContent === `${n} messages match`,
      POISON,
    );
    assert.equal(await page.textContent('#redrive'), `Redrive ${POISON} messages`);

    // Redriven to the queue each failed in, one a second: progress part-way, then complete.
    const before = deadLettered().length;
    await page.fill('#redrive-form input[name="rate"]', '1');
    page.once('dialog', (d) => void d.accept());
    await page.click('#redrive');
    await page.waitForSelector('#moves li[data-status="RUNNING"] progress');
    await page.waitForSelector('#moves li[data-status="COMPLETED"]', { timeout: 20_000 });
    assert.equal(await page.textContent('#moves li .progress-text'), `${POISON} / ${POISON} moved`);

    // Still poison: each is received from push-notifications again, fails the schema again, and is
    // back in the DLQ, in the same group.
    await until(() => deadLettered().length === before + POISON, 'the redriven messages to fail again');
    await until(async () => (await dlqDepth()) === POISON, 'the DLQ to hold them again');
    await page.waitForFunction(
      (n) =>
        [...document.querySelectorAll('#groups tbody tr')].some(
          (r) => /SchemaError/.test(r.textContent ?? '') && r.children[2]?.textContent === String(n),
        ),
      POISON,
    );

    // The audit log: who, what, where, how many.
    await page.click('nav a[href="/dashboard/audit"]');
    const entry = page.locator('#audit tbody tr').first();
    await entry.waitFor();
    const cells = await entry.locator('td').allTextContents();
    assert.deepEqual(cells.slice(1, 5), ['local', 'redrive', 'push-notifications-dlq', String(POISON)]);
    assert.match(cells[5] ?? '', /SchemaError/);
    assert.match(cells[5] ?? '', /each message’s source queue/);
    noErrors(errors);
    await page.close();
  });
});
