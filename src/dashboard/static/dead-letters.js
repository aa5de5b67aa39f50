import { messageBrowser } from './browser.js';
import { $, attempt, every, get, h, markReadOnly, num, post, queuePath, toast, when } from './lib.js';

export function start(queue) {
  markReadOnly();
  let matching = 0;
  const browser = messageBrowser(queue, {
    onResults: (count) => {
      matching = count;
      $('#redrive').textContent = `Redrive ${num(count)} ${count === 1 ? 'message' : 'messages'}`;
    },
  });

  const loadGroups = async () => {
    const { groups, sources } = await get(`${queuePath(queue)}/dead-letters`);
    $('#dlq-sources').textContent = sources.length
      ? `Dead-letter queue of ${sources.join(', ')}.`
      : 'No queue names this one as its dead-letter queue; redrive needs a destination.';
    const select = $('#redrive-form select[name="to"]');
    if (select.options.length === 1) for (const s of sources) select.append(h('option', { value: s }, s));
    $('#groups tbody').replaceChildren(
      ...groups.map((g) =>
        h(
          'tr',
          {},
          h(
            'td',
            { class: 'error-text', 'data-label': 'Error' },
            g.error ?? '(none recorded: moved by the redrive policy)',
          ),
          h('td', { 'data-label': 'Source' }, g.sourceQueue ?? '—'),
          h('td', { class: 'num', 'data-label': 'Messages' }, num(g.count)),
          h('td', { 'data-label': 'First' }, when(g.firstSentAt)),
          h('td', { 'data-label': 'Last' }, when(g.lastSentAt)),
          h(
            'td',
            {},
            h('button', { type: 'button', class: 'select-group', onclick: () => pick(g) }, 'Select'),
          ),
        ),
      ),
    );
    $('#no-groups').hidden = groups.length > 0;
  };
  const pick = (g) => {
    const fields = g.error === null ? { noError: '1' } : { error: g.error };
    if (g.sourceQueue) fields.source = g.sourceQueue;
    browser.search(fields).catch((e) => toast(e.message, 'error'));
    $('#filter').scrollIntoView({ behavior: 'smooth' });
  };
  every(5000, loadGroups);

  const movesTimer = every(1000, async () => {
    const { tasks } = await get(`${queuePath(queue)}/moves`);
    $('#moves').replaceChildren(
      ...(tasks.length ? tasks.map(task) : [h('li', { class: 'muted' }, 'None yet.')]),
    );
  });

  $('#redrive-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const to = e.target.elements.to.value;
    const rate = e.target.elements.rate.value;
    if (!confirm(`Redrive ${num(matching)} messages to ${to || 'their source queues'}?`)) return;
    attempt('redrive', async () => {
      const { toMove } = await post(`${queuePath(queue)}/redrive`, { filter: browser.filter, to, rate });
      toast(`redriving ${num(toMove)} messages`);
      movesTimer.now();
    });
  });

  $('#delete-selection').addEventListener('click', () => {
    const typed = prompt(`Delete ${num(matching)} messages for good? Type ${queue} to confirm.`);
    if (typed === null) return;
    attempt('delete', async () => {
      const { deleted } = await post(`${queuePath(queue)}/delete-messages`, {
        filter: browser.filter,
        confirm: typed,
      });
      toast(`deleted ${num(deleted)} messages`);
      browser.reload();
      loadGroups();
    });
  });

  function task(t) {
    const total = t.ApproximateNumberOfMessagesToMove ?? 0;
    const moved = t.ApproximateNumberOfMessagesMoved;
    const running = t.Status === 'RUNNING';
    return h(
      'li',
      { class: `move ${t.Status.toLowerCase()}`, 'data-status': t.Status },
      h('span', { class: 'status' }, t.Status),
      h('progress', { max: Math.max(total, 1), value: moved }),
      h('span', { class: 'progress-text' }, `${num(moved)} / ${num(total)} moved`),
      h(
        'span',
        { class: 'muted' },
        ` to ${t.DestinationArn?.split(':').pop() ?? 'source queues'}, started ${when(t.StartedTimestamp)}`,
      ),
      t.FailureReason ? h('span', { class: 'error-text' }, t.FailureReason) : null,
      running
        ? h(
            'button',
            {
              type: 'button',
              class: 'cancel-move operator-only',
              onclick: () =>
                attempt('cancel', async () => {
                  const { moved: n } = await post(`${queuePath(queue)}/moves/cancel`, {
                    taskHandle: t.TaskHandle,
                  });
                  toast(`cancelled after ${num(n)} messages`);
                  movesTimer.now();
                }),
            },
            'Cancel',
          )
        : null,
    );
  }
}
