import { readFileSync } from 'node:fs';
import type { Config } from '../config/config';

/** Connection settings for a self-hosted cluster (mTLS) or Temporal Cloud (API key), shared by client and worker. */
export function temporalConnectionOptions(temporal: Config['temporal'], address: string) {
  const tls = temporal.tls
    ? { clientCertPair: { crt: readFileSync(temporal.tls.certPath), key: readFileSync(temporal.tls.keyPath) } }
    : temporal.apiKey
      ? true
      : undefined;
  return { address, tls, apiKey: temporal.apiKey };
}
