import { $, age, attempt, every, get, h, post, role, toast, when } from './lib.js';

export function start() {
  const live = every(10_000, async () => {
    const view = await get('/api/schedules');
    const note = $('#schedules-note');
    note.hidden = !view.note;
    note.textContent = view.note ?? '';
    $('#schedules tbody').replaceChildren(
      ...view.schedules.map((s) => row(s, view.running, () => live.now())),
    );
    $('#empty').hidden = view.schedules.length > 0;
  });
}

function row(s, running, refresh) {
  const cell = (label, ...value) => h('td', { 'data-label': label }, ...value);
  const inFuture = (ms) => {
    const seconds = Math.round((ms - Date.now()) / 1000);
    return seconds <= 0 ? 'now' : `in ${age(seconds)}`;
  };
  const run = h(
    'button',
    {
      type: 'button',
      class: 'run-now',
      disabled: !running || role() === 'viewer',
      title: running
        ? role() === 'viewer'
          ? 'read only: you are signed in as a viewer'
          : ''
        : 'no scheduler runs here',
      onclick: () =>
        attempt('run now', async () => {
          const { messageId, queue } = await post(`/api/schedules/${encodeURIComponent(s.name)}/run`);
          toast(`ran ${s.name}: message ${messageId} on ${queue}`);
          refresh();
        }),
    },
    'Run now',
  );
  return h(
    'tr',
    { 'data-schedule': s.name },
    cell('Schedule', s.name),
    cell('Cron', s.cron ? h('code', {}, s.cron) : '—'),
    cell('Time zone', s.timezone ?? '—'),
    cell('Queue', s.queue),
    cell('Next run', s.next ? `${s.nextInZone} (${inFuture(s.next)})` : '—'),
    cell('Last run', s.lastRun ? when(s.lastRun) : '—'),
    h('td', { class: 'operator-cell' }, run),
  );
}
