import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { issueLocalhostCertificate, loadOrCreateDevCa } from '../../src/dev/dev-ca';

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
});
