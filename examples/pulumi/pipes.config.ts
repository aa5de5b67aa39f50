/** The example pipes (renders per message, exports per batch), beside the Pulumi program. */
export { default } from '../aws/pipes.config.ts';
