/**
 * The pages, rendered on the server: the frame, the navigation, who is
 * signed in, and each page's forms and empty tables. One ES module
 * (static/app.js) then fills them from the JSON API and keeps them live; no
 * inline script or style anywhere (the CSP forbids both). The CSRF token
 * travels in a <meta> tag.
 */
import { DECISIONS_KEPT } from '../scale/decision-tags.ts';
import type { Session } from './access.ts';

export type PageName = 'overview' | 'queue' | 'dead-letters' | 'audit' | 'workers' | 'schedules' | 'login';

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => escapes[c]!);
const q = (name: string) => `/dashboard/queues/${encodeURIComponent(name)}`;

const TITLES: Partial<Record<PageName, string>> = {
  login: 'Sign in',
  overview: 'Queues',
  audit: 'Audit log',
  workers: 'Workers',
  schedules: 'Schedules',
};

/** What a page needs of sluice's store, said where it would be when the dashboard reads plain SQS. */
const NEEDS_STORE: Partial<Record<PageName, string>> = {
  'dead-letters': 'Dead letters grouped by error, and redriving or deleting a selection,',
  workers: 'The workers page (what each sluice worker does, seen by the server)',
  schedules: 'The schedules page (schedules run where a config runs: sluice dev, sluice start)',
};

const needsStore = (what: string, remote: string) =>
  `<p class="notice">${esc(what)} needs sluice's store: it is not available from ${esc(remote)} through the SQS API. Run the dashboard of a sluice server (its /dashboard) for it.</p>`;

/**
 * @param remote set when the dashboard reads an SQS endpoint (sluice dashboard --endpoint): what it reads, e.g. "Amazon SQS (region eu-west-1)".
 */
