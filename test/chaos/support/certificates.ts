import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { issueLocalhostCertificate, loadOrCreateDevCa } from '../../../src/dev/dev-ca';
import { createCertificate } from '../../support/certificates';

/**
 * Certificates for the chaos receivers: one local CA per test process (its PEM in `caFile`, which the service gets
 * through NODE_EXTRA_CA_CERTS), one leaf it issues for every good receiver, and the leaves that must fail verification.
 */
export interface ServerCertificate {
  key: string;
  cert: string;
}

export interface ChaosCa {
  /** The CA certificate's file: what the service trusts. */
  caFile: string;
  /** The CA certificate (PEM): what a test client trusts. */
  cert: string;
  key: string;
  /** The leaf every good receiver serves: localhost, 127.0.0.1 and ::1, valid 30 days. */
  localhost: ServerCertificate;
}

const DAY_MS = 86_400_000;
/** An EC server leaf (test/support/certificates.ts), for the loopback names unless told otherwise. */
const LEAF = {
  keyType: 'ec',
  serverLeaf: true,
  altNames: [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
  ],
} as const;

let shared: Promise<ChaosCa> | undefined;

/** This process's chaos CA, generated (into a fresh temporary folder) on first use. */
export function chaosCa(): Promise<ChaosCa> {
  shared ??= createChaosCa().catch((err: unknown) => {
    shared = undefined;
    throw err;
  });
  return shared;
}

/** A new CA, independent of the shared one (the development CA's code, in a temporary data folder). */
export async function createChaosCa(): Promise<ChaosCa> {
  const dir = await mkdtemp(path.join(tmpdir(), 'plude-chaos-ca-'));
  const ca = await loadOrCreateDevCa(dir);
  return { caFile: ca.certFile, cert: ca.cert, key: ca.key, localhost: await issueLocalhostCertificate(ca) };
}

/** A self-signed certificate for the loopback names, in no CA file: verification fails with DEPTH_ZERO_SELF_SIGNED_CERT. */
export function untrustedSelfSigned(): Promise<ServerCertificate> {
  return createCertificate({ ...LEAF, altNames: [...LEAF.altNames] });
}

/** Issued by `ca` for the loopback names, but expired a day ago: CERT_HAS_EXPIRED. */
export function expiredCertificate(ca: Pick<ChaosCa, 'cert' | 'key'>): Promise<ServerCertificate> {
  return createCertificate({
    ...LEAF,
    altNames: [...LEAF.altNames],
    issuer: ca,
    notBefore: new Date(Date.now() - 30 * DAY_MS),
    notAfter: new Date(Date.now() - DAY_MS),
  });
}

/** Issued by `ca`, valid, for wrong.localhost only (within the CA's name constraints, no loopback name): ERR_TLS_CERT_ALTNAME_INVALID. */
export function wrongHostCertificate(ca: Pick<ChaosCa, 'cert' | 'key'>): Promise<ServerCertificate> {
  return createCertificate({
    ...LEAF,
    commonName: 'wrong.localhost',
    altNames: [{ type: 2, value: 'wrong.localhost' }],
    issuer: ca,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 30 * DAY_MS),
  });
}

/** Issued by `ca`, valid, for `names` and the loopback names: a receiver reached by a host name of its own (R7). */
export function certificateFor(ca: Pick<ChaosCa, 'cert' | 'key'>, names: string[]): Promise<ServerCertificate> {
  return createCertificate({
    ...LEAF,
    commonName: names[0],
    altNames: [...names.map((value) => ({ type: 2 as const, value })), ...LEAF.altNames],
    issuer: ca,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 30 * DAY_MS),
  });
}
