import { $, age, every, get, h, num, when } from './lib.js';

export function start() {
  const tbody = $('#workers tbody');
  const live = every(3000, async () => {
    const { workers, scaling } = await get('/api/workers');
    tbody.replaceChildren(...workers.map(row));
    $('#empty').hidden = workers.length > 0;
    $('#scaling').replaceChildren(...scaling.map(supervisor));
    $('#no-scaling').hidden = scaling.length > 0;
    $('#updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  });
  $('#pause').addEventListener('click', (e) => {
    live.paused = !live.paused;
    e.target.textContent = live.paused ? 'Resume' : 'Pause';
    e.target.setAttribute('aria-pressed', String(live.paused));
  });
}

function row(w) {
  const cell = (label, value, cls = 'num') => h('td', { class: cls, 'data-label': label }, value);
  return h(
    'tr',
    { 'data-worker': w.id },
    cell('Worker', h('span', { class: 'mono' }, w.id), ''),
    cell('Queues', w.queues.join(', '), ''),
    cell('In flight', num(w.inFlight)),
    cell('Received/min', num(w.receivedPerMinute)),
    cell('Deleted/min', num(w.deletedPerMinute)),
    cell('Handed back/min', num(w.handedBackPerMinute)),
    cell('Failed/min', num(w.failedPerMinute), `num${w.failedPerMinute ? ' warn' : ''}`),
    cell('Failed, total', num(w.failed)),
    cell('Last seen', seen(w.lastSeen), ''),
  );
}

/** One `sluice scale`'s recent decisions, newest first. */
function supervisor(s) {
  const cell = (label, value, cls = '') => h('td', { class: cls, 'data-label': label }, value);
  return h(
    'div',
    { class: 'supervisor', 'data-prefix': s.prefix },
    h('h3', {}, h('span', { class: 'mono' }, `${s.prefix}-*`), ` on ${s.queue}`),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'decisions' },
        h(
          'thead',
          {},
          h('tr', {}, h('th', {}, 'When'), h('th', { class: 'num' }, 'Workers'), h('th', {}, 'Reason')),
        ),
        h(
          'tbody',
          {},
          ...s.decisions.map((d) =>
            h(
              'tr',
              {},
              cell('When', when(d.at)),
              cell('Workers', d.from === d.to ? `${d.to} (held)` : `${d.from} → ${d.to}`, 'num'),
              cell('Reason', d.reason, 'reason'),
            ),
          ),
        ),
      ),
    ),
  );
}

function seen(ms) {
  const s = Math.round((Date.now() - ms) / 1000);
  return s < 2 ? 'just now' : `${age(s)} ago`;
}
