import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';
import { X509Certificate as PeculiarCertificate } from '@peculiar/x509';
import { issueLocalhostCertificate, loadOrCreateDevCa } from '../../src/dev/dev-ca';
import { createCertificate, type Certificate } from '../support/certificates';

/** A GET over TLS to 127.0.0.1:port as `host`, trusting `ca` only (none: Node's roots); resolves to the body or the TLS error code. */
function fetchOver(port: number, host: string, ca: string | undefined): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', servername: host === '127.0.0.1' ? undefined : host, port, path: '/', ca, headers: { host } }, (res) => {
      let body = '';
      res
        .setEncoding('utf8')
        .on('data', (chunk: string) => (body += chunk))
        .on('end', () => resolve(body));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.end();
  });
}

/** An HTTPS server on 127.0.0.1 serving `tls`; `run` gets its port. */
async function serving(tls: Certificate, run: (port: number) => Promise<void>): Promise<void> {
  const server = createServer(tls, (_req, res) => res.end('hello')).listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    await run((server.address() as AddressInfo).port);
  } finally {
    server.close();
  }
}

const DAY_MS = 86_400_000;

describe('the development CA in the data folder', () => {
  let dataDir: string;
  beforeEach(async () => (dataDir = await mkdtemp(path.join(tmpdir(), 'plude-dev-ca-'))));
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('is generated once, a CA certificate with its key readable by its owner only, and kept', async () => {
    const first = await loadOrCreateDevCa(dataDir);
    expect(first).toMatchObject({ certFile: path.join(dataDir, 'dev-ca', 'ca.pem'), created: true });
    const cert = new X509Certificate(first.cert);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toMatch(/plude-webhooks development CA/);
    expect(await readFile(first.certFile, 'utf8')).toBe(first.cert);
    expect((await stat(path.join(dataDir, 'dev-ca', 'ca-key.pem'))).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateDevCa(dataDir)).toEqual({ ...first, created: false });
  });

  it('is one CA when two processes start at once', async () => {
    const [a, b, c] = await Promise.all([loadOrCreateDevCa(dataDir), loadOrCreateDevCa(dataDir), loadOrCreateDevCa(dataDir)]);
    expect(new Set([a.cert, b.cert, c.cert]).size).toBe(1);
    expect([a, b, c].filter((ca) => ca.created)).toHaveLength(1);
    expect(await readFile(a.certFile, 'utf8')).toBe(a.cert);
  });

  it('issues a certificate for localhost and 127.0.0.1 that whoever trusts the CA accepts, and nobody else', async () => {
    const ca = await loadOrCreateDevCa(dataDir);
    const tls = await issueLocalhostCertificate(ca);
    const leaf = new X509Certificate(tls.cert);
    expect(leaf.checkIssued(new X509Certificate(ca.cert))).toBe(true);
    expect(leaf.ca).toBe(false);
    const server = createServer(tls, (_req, res) => res.end('hello')).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      expect(await fetchOver(port, 'localhost', ca.cert)).toBe('hello');
      expect(await fetchOver(port, '127.0.0.1', ca.cert)).toBe('hello');
      expect(await fetchOver(port, 'localhost', undefined)).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
      const other = await loadOrCreateDevCa(path.join(dataDir, 'elsewhere'));
      expect(await fetchOver(port, 'localhost', other.cert)).toMatch(/^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_SIGNATURE_FAILURE)$/);
    } finally {
      server.close();
    }
  });

  it('is name-constrained (critical) to localhost and loopback addresses, and valid for at most a year', async () => {
    const ca = new PeculiarCertificate((await loadOrCreateDevCa(dataDir)).cert);
    const constraints = ca.getExtension('2.5.29.30');
    expect(constraints?.critical).toBe(true);
    expect(ca.notAfter.getTime() - ca.notBefore.getTime()).toBeLessThanOrEqual(365 * DAY_MS);
  });

  it("signs for a foreign host in vain: Node's TLS refuses example.com and 10.0.0.1, accepts localhost and api.localhost", async () => {
    const ca = await loadOrCreateDevCa(dataDir);
    const leaf = (...names: string[]) =>
      createCertificate({ keyType: 'ec', serverLeaf: true, issuer: ca, commonName: names[0], altNames: names.map((value) => ({ type: 2 as const, value })) });
    // OpenSSL refuses the chain with X509_V_ERR_PERMITTED_VIOLATION (47), which Node reports as UNSPECIFIED.
    await serving(await leaf('example.com'), async (port) => {
      expect(await fetchOver(port, 'example.com', ca.cert)).toBe('UNSPECIFIED');
    });
    // The same leaf from a CA without the constraint passes: the refusal above is the constraint's.
    const broad = await createCertificate({ keyType: 'ec', isCa: true, commonName: 'broad CA' });
    const fromBroad = await createCertificate({
      keyType: 'ec',
      serverLeaf: true,
      issuer: broad,
      commonName: 'example.com',
      altNames: [{ type: 2, value: 'example.com' }],
    });
    await serving(fromBroad, async (port) => {
      expect(await fetchOver(port, 'example.com', broad.cert)).toBe('hello');
    });
    await serving(await leaf('localhost', 'api.localhost'), async (port) => {
      expect(await fetchOver(port, 'localhost', ca.cert)).toBe('hello');
      expect(await fetchOver(port, 'api.localhost', ca.cert)).toBe('hello');
    });
    await serving(await createCertificate({ keyType: 'ec', serverLeaf: true, issuer: ca, altNames: [{ type: 7, ip: '10.0.0.1' }] }), async (port) => {
      expect(await fetchOver(port, '10.0.0.1', ca.cert)).toBe('UNSPECIFIED');
    });
  });

  it('replaces an unconstrained CA found in the data folder, and says why', async () => {
    const old = await generate([{ name: 'commonName', value: 'plude-webhooks development CA (old)' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      notAfterDate: new Date(Date.now() + 10 * 365 * DAY_MS),
      extensions: [{ name: 'basicConstraints', cA: true, critical: true }],
    });
    await mkdir(path.join(dataDir, 'dev-ca'), { recursive: true });
    await writeFile(path.join(dataDir, 'dev-ca', 'ca.pem'), old.cert);
    await writeFile(path.join(dataDir, 'dev-ca', 'ca-key.pem'), old.private, { mode: 0o600 });

    const ca = await loadOrCreateDevCa(dataDir);
    expect(ca).toMatchObject({ created: true, replaced: 'it was not name-constrained to localhost' });
    expect(ca.cert).not.toBe(old.cert);
    expect(await readFile(ca.certFile, 'utf8')).toBe(ca.cert);
    expect(new PeculiarCertificate(ca.cert).getExtension('2.5.29.30')?.critical).toBe(true);
    expect(await loadOrCreateDevCa(dataDir)).toEqual({ ...ca, created: false, replaced: undefined });
  });

  it('replaces a CA that expires within 30 days', async () => {
    await loadOrCreateDevCa(dataDir);
    const { outdated } = await import('../../src/dev/dev-ca');
    const cert = await readFile(path.join(dataDir, 'dev-ca', 'ca.pem'), 'utf8');
    expect(outdated(cert)).toBeUndefined();
    expect(outdated(cert, new Date(Date.now() + 340 * DAY_MS))).toMatch(/^it expires on /);
  });
});