export function renderPage(
  page: PageName,
  session: Session | undefined,
  queue = '',
  remote?: string,
): string {
  const unavailable = remote ? NEEDS_STORE[page] : undefined;
  const title = TITLES[page] ?? queue;
  const who = session
    ? `<span class="who" title="signed in">${esc(session.actor)} · ${session.role}</span>${
        session.actor === 'local' ? '' : '<button type="button" id="logout" class="link">Sign out</button>'
      }`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="csrf-token" content="${esc(session?.csrf ?? '')}">
<meta name="role" content="${esc(session?.role ?? '')}">
<title>${esc(title)} · sluice</title>
<link rel="stylesheet" href="/dashboard/static/style.css">
<link rel="icon" href="/dashboard/static/icon.svg" type="image/svg+xml">
<script type="module" src="/dashboard/static/app.js"></script>
</head>
<body data-page="${unavailable ? 'unavailable' : page}" data-queue="${esc(queue)}"${remote ? ' data-remote="1"' : ''}>
<header class="top">
  <a class="brand" href="/dashboard">sluice</a>
  ${session ? '<nav><a href="/dashboard">Queues</a><a href="/dashboard/workers">Workers</a><a href="/dashboard/schedules">Schedules</a><a href="/dashboard/audit">Audit log</a></nav>' : ''}
  <div class="session">${who}</div>
</header>
<main>
${
  remote && page !== 'login'
    ? `<p class="notice remote">Reading ${esc(remote)} through the SQS API: counts are SQS's approximate numbers; the age of the oldest message comes from CloudWatch on Amazon SQS (or a sluice server's /stats). Message browsing and search, dead-letter triage, throughput, waits, history, workers and schedules need sluice's store.</p>
`
    : ''
}${
  unavailable
    ? `<h1>${esc(TITLES[page] ?? 'Dead letters')}</h1>
${needsStore(unavailable, remote!)}`
    : bodies[page](queue, remote)
}
</main>
<div id="toast" role="status" aria-live="polite"></div>
</body>
</html>
`;
}

const filterFields = `
  <label>Message id <input name="id" autocomplete="off"></label>
  <label>Body contains <input name="body" type="search" autocomplete="off"></label>
  <label>Attribute <input name="attr" placeholder="name or name=value" autocomplete="off"></label>
  <label class="narrow">Receives ≥ <input name="minReceives" type="number" min="0" inputmode="numeric"></label>
  <label class="narrow">Receives ≤ <input name="maxReceives" type="number" min="0" inputmode="numeric"></label>`;

const messageTable = `
  <div class="table-wrap"><table id="messages" class="messages">
    <thead><tr><th>Message id</th><th>Sent</th><th>Receives</th><th>Size</th><th>State</th><th>Body</th></tr></thead>
    <tbody></tbody>
  </table></div>
  <p class="more"><span id="match-count"></span> <button type="button" id="load-more" hidden>Load more</button></p>
  <dialog id="message-dialog"><form method="dialog"><h2>Message</h2><dl id="message-detail"></dl><pre id="message-body"></pre><button>Close</button></form></dialog>`;

const historyCard = `<section class="card" id="history">
  <div class="title-row"><h2>Over time</h2>
    <div class="ranges" role="group" aria-label="Range">${['1h', '24h', '7d', '30d']
      .map((r) => `<button type="button" data-range="${r}" aria-pressed="${r === '1h'}">${r}</button>`)
      .join('')}</div></div>
  <div id="charts" class="charts"></div>
</section>`;

const messagesCard = `<section class="card">
  <h2>Messages</h2>
  <p class="muted">Read without consuming: nothing here changes a message's receive count or visibility.</p>
  <form id="filter" class="filter">${filterFields}
    <div class="buttons"><button type="submit" class="primary">Search</button><button type="reset">Clear</button></div>
  </form>
  ${messageTable}
</section>`;

const bodies: Record<PageName, (queue: string, remote?: string) => string> = {
  login: () => `
<section class="card narrow-card">
  <h1>Sign in</h1>
  <p>Use one of this server's access keys (its <code>--auth</code> keys).</p>
  <form id="login-form">
    <label>Access key id <input name="accessKeyId" autocomplete="username" required></label>
    <label>Secret access key <input name="secretAccessKey" type="password" autocomplete="current-password" required></label>
    <button type="submit" class="primary">Sign in</button>
    <p id="login-error" class="error" role="alert"></p>
  </form>
</section>`,

  overview: () => `
<div class="title-row">
  <h1>Queues</h1>
  <div class="live"><span id="updated" class="muted"></span> <button type="button" id="pause" aria-pressed="false">Pause</button></div>
</div>
<div class="table-wrap"><table id="queues" class="queues">
  <thead><tr><th>Queue</th><th class="num">Visible</th><th class="num">In flight</th><th class="num">Delayed</th><th class="num">Oldest</th><th class="num">DLQ</th><th class="num" title="sent per minute, last 5 min">In/min</th><th class="num" title="deleted per minute, last 5 min">Out/min</th><th class="num" title="send → first receive, last 5 min">Waiting p50 / p95 / p99</th></tr></thead>
  <tbody></tbody>
</table></div>
<p id="empty" class="muted" hidden>No queues yet.</p>`,

  queue: (queue, remote) => `
<nav class="crumbs"><a href="/dashboard">Queues</a> › <span>${esc(queue)}</span></nav>
<div class="title-row"><h1>${esc(queue)}</h1><a id="dlq-link" class="button" hidden href="${q(queue)}/dead-letters">Dead letters</a></div>
<dl id="stats" class="stats"></dl>
${remote ? needsStore('History', remote) : historyCard}
${remote ? needsStore('The message browser (reading without consuming, search)', remote) : messagesCard}
<div class="columns">
<section class="card operator">
  <h2>Send a message</h2>
  <form id="send-form">
    <label>Body <textarea name="body" rows="4" required></textarea></label>
    <label>Attributes <input name="attributes" placeholder="name=value, name=value" autocomplete="off"></label>
    <label class="narrow">Delay (s) <input name="delaySeconds" type="number" min="0" max="900" inputmode="numeric"></label>
    <label class="fifo-only">Message group id <input name="groupId" autocomplete="off"></label>
    <button type="submit" class="primary">Send</button>
  </form>
</section>
<section class="card operator danger-zone">
  <h2>Purge</h2>
  <p>Deletes every message in <strong>${esc(queue)}</strong>. Type the queue's name to confirm.</p>
  <form id="purge-form">
    <label>Queue name <input name="confirm" autocomplete="off" required></label>
    <button type="submit" class="danger">Purge queue</button>
  </form>
</section>
</div>`,

  'dead-letters': (queue) => `
<nav class="crumbs"><a href="/dashboard">Queues</a> › <a href="${q(queue)}">${esc(queue)}</a> › <span>Dead letters</span></nav>
<div class="title-row"><h1>Dead letters in ${esc(queue)}</h1></div>
<p id="dlq-sources" class="muted"></p>
<section class="card">
  <h2>By error</h2>
  <div class="table-wrap"><table id="groups" class="groups">
    <thead><tr><th>Error</th><th>Source queue</th><th class="num">Messages</th><th>First</th><th>Last</th><th></th></tr></thead>
    <tbody></tbody>
  </table></div>
  <p id="no-groups" class="muted" hidden>No dead letters.</p>
</section>
<section class="card">
  <h2>Selection</h2>
  <form id="filter" class="filter">${filterFields}
    <label>Error <input name="error" autocomplete="off"></label>
    <label>Source queue <input name="source" autocomplete="off"></label>
    <div class="buttons"><button type="submit" class="primary">Show</button><button type="reset">Clear</button></div>
  </form>
  ${messageTable}
  <form id="redrive-form" class="operator action-row">
    <label>Redrive to <select name="to"><option value="">each message's source queue</option></select></label>
    <label class="narrow">Rate (msg/s) <input name="rate" type="number" min="1" max="500" placeholder="max" inputmode="numeric"></label>
    <button type="submit" class="primary" id="redrive">Redrive selection</button>
    <button type="button" class="danger" id="delete-selection">Delete selection…</button>
  </form>
</section>
<section class="card">
  <h2>Redrives</h2>
  <ul id="moves" class="moves"></ul>
</section>`,

  workers: () => `
<div class="title-row">
  <h1>Workers</h1>
  <div class="live"><span id="updated" class="muted"></span> <button type="button" id="pause" aria-pressed="false">Pause</button></div>
</div>
<p class="muted">The sluice workers this server has seen in the last hour: each names itself on its requests (User-Agent <code>sluice-worker/WORKER_ID</code>). Rates are per minute over the last five minutes.</p>
<div class="table-wrap"><table id="workers" class="workers">
  <thead><tr><th>Worker</th><th>Queues</th><th class="num">In flight</th><th class="num">Received/min</th><th class="num">Deleted/min</th><th class="num" title="made visible again at once (VisibilityTimeout 0)">Handed back/min</th><th class="num" title="dead-lettered with an error, or visibility ran out while held">Failed/min</th><th class="num">Failed, total</th><th>Last seen</th></tr></thead>
  <tbody></tbody>
</table></div>
<p id="empty" class="muted" hidden>No worker has been seen yet. Workers started with <code>sluice worker</code>, <code>sluice start</code> or <code>sluice scale</code> against this server show up here.</p>
<section class="card">
  <h2>Scaling decisions</h2>
  <p class="muted">What each <code>sluice scale</code> decided lately, with its reason: its supervisor keeps its last ${DECISIONS_KEPT} decisions in tags on the first queue it samples (<code>sluice:scale:&lt;prefix&gt;:1</code> … newest first). Its workers appear above as <code>&lt;prefix&gt;-1</code> … <code>&lt;prefix&gt;-N</code>.</p>
  <div id="scaling"></div>
  <p id="no-scaling" class="muted" hidden>No <code>sluice scale</code> has recorded a decision on these queues.</p>
</section>`,

  schedules: () => `
<h1>Schedules</h1>
<p id="schedules-note" class="muted" hidden></p>
<div class="table-wrap"><table id="schedules" class="schedules">
  <thead><tr><th>Schedule</th><th>Cron</th><th>Time zone</th><th>Queue</th><th>Next run (its zone)</th><th>Last run</th><th class="operator-cell"></th></tr></thead>
  <tbody></tbody>
</table></div>
<p id="empty" class="muted" hidden>No schedules.</p>`,

  audit: () => `
<h1>Audit log</h1>
<div class="table-wrap"><table id="audit" class="audit">
  <thead><tr><th>When</th><th>Who</th><th>What</th><th>Queue</th><th class="num">Messages</th><th>Details</th></tr></thead>
  <tbody></tbody>
</table></div>
<p class="more"><button type="button" id="load-more" hidden>Older</button></p>`,
};
