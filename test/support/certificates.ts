import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';

export interface Certificate {
  key: string;
  cert: string;
}

type AltName = { type: 2; value: string } | { type: 7; ip: string };

/** localhost and 127.0.0.1: where every test receiver listens. */
export const LOCALHOST_NAMES: AltName[] = [
  { type: 2, value: 'localhost' },
  { type: 7, ip: '127.0.0.1' },
];

export interface CertificateOptions {
  commonName?: string;
  /** The subjectAltName entries; LOCALHOST_NAMES unless given. */
  altNames?: AltName[];
  /** 'rsa' (2048 bits) or 'ec' (P-256, SHA-256). */
  keyType?: 'rsa' | 'ec';
  /** Issued by this CA; self-signed without one. */
  issuer?: Certificate;
  /** Marked as a CA (basicConstraints cA), as a self-signed certificate some clients want as a trust anchor. */
  isCa?: boolean;
  /** A server leaf's usages: digitalSignature and serverAuth, basicConstraints cA false. */
  serverLeaf?: boolean;
  notBefore?: Date;
  notAfter?: Date;
}

/** The tests' one certificate maker (selfsigned): a receiver's, a sender test's server, a chaos leaf. */
export async function createCertificate(options: CertificateOptions = {}): Promise<Certificate> {
  const extensions: object[] = [];
  if (options.isCa) extensions.push({ name: 'basicConstraints', cA: true });
  if (options.serverLeaf) {
    extensions.push(
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
    );
  }
  extensions.push({ name: 'subjectAltName', altNames: options.altNames ?? LOCALHOST_NAMES });
  const pems = await generate([{ name: 'commonName', value: options.commonName ?? 'localhost' }], {
    ...(options.keyType === 'ec' ? { keyType: 'ec', algorithm: 'sha256' } : { keySize: 2048 }),
    ...(options.issuer ? { ca: { cert: options.issuer.cert, key: options.issuer.key } } : {}),
    ...(options.notBefore ? { notBeforeDate: options.notBefore } : {}),
    ...(options.notAfter ? { notAfterDate: options.notAfter } : {}),
    extensions,
  } as Parameters<typeof generate>[1]);
  return { key: pems.private, cert: pems.cert };
}

/** The certificate's PEM in a file of its own under the temporary folder: what NODE_EXTRA_CA_CERTS names. */
export async function writeCaFile(cert: string, prefix: string): Promise<string> {
  const file = path.join(os.tmpdir(), `${prefix}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.pem`);
  await writeFile(file, cert);
  return file;
}

/**
 * A self-signed certificate for localhost and 127.0.0.1, its PEM also written to a file for NODE_EXTRA_CA_CERTS:
 * what the test receivers and the bench's receiver serve.
 */
export async function localhostCertificate(prefix: string): Promise<Certificate & { caFile: string }> {
  const certificate = await createCertificate();
  return { ...certificate, caFile: await writeCaFile(certificate.cert, prefix) };
}
