/**
 * The runtime that client, worker, web endpoints and scripts share: the configuration from the
 * environment (config.ts), the payload encryption with its key ring and case keys (codec.ts,
 * keys.ts, case-keys.ts). The rules (domain/) and the workflow (workflows/) import none of it.
 */
export * from './config';
export * from './codec';
export * from './keys';
export * from './case-keys';
