import { $, get, h, num, when } from './lib.js';

export function start() {
  let before;
  const more = $('#load-more');
  const load = async () => {
    const { entries } = await get(`/api/audit?limit=100${before ? `&before=${before}` : ''}`);
    $('#audit tbody').append(
      ...entries.map((e) =>
        h(
          'tr',
          {},
          h('td', { 'data-label': 'When' }, when(e.at)),
          h('td', { 'data-label': 'Who' }, e.actor),
          h('td', { 'data-label': 'What' }, e.action),
          h('td', { 'data-label': 'Queue' }, e.queue ?? '—'),
          h('td', { class: 'num', 'data-label': 'Messages' }, num(e.count)),
          h('td', { class: 'mono small', 'data-label': 'Details' }, e.detail ? JSON.stringify(e.detail) : ''),
        ),
      ),
    );
    before = entries.at(-1)?.id;
    more.hidden = entries.length < 100;
  };
  more.addEventListener('click', load);
  load();
}
