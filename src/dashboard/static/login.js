import { $, ApiError, fieldsOf, post } from './lib.js';

export function start() {
  $('#login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await post('/api/login', fieldsOf(e.target));
      location.assign('/dashboard');
    } catch (err) {
      $('#login-error').textContent = err instanceof ApiError ? err.message : String(err);
    }
  });
}
