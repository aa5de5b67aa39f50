// What every page shares: the API client (CSRF token from the page's <meta>), DOM building with
// textContent only (message bodies are never parsed as HTML), formatting and a status line.

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? '';
export const csrf = () => meta('csrf-token');
export const role = () => meta('role');

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code;
  }
}

async function call(method, path, body) {
  const headers = { accept: 'application/json' };
  if (method !== 'GET') {
    headers['content-type'] = 'application/json';
    headers['x-csrf-token'] = csrf();
  }
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = await res.json().catch(() => ({}));
  if (res.status === 401) location.assign('/dashboard/login');
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}
export const get = (path) => call('GET', path);
export const post = (path, body = {}) => call('POST', path, body);

/** An element: h('td', { class: 'num', title: '…' }, 'text', child…). Strings become text nodes. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat())
    if (c !== undefined && c !== null) el.append(c instanceof Node ? c : String(c));
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const queuePath = (name) => `/api/queues/${encodeURIComponent(name)}`;
export const queuePage = (name) => `/dashboard/queues/${encodeURIComponent(name)}`;

export function age(seconds) {
  if (!seconds) return '—';
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}
/** Milliseconds as the unit that reads best: 850 ms, 4.2 s, 3 min, 1.5 h. */
export function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return age(Math.round(ms / 1000));
}
/** p50 / p95 / p99 of a wait ({count, p50, p95, p99} or null). */
export const percentiles = (w) => (w ? `${duration(w.p50)} / ${duration(w.p95)} / ${duration(w.p99)}` : '—');
export const ago = (ms) => age(Math.max(0, Math.round((Date.now() - ms) / 1000)));
export const when = (ms) => new Date(ms).toLocaleString();
export const num = (n) => (n === null || n === undefined ? '—' : Number(n).toLocaleString());
export function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

let toastTimer;
/** A short line at the bottom of the page; `error` in red. */
export function toast(text, kind = 'info') {
  const el = $('#toast');
  if (!el) return;
  el.textContent = text;
  el.className = `show ${kind}`;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.className = ''), kind === 'error' ? 8000 : 4000);
}

/** Runs an action, reporting its failure (e.g. a viewer refused) instead of throwing. */
export async function attempt(what, fn) {
  try {
    return await fn();
  } catch (e) {
    toast(`${what}: ${e.message}`, 'error');
    return undefined;
  }
}

/** Calls `fn` now and every `ms` while the tab is visible and not paused; returns controls. */
export function every(ms, fn) {
  let paused = false;
  let timer;
  let running = false;
  const tick = async () => {
    clearTimeout(timer);
    if (running) return; // the call in progress schedules the next
    running = true;
    if (!paused && !document.hidden) await fn().catch((e) => toast(e.message, 'error'));
    running = false;
    timer = setTimeout(tick, ms);
  };
  document.addEventListener('visibilitychange', () => !document.hidden && tick());
  tick();
  return {
    get paused() {
      return paused;
    },
    set paused(p) {
      paused = p;
      if (!p) tick();
    },
    now: tick,
  };
}

/** Form fields as an object of non-empty strings. */
export function fieldsOf(form) {
  const out = {};
  for (const [k, v] of new FormData(form)) if (String(v).trim() !== '') out[k] = String(v);
  return out;
}

/** Viewers see actions, disabled and said to be read only; the server refuses them anyway. */
export function markReadOnly() {
  if (role() !== 'viewer') return;
  for (const el of document.querySelectorAll('.operator')) {
    el.classList.add('read-only');
    for (const c of el.querySelectorAll('button, input, select, textarea')) c.disabled = true;
    el.prepend(h('p', { class: 'read-only-note' }, 'Read only: you are signed in as a viewer.'));
  }
}
