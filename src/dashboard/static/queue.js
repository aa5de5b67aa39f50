import { messageBrowser } from './browser.js';
import {
  $,
  age,
  attempt,
  every,
  fieldsOf,
  get,
  h,
  markReadOnly,
  num,
  post,
  queuePath,
  toast,
} from './lib.js';

export function start(queue) {
  markReadOnly();
  const browser = messageBrowser(queue);
  every(3000, async () => {
    const { queue: q } = await get(queuePath(queue));
    const stat = (label, value) => [h('dt', {}, label), h('dd', {}, value)];
    $('#stats').replaceChildren(
      ...stat('Visible', num(q.visible)),
      ...stat('In flight', num(q.inFlight)),
      ...stat('Delayed', num(q.delayed)),
      ...stat('Oldest', age(q.oldestAgeSeconds)),
      ...(q.deadLetterQueue ? stat(`DLQ ${q.deadLetterQueue}`, num(q.dlqDepth)) : []),
    );
    const link = $('#dlq-link');
    link.hidden = !(q.deadLetterSources.length || q.deadLetterQueue);
    if (q.deadLetterQueue && !q.deadLetterSources.length)
      link.href = `/dashboard/queues/${encodeURIComponent(q.deadLetterQueue)}/dead-letters`;
    for (const el of document.querySelectorAll('.fifo-only')) el.hidden = !q.fifo;
  });

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
      browser.reload();
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
      browser.reload();
    });
  });
}
