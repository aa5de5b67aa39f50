import { $, age, every, get, h, num, percentiles, queuePage } from './lib.js';

export function start() {
  const tbody = $('#queues tbody');
  const live = every(2000, async () => {
    const { queues } = await get('/api/queues');
    tbody.replaceChildren(...queues.map(row));
    $('#empty').hidden = queues.length > 0;
    $('#updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  });
  $('#pause').addEventListener('click', (e) => {
    live.paused = !live.paused;
    e.target.textContent = live.paused ? 'Resume' : 'Pause';
    e.target.setAttribute('aria-pressed', String(live.paused));
    $('#updated').textContent = live.paused ? 'paused' : $('#updated').textContent;
  });
}

function row(q) {
  const isDlq = q.deadLetterSources.length > 0;
  return h(
    'tr',
    { 'data-queue': q.name },
    h(
      'td',
      { 'data-label': 'Queue' },
      h('a', { href: queuePage(q.name) }, q.name),
      q.fifo ? h('span', { class: 'tag' }, 'FIFO') : null,
      isDlq ? h('a', { class: 'tag dlq', href: `${queuePage(q.name)}/dead-letters` }, 'DLQ') : null,
    ),
    h('td', { class: 'num', 'data-label': 'Visible' }, num(q.visible)),
    h('td', { class: 'num', 'data-label': 'In flight' }, num(q.inFlight)),
    h('td', { class: 'num', 'data-label': 'Delayed' }, num(q.delayed)),
    h('td', { class: 'num', 'data-label': 'Oldest' }, age(q.oldestAgeSeconds)),
    h(
      'td',
      { class: `num${q.dlqDepth ? ' warn' : ''}`, 'data-label': 'DLQ' },
      q.deadLetterQueue
        ? h(
            'a',
            { href: `${queuePage(q.deadLetterQueue)}/dead-letters`, title: q.deadLetterQueue },
            num(q.dlqDepth),
          )
        : '—',
    ),
    h(
      'td',
      { class: 'num', 'data-label': 'In/min', title: `received ${q.receivedPerMinute}/min` },
      num(q.sentPerMinute),
    ),
    h('td', { class: 'num', 'data-label': 'Out/min' }, num(q.deletedPerMinute)),
    h(
      'td',
      {
        class: 'num wait',
        'data-label': 'Waiting',
        title: q.waitMs ? `${q.waitMs.count} first receives` : '',
      },
      percentiles(q.waitMs),
    ),
  );
}
