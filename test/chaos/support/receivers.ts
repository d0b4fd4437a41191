/**
 * The chaos suite's receivers, in one import: a counting receiver for good deliveries (with Standard Webhooks
 * checks), hostile ones (hang, reset, huge body, gzip bomb, drip, redirect with canaries, bad certificates), and the
 * chaos CA whose file the service trusts through NODE_EXTRA_CA_CERTS.
 */
export * from './certificates';
export * from './conditions';
export * from './counting-receiver';
export * from './hostile-receivers';
export * from './loopback-server';
export * from './recording-server';
export * from './redirect-receivers';
export * from './tls-receivers';
export * from './verify';
