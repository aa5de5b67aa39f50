// The one script every page loads: it runs the module of the page the server rendered (body[data-page]).
import { post } from './lib.js';

const page = document.body.dataset.page;
const modules = {
  overview: () => import('./overview.js'),
  queue: () => import('./queue.js'),
  'dead-letters': () => import('./dead-letters.js'),
  audit: () => import('./audit.js'),
  workers: () => import('./workers.js'),
  schedules: () => import('./schedules.js'),
  login: () => import('./login.js'),
};

document.querySelector('#logout')?.addEventListener('click', async () => {
  await post('/api/logout').catch(() => {});
  location.assign('/dashboard/login');
});

modules[page]?.().then((m) => m.start(document.body.dataset.queue));
