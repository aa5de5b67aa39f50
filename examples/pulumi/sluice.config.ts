/** The reference system's config, where the Pulumi program (and the image's working directory) finds it. */
export { default } from '../reference/sluice.config.ts';
