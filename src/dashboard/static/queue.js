import { messageBrowser } from './browser.js';
import { lineChart } from './chart.js';
import {
  $,
  age,
  attempt,
  duration,
  every,
  fieldsOf,
  get,
  h,
  markReadOnly,
  num,
  percentiles,
  post,
  queuePath,
  toast,
} from './lib.js';

export function start(queue) {
  markReadOnly();
  // Reading an SQS endpoint (sluice dashboard --endpoint), the page has no browser and no charts.
  const browser = $('#messages') ? messageBrowser(queue) : undefined;
  every(3000, async () => {
    const { queue: q } = await get(queuePath(queue));
    const stat = (label, value) => [h('dt', {}, label), h('dd', {}, value)];
    $('#stats').replaceChildren(
      ...stat('Visible', num(q.visible)),
      ...stat('In flight', num(q.inFlight)),
      ...stat('Delayed', num(q.delayed)),
      ...stat('Oldest', age(q.oldestAgeSeconds)),
      ...(q.deadLetterQueue ? stat(`DLQ ${q.deadLetterQueue}`, num(q.dlqDepth)) : []),
      ...stat('In / out per min', `${num(q.sentPerMinute)} / ${num(q.deletedPerMinute)}`),
      ...stat('Waiting p50 / p95 / p99', percentiles(q.waitMs)),
    );
    const link = $('#dlq-link');
    link.hidden = !(q.deadLetterSources.length || q.deadLetterQueue);
    if (q.deadLetterQueue && !q.deadLetterSources.length)
      link.href = `/dashboard/queues/${encodeURIComponent(q.deadLetterQueue)}/dead-letters`;
    for (const el of document.querySelectorAll('.fifo-only')) el.hidden = !q.fifo;
  });

  if ($('#history')) historyCharts(queue);

  $('#send-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const f = fieldsOf(e.target);
    const attributes = {};
    for (const pair of (f.attributes ?? '').split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) attributes[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
    attempt('send', async () => {
      const { messageId } = await post(`${queuePath(queue)}/messages`, { ...f, attributes });
      toast(`sent ${messageId}`);
      e.target.reset();
      browser?.reload();
    });
  });

  $('#purge-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const { confirm: typed } = fieldsOf(e.target);
    if (typed !== queue) {
      toast(`type ${queue} to confirm`, 'error');
      return;
    }
    attempt('purge', async () => {
      const { purged } = await post(`${queuePath(queue)}/purge`, { confirm: typed });
      toast(`purged ${num(purged)} messages`);
      e.target.reset();
      browser?.reload();
    });
  });
}

/** The charts of the queue's history for the chosen range, redrawn every minute (a sample's pace). */
function historyCharts(queue) {
  let range = '1h';
  const draw = async () => {
    const { points, bucketSeconds } = await get(`${queuePath(queue)}/history?range=${range}`);
    const to = Date.now();
    const from = to - { '1h': 3_600_000, '24h': 86_400_000, '7d': 604_800_000, '30d': 2_592_000_000 }[range];
    const perMinute = (n) => n / (bucketSeconds / 60);
    if (points.length === 0) {
      $('#charts').replaceChildren(
        h('p', { class: 'muted' }, `No samples in the last ${range} yet: the server takes one every minute.`),
      );
      return;
    }
    $('#charts').replaceChildren(
      lineChart({
        title: 'Messages',
        from,
        to,
        points,
        integer: true,
        format: (v) => num(Math.round(v)),
        series: [
          { label: 'visible', value: (p) => p.visible },
          { label: 'in flight', value: (p) => p.inFlight },
          { label: 'delayed', value: (p) => p.delayed },
          ...(points.some((p) => p.dlqDepth !== null) ? [{ label: 'DLQ', value: (p) => p.dlqDepth }] : []),
        ],
      }),
      lineChart({
        title: 'Per minute',
        from,
        to,
        points,
        format: (v) => num(Math.round(v * 10) / 10),
        series: [
          { label: 'sent', value: (p) => perMinute(p.sent) },
          { label: 'received', value: (p) => perMinute(p.received) },
          { label: 'deleted', value: (p) => perMinute(p.deleted) },
        ],
      }),
      lineChart({
        title: 'Waiting, send → first receive',
        from,
        to,
        points,
        format: duration,
        series: [
          { label: 'p50', value: (p) => p.wait?.p50 ?? null },
          { label: 'p95', value: (p) => p.wait?.p95 ?? null },
          { label: 'p99', value: (p) => p.wait?.p99 ?? null },
        ],
      }),
      lineChart({
        title: 'Age of the oldest message',
        from,
        to,
        points,
        format: (v) => age(Math.round(v)),
        series: [{ label: 'oldest', value: (p) => p.oldestAgeSeconds }],
      }),
    );
  };
  const live = every(60_000, draw);
  for (const b of document.querySelectorAll('#history [data-range]'))
    b.addEventListener('click', () => {
      range = b.dataset.range;
      for (const o of document.querySelectorAll('#history [data-range]'))
        o.setAttribute('aria-pressed', String(o === b));
      live.now();
    });
}
