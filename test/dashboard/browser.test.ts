/**
 * The dashboard in a real browser: playwright-core driving Debian's Chromium (`apt-get install
 * chromium`; .ci/run installs it) through the operator's flows, against a real server whose dead
 * letters a real worker made. Any console error (a CSP violation included) fails the test.
 *
 * UPDATE_SCREENSHOTS=1 writes the README's screenshots to docs/dashboard-*.png.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import type { Browser, BrowserContext } from 'playwright-core';
import { awsClient } from '../../src/client/aws.ts';
import { ScheduleBoard } from '../../src/dashboard/schedules.ts';
import { DecisionTags } from '../../src/scale/decision-tags.ts';
import { defineWorker } from '../../src/worker/define.ts';
import { runWorkers } from '../../src/worker/run.ts';
import { launchChromium, noErrors, open, skip } from './chromium.ts';
import {
  type DashboardServer,
  OPERATOR,
  runSchedules,
  ShiftedClock,
  seed,
  seedHistory,
  startDashboardServer,
  VIEWER,
} from './harness.ts';

const shots = process.env.UPDATE_SCREENSHOTS === '1' ? 'docs' : mkdtempSync(join(tmpdir(), 'sluice-shots-'));

let browser: Browser;
before(async () => {
  if (skip) return;
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

describe('dashboard in Chromium, loopback without --auth', { skip }, () => {
  let t: DashboardServer;
  let context: BrowserContext;
  let stopSchedules: (() => Promise<void>) | undefined;
  before(async () => {
    const clock = new ShiftedClock();
    const board = new ScheduleBoard();
    t = await startDashboardServer({ clock, schedules: board });
    await seedHistory(t.store, clock);
    await seed(t);
    stopSchedules = await runSchedules(t, board);
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  });
  after(async () => {
    await context?.close();
    await stopSchedules?.();
    await t?.close();
  });

  it('shows every queue live, and pauses', async () => {
    const { page, errors } = await open(context, `${t.url}/dashboard`);
    const orders = page.locator('#queues tr[data-queue="orders"]');
    await orders.waitFor();
    assert.equal(await orders.locator('td').nth(1).textContent(), '20');
    assert.equal(await orders.locator('td').nth(5).textContent(), '5', 'DLQ depth');
    await page.screenshot({ path: join(shots, 'dashboard-overview.png') });
    await page.click('#pause');
    assert.equal(await page.textContent('#pause'), 'Resume');
    noErrors(errors);
    await page.close();
  });

  it('draws a queue’s history, for each range', async () => {
    const { page, errors } = await open(context, `${t.url}/dashboard/queues/charted`);
    await page.waitForSelector('#charts figure polyline.series');
    assert.equal(await page.locator('#charts figure').count(), 4);
    const lines = await page
      .locator('#charts polyline.series')
      .evaluateAll((els) => els.map((e) => (e.getAttribute('points') ?? '').split(' ').length));
    assert.ok(
      lines.every((n) => n >= 55),
      `a point per sampled minute in every series: ${lines}`,
    );
    const stroke = await page
      .locator('#charts polyline.series')
      .first()
      .evaluate((e) => getComputedStyle(e).stroke);
    assert.notEqual(stroke, 'none', 'coloured by the stylesheet');
    await page.locator('#history').screenshot({ path: join(shots, 'dashboard-history.png') });
    await page.click('#history button[data-range="7d"]');
    // The hour in 1-hour buckets: one or two points a series.
    await page.waitForFunction(() =>
      [...document.querySelectorAll('#charts polyline.series')].every(
        (e) => (e.getAttribute('points') ?? '').split(' ').length <= 2,
      ),
    );
    assert.equal(await page.getAttribute('#history button[data-range="7d"]', 'aria-pressed'), 'true');
    noErrors(errors);
    await page.close();
  });

  it('finds a message by body text and opens it', async () => {
    const { page, errors } = await open(context, `${t.url}/dashboard`);
    await page.click('#queues a[href="/dashboard/queues/orders"]');
    await page.waitForSelector('#messages tbody tr[data-message-id]');
    await page.fill('#filter input[name="body"]', '"ana"');
    await page.click('#filter button[type="submit"]');
    await page.waitForFunction(
      () => document.querySelector('#match-count')?.textContent === '1 message matches',
    );
    const rows = page.locator('#messages tbody tr[data-message-id]');
    await rows.first().waitFor(); // the count and the page of messages are two requests
    assert.equal(await rows.count(), 1);
    assert.match((await rows.locator('td.body').textContent()) ?? '', /order-7/);
    await page.screenshot({ path: join(shots, 'dashboard-queue.png'), fullPage: true });
    await rows.locator('button').click();
    await page.waitForSelector('#message-dialog[open]');
    assert.match((await page.textContent('#message-body')) ?? '', /"customer": "ana"/);
    noErrors(errors);
    await page.close();
  });

  it('triages a DLQ group and redrives it with progress', async () => {
    const { page, errors } = await open(context, `${t.url}/dashboard/queues/orders-dlq/dead-letters`);
    const typeErrors = page.locator('#groups tbody tr', { hasText: 'TypeError' });
    await typeErrors.waitFor();
    assert.equal(await typeErrors.locator('td').nth(2).textContent(), '3');
    await typeErrors.locator('button.select-group').click();
    await page.waitForFunction(
      () => document.querySelector('#match-count')?.textContent === '3 messages match',
    );
    await page.waitForFunction(
      () => document.querySelectorAll('#messages tbody tr[data-message-id]').length >= 3,
    );
    assert.equal(await page.locator('#messages tbody tr[data-message-id]').count(), 3, 'each message once');
    await page.screenshot({ path: join(shots, 'dashboard-dead-letters.png'), fullPage: true });
    await page.fill('#redrive-form input[name="rate"]', '1');
    page.once('dialog', (d) => void d.accept());
    await page.click('#redrive');
    // One a second: the progress is seen part-way, then the task completes.
    await page.waitForSelector('#moves li[data-status="RUNNING"] progress');
    await page.screenshot({ path: join(shots, 'dashboard-redrive.png'), fullPage: true });
    await page.waitForSelector('#moves li[data-status="COMPLETED"]', { timeout: 15_000 });
    assert.equal(await page.textContent('#moves li .progress-text'), '3 / 3 moved');
    const [orders] = await t.store.stats('orders');
    assert.equal(orders?.visible, 23, 'the poison orders are back in their queue');
    noErrors(errors);
    await page.close();
  });

  it('lists a running worker, named by its WORKER_ID, with what it holds, and sluice scale’s decisions', async () => {
    const { QueueUrl } = await t.store.createQueue({ QueueName: 'thumbnails' });
    for (let i = 0; i < 3; i++) await t.store.sendMessage({ QueueUrl, MessageBody: `image ${i}` });
    // What a `sluice scale --prefix thumbs` supervisor records, through a real client.
    const client = awsClient({ endpoint: t.url, region: 'us-east-1', credentials: OPERATOR });
    const decisions = new DecisionTags({
      client,
      queueUrl: QueueUrl,
      prefix: 'thumbs',
      log: pino({ level: 'silent' }),
    });
    const minute = 60_000;
    decisions.record({
      at: Date.now() - 3 * minute,
      from: 0,
      to: 1,
      reason: 'raised to min 1: target tracking: backlog 0 (visible 0) ÷ 100 per worker → 0',
    });
    decisions.record({
      at: Date.now() - 2 * minute,
      from: 1,
      to: 3,
      reason: 'target tracking: backlog 260 (visible 260) ÷ 100 per worker → 3',
    });
    decisions.record({
      at: Date.now() - minute,
      from: 3,
      to: 3,
      reason:
        'scale-in cooldown: 45 s of 300 s since last scale-in, holding 3 (wanted 1: target tracking: backlog 3 (visible 3) ÷ 100 per worker → 1)',
    });
    await decisions.flush();
    await client.close();
    let finish!: () => void;
    const held = new Promise<void>((r) => {
      finish = r;
    });
    let started = 0;
    const running = await runWorkers(
      [
        defineWorker({
          queue: 'thumbnails',
          handler: async () => {
            started++;
            await held;
          },
        }),
      ],
      {
        env: {
          SLUICE_ENDPOINT: t.url,
          AWS_REGION: 'us-east-1',
          WORKER_ID: 'thumbs-7',
          WORKER_HEALTH_PORT: '0',
        },
        handleSignals: false,
        logger: pino({ level: 'silent' }),
        writeStats: () => {},
      },
    );
    try {
      const { page, errors } = await open(context, `${t.url}/dashboard/workers`);
      const row = page.locator('#workers tr[data-worker="thumbs-7"]');
      await row.waitFor();
      assert.equal(await row.locator('td').nth(1).textContent(), 'thumbnails');
      await page.waitForFunction(
        () =>
          document.querySelector('#workers tr[data-worker="thumbs-7"] td:nth-child(3)')?.textContent === '3',
      );
      assert.equal(started, 3);
      const shown = page.locator('#scaling .supervisor[data-prefix="thumbs"] tbody tr');
      await shown.first().waitFor();
      assert.equal(await shown.count(), 3);
      assert.deepEqual((await shown.first().locator('td').allTextContents()).slice(1), [
        '3 (held)',
        'scale-in cooldown: 45 s of 300 s since last scale-in, holding 3 (wanted 1: target tracking: backlog 3 (visible 3) ÷ 100 per worker → 1)',
      ]);
      assert.equal(await shown.nth(1).locator('td').nth(1).textContent(), '1 → 3');
      await page.screenshot({ path: join(shots, 'dashboard-workers.png') });
      noErrors(errors);
      await page.close();
    } finally {
      finish();
      await running.stop();
    }
  });

  it('runs a schedule now', async () => {
    const { page, errors } = await open(context, `${t.url}/dashboard/schedules`);
    const row = page.locator('#schedules tr[data-schedule="nightly-report"]');
    await row.waitFor();
    assert.match((await row.locator('td').nth(4).textContent()) ?? '', /03:00:00/);
    assert.equal(await row.locator('td').nth(5).textContent(), '—', 'never run yet');
    await page.screenshot({ path: join(shots, 'dashboard-schedules.png') });
    await row.locator('button.run-now').click();
    await page.waitForFunction(() =>
      /^ran nightly-report/.test(document.querySelector('#toast')?.textContent ?? ''),
    );
    await page.waitForFunction(
      () =>
        document.querySelector('#schedules tr[data-schedule="nightly-report"] td:nth-child(6)')
          ?.textContent !== '—',
    );
    const [reports] = await t.store.stats('reports.fifo');
    assert.equal(reports?.visible, 1, 'the schedule’s message is on its queue');
    noErrors(errors);
    await page.close();
  });

  it('lays the overview out for a phone, in dark mode', async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      colorScheme: 'dark',
    });
    const { page, errors } = await open(phone, `${t.url}/dashboard`);
    await page.locator('#queues tr[data-queue="orders"]').waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no sideways scrolling (page is ${width} px wide)`);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(background, 'rgb(15, 17, 21)', 'dark background');
    await page.screenshot({ path: join(shots, 'dashboard-phone-dark.png') });
    noErrors(errors);
    await phone.close();
  });
});

describe('dashboard in Chromium, with --auth', { skip }, () => {
  let t: DashboardServer;
  before(async () => {
    t = await startDashboardServer({ auth: true });
    await seed(t);
  });
  after(async () => {
    await t?.close();
  });

  async function signIn(credentials: { accessKeyId: string; secretAccessKey: string }) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const opened = await open(context, `${t.url}/dashboard`);
    await opened.page.waitForURL(/\/dashboard\/login$/);
    await opened.page.fill('input[name="accessKeyId"]', credentials.accessKeyId);
    await opened.page.fill('input[name="secretAccessKey"]', credentials.secretAccessKey);
    await opened.page.click('#login-form button[type="submit"]');
    await opened.page.waitForURL(/\/dashboard$/);
    return { context, ...opened };
  }

  it('refuses a viewer’s action', async () => {
    const { context, page, errors } = await signIn(VIEWER);
    assert.match((await page.textContent('.who')) ?? '', /AKIDVIEWER · viewer/);
    await page.goto(`${t.url}/dashboard/queues/orders`);
    await page.waitForSelector('.read-only-note');
    assert.ok(await page.isDisabled('#purge-form button'), 'the purge button is disabled');
    // The server refuses it too, whatever the page shows: the request the page would make.
    const answer = await page.evaluate(async () => {
      const token = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
      const res = await fetch('/api/queues/orders/purge', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': token },
        body: JSON.stringify({ confirm: 'orders' }),
      });
      return { status: res.status, body: await res.json() };
    });
    assert.equal(answer.status, 403);
    assert.equal(answer.body.code, 'ReadOnly');
    assert.equal((await t.store.stats('orders'))[0]?.visible, 20);
    noErrors(errors.filter((e) => !/403/.test(e)));
    await context.close();
  });

  it('shows an operator’s action in the audit log', async () => {
    const { context, page, errors } = await signIn(OPERATOR);
    await page.goto(`${t.url}/dashboard/queues/orders`);
    await page.fill('#send-form textarea[name="body"]', '{"order":"from-the-browser"}');
    await page.click('#send-form button[type="submit"]');
    await page.waitForFunction(() => /^sent /.test(document.querySelector('#toast')?.textContent ?? ''));
    await page.fill('#purge-form input[name="confirm"]', 'orders');
    await page.click('#purge-form button');
    await page.waitForFunction(() =>
      /^purged 21 messages/.test(document.querySelector('#toast')?.textContent ?? ''),
    );
    await page.click('nav a[href="/dashboard/audit"]');
    const rows = page.locator('#audit tbody tr');
    await rows.first().waitFor();
    const cells = async (i: number) => (await rows.nth(i).locator('td').allTextContents()).slice(1, 5);
    assert.deepEqual(await cells(0), ['AKIDOPERATOR', 'purge', 'orders', '21']);
    assert.deepEqual(await cells(1), ['AKIDOPERATOR', 'send', 'orders', '1']);
    await page.screenshot({ path: join(shots, 'dashboard-audit.png') });
    noErrors(errors);
    await context.close();
  });
});
