/**
 * The config `sluice dev`, `sluice start`, `sluice scale` and `sluice schedule`
 * read by default in this repository: the reference system (what `npm start`
 * runs). In a project of your own, this file is your system's config.
 */
export { default } from './examples/reference/sluice.config.ts';
