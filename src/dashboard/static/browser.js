// The message browser (queue page and dead letters): a filter form, pages of messages read without
// consuming them, the number that match, and one message in full in a dialog.
import { $, ago, bytes, fieldsOf, get, h, num, queuePath, toast, when } from './lib.js';

/** Wires the page's #filter form and #messages table; returns the current filter and a reload. */
export function messageBrowser(queue, { onResults } = {}) {
  const form = $('#filter');
  const tbody = $('#messages tbody');
  const more = $('#load-more');
  let filter = {};
  let next;
  // Each new search outdates the answers of the one before (they may arrive after its own).
  let generation = 0;

  const query = (extra = {}) => new URLSearchParams({ ...filter, ...extra }).toString();

  async function load(reset) {
    if (reset) generation++;
    const mine = generation;
    if (reset) {
      next = undefined;
      tbody.replaceChildren();
      $('#match-count').textContent = 'counting…';
      get(`${queuePath(queue)}/messages/count?${query()}`).then(
        ({ count }) => {
          if (mine !== generation) return;
          $('#match-count').textContent =
            `${num(count)} ${count === 1 ? 'message matches' : 'messages match'}`;
          onResults?.(count, filter);
        },
        (e) => toast(e.message, 'error'),
      );
    }
    const page = await get(`${queuePath(queue)}/messages?${query(next ? { after: next } : {})}`);
    if (mine !== generation) return;
    tbody.append(...page.messages.map((m) => row(queue, m)));
    if (reset && page.messages.length === 0)
      tbody.append(h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No message matches.')));
    next = page.next;
    more.hidden = !next;
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    filter = fieldsOf(form);
    load(true).catch((err) => toast(err.message, 'error'));
  });
  form.addEventListener('reset', () => {
    setTimeout(() => form.requestSubmit());
  });
  more.addEventListener('click', () => load(false).catch((err) => toast(err.message, 'error')));
  load(true).catch((err) => toast(err.message, 'error'));

  return {
    get filter() {
      return filter;
    },
    /** Fills the form with `fields` and searches. */
    search(fields) {
      form.reset();
      for (const [k, v] of Object.entries(fields)) if (form.elements[k]) form.elements[k].value = v;
      filter = fieldsOf(form);
      return load(true);
    },
    reload: () => load(true),
  };
}

function row(queue, m) {
  return h(
    'tr',
    { 'data-message-id': m.messageId },
    h(
      'td',
      { class: 'mono', 'data-label': 'Id' },
      h(
        'button',
        { type: 'button', class: 'link mono', onclick: () => show(queue, m.messageId) },
        m.messageId,
      ),
    ),
    h('td', { title: when(m.sentAt), 'data-label': 'Sent' }, `${ago(m.sentAt)} ago`),
    h('td', { class: 'num', 'data-label': 'Receives' }, m.receiveCount),
    h('td', { class: 'num', 'data-label': 'Size' }, bytes(m.size)),
    h('td', { 'data-label': 'State' }, h('span', { class: `state ${m.state}` }, m.state)),
    h(
      'td',
      { class: 'body', 'data-label': 'Body' },
      h('code', {}, m.body + (m.truncated ? '…' : '')),
      m.error ? h('div', { class: 'error-text' }, m.error) : null,
    ),
  );
}

async function show(queue, id) {
  const { message: m } = await get(`${queuePath(queue)}/messages/${encodeURIComponent(id)}`);
  const dl = $('#message-detail');
  const item = (k, v) => [h('dt', {}, k), h('dd', {}, v)];
  dl.replaceChildren(
    ...item('Id', m.messageId),
    ...item('Sent', when(m.sentAt)),
    ...item('Receives', String(m.receiveCount)),
    ...item('Size', bytes(m.size)),
    ...item('State', m.state),
    ...(m.groupId ? item('Group', m.groupId) : []),
    ...(m.sourceQueue ? item('Failed in', m.sourceQueue) : []),
    ...Object.entries(m.attributes).flatMap(([k, v]) => item(k, v)),
  );
  let body = m.body;
  try {
    body = JSON.stringify(JSON.parse(m.body), null, 2);
  } catch {}
  $('#message-body').textContent = body;
  $('#message-dialog').showModal();
}
