import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/config';
import { portalSettings } from '../../src/portal/portal-settings';
import { requireRoleSettings } from '../../src/runtime/role-settings';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.http).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      rateLimit: { perSecond: 100, burst: 200 },
      authFailureLimit: { perSecond: 10, burst: 20 },
    });
    expect(config.temporal).toMatchObject({ namespace: 'default', taskQueue: 'plude-webhooks', devServerPort: 7233, uiPort: 8233 });
    expect(config.temporal.address).toBeUndefined();
    expect(config.database.url).toBeUndefined();
    expect(config.delivery).toMatchObject({
      allowPrivateTargets: false,
      timeoutMs: 10_000,
      windowMs: 72 * 3_600_000,
      initialIntervalMs: 5_000,
      maximumIntervalMs: 3_600_000,
      backoffCoefficient: 2,
    });
  });

  it("reads durations in Temporal's format", () => {
    const config = loadConfig({ DELIVERY_TIMEOUT: '250ms', DELIVERY_WINDOW: '2h', RETRY_INITIAL_INTERVAL: '1s', RETRY_MAX_INTERVAL: '10m' });
    expect(config.delivery).toMatchObject({ timeoutMs: 250, windowMs: 7_200_000, initialIntervalMs: 1_000, maximumIntervalMs: 600_000 });
  });

  it('treats empty values as unset and reads booleans', () => {
    const config = loadConfig({ DATABASE_URL: '', TEMPORAL_ADDRESS: ' ', ALLOW_PRIVATE_TARGETS: 'true' });
    expect(config.database.url).toBeUndefined();
    expect(config.temporal.address).toBeUndefined();
    expect(config.delivery.allowPrivateTargets).toBe(true);
  });

  it('names every bad variable in one readable error', () => {
    const attempt = () => loadConfig({ PORT: 'x', DELIVERY_WINDOW: 'forever', ALLOW_PRIVATE_TARGETS: 'maybe', DATABASE_URL: 'mysql://x' });
    expect(attempt).toThrow(ConfigError);
    for (const line of [
      'PORT: must be a port number (0-65535)',
      'DELIVERY_WINDOW: "forever" is not a duration',
      'ALLOW_PRIVATE_TARGETS: ',
      'DATABASE_URL: must be a postgres:// URL',
    ]) {
      expect(attempt).toThrow(`\n  ${line}`);
    }
  });

  it.each([
    ['100/s', { perSecond: 100, burst: 200 }],
    ['5/s,burst=5', { perSecond: 5, burst: 5 }],
    ['6000/m', { perSecond: 100, burst: 200 }],
    ['50', { perSecond: 50, burst: 100 }],
    [' 10 / s , burst = 3 ', { perSecond: 10, burst: 3 }],
    ['0.5/s', { perSecond: 0.5, burst: 1 }],
    ['0', null],
    ['0/s', null],
    ['off', null],
    ['OFF', null],
  ])('reads RATE_LIMIT=%j', (value, rateLimit) => {
    expect(loadConfig({ RATE_LIMIT: value }).http.rateLimit).toEqual(rateLimit);
  });

  it.each(['', 'fast', '100/d', '-1/s', '100/s,burst=0', '100/s,burst=1.5', '100/s burst 200', '1e3'])(
    'refuses RATE_LIMIT=%j, saying what it takes',
    (value) => {
      expect(() => loadConfig({ RATE_LIMIT: value })).toThrow(
        /RATE_LIMIT: ".*" is not a rate like 100\/s, 6000\/m or 100 \(a second\), optionally with ",burst=200"; 0 or off: no limit/,
      );
    },
  );

  it('reads AUTH_FAILURE_LIMIT as RATE_LIMIT is read, and refuses what RATE_LIMIT refuses', () => {
    expect(loadConfig({ AUTH_FAILURE_LIMIT: '2/s,burst=3' }).http.authFailureLimit).toEqual({ perSecond: 2, burst: 3 });
    expect(loadConfig({ AUTH_FAILURE_LIMIT: 'off' }).http.authFailureLimit).toBeNull();
    expect(() => loadConfig({ AUTH_FAILURE_LIMIT: 'lots' })).toThrow(/AUTH_FAILURE_LIMIT: "lots" is not a rate like 100\/s/);
  });

  it('reads PUBLIC_URL as an https:// base (http:// for localhost only), and the portal’s Secure cookies from its scheme', () => {
    expect(loadConfig({}).portal.publicUrl).toBeNull();
    expect(portalSettings(loadConfig({})).secureCookie).toBe(false);
    expect(loadConfig({ PUBLIC_URL: 'https://Webhooks.Example.com/' }).portal.publicUrl).toBe('https://webhooks.example.com');
    expect(loadConfig({ PUBLIC_URL: 'https://example.com/hooks/api//' }).portal.publicUrl).toBe('https://example.com/hooks/api');
    expect(portalSettings(loadConfig({ PUBLIC_URL: 'https://example.com' })).secureCookie).toBe(true);
    expect(loadConfig({ PUBLIC_URL: 'http://localhost:3000' }).portal.publicUrl).toBe('http://localhost:3000');
    expect(portalSettings(loadConfig({ PUBLIC_URL: 'http://127.0.0.1:3000' })).secureCookie).toBe(false);
    for (const bad of ['http://webhooks.example.com', 'ftp://example.com', 'https://example.com/?x=1', 'https://example.com/#top', 'https://u:p@example.com']) {
      expect(() => loadConfig({ PUBLIC_URL: bad })).toThrow(/PUBLIC_URL: must be an https:\/\/ URL with no query, fragment or credentials/);
    }
    expect(() => loadConfig({ PUBLIC_URL: 'webhooks' })).toThrow(/PUBLIC_URL: "webhooks" is not a URL/);
  });

  it('reads PORTAL_FRAME_ANCESTORS as none, self or origins, and refuses anything that could add to the CSP', () => {
    expect(loadConfig({}).portal.frameAncestors).toBe("'none'");
    expect(loadConfig({ PORTAL_FRAME_ANCESTORS: 'none' }).portal.frameAncestors).toBe("'none'");
    expect(loadConfig({ PORTAL_FRAME_ANCESTORS: ' self  https://app.example.com http://localhost:8080 https://*.example.org ' }).portal.frameAncestors).toBe(
      "'self' https://app.example.com http://localhost:8080 https://*.example.org",
    );
    for (const bad of [
      'https://app.example.com; script-src *',
      "'unsafe-inline'",
      "'self'",
      '"https://app.example.com"',
      'https://app.example.com/path',
      'app.example.com',
      '*',
      'none https://app.example.com',
      'https://app.example.com,https://b.example.com',
    ]) {
      expect(() => loadConfig({ PORTAL_FRAME_ANCESTORS: bad })).toThrow(/PORTAL_FRAME_ANCESTORS: must be none, or origins like https:\/\/app\.example\.com/);
    }
  });

  it('wants the mTLS certificate and key together', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CERT: '/c.pem' })).toThrow(/TEMPORAL_TLS_CERT: TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together/);
  });

  it('refuses a first retry interval longer than the longest one', () => {
    expect(() => loadConfig({ RETRY_INITIAL_INTERVAL: '2h', RETRY_MAX_INTERVAL: '1h' })).toThrow(/RETRY_INITIAL_INTERVAL: must not exceed RETRY_MAX_INTERVAL/);
  });

  it('sets explicit server deadlines and a connection cap, checks they fit together, and reads ADMIN_PORT', () => {
    const { http } = loadConfig({});
    expect(http.limits).toEqual({ headersTimeoutMs: 20_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 5_000, maxConnections: 1000 });
    expect(http.admin).toBeNull();
    expect(loadConfig({ ADMIN_PORT: '3002' }).http.admin).toEqual({ port: 3002, host: '127.0.0.1' });
    expect(loadConfig({ ADMIN_PORT: '3002', ADMIN_HOST: '10.0.0.4' }).http.admin).toEqual({ port: 3002, host: '10.0.0.4' });
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT: '2m' })).toThrow(/HTTP_HEADERS_TIMEOUT: must not exceed HTTP_REQUEST_TIMEOUT/);
    expect(() => loadConfig({ HTTP_KEEP_ALIVE_TIMEOUT: '30s' })).toThrow(/HTTP_KEEP_ALIVE_TIMEOUT: must be shorter than HTTP_HEADERS_TIMEOUT/);
    expect(() => loadConfig({ HTTP_MAX_CONNECTIONS: '0' })).toThrow(/HTTP_MAX_CONNECTIONS/);
    expect(() => loadConfig({ ADMIN_PORT: '3000' })).toThrow(/ADMIN_PORT: must differ from PORT/);
  });

  it('reads ALLOWED_PORTS: any port unless set, a list of ports otherwise, and refuses a list that is not one', () => {
    expect(loadConfig({}).delivery.allowedPorts).toBeNull();
    expect(loadConfig({ ALLOWED_PORTS: ' ' }).delivery.allowedPorts).toBeNull();
    expect(loadConfig({ ALLOWED_PORTS: '443, 8443,443' }).delivery.allowedPorts).toEqual([443, 8443]);
    for (const bad of ['0', '65536', 'https', '443;8443', '44.3'])
      expect(() => loadConfig({ ALLOWED_PORTS: bad })).toThrow(/ALLOWED_PORTS: ".*" is not a comma-separated list of port numbers/);
  });

  describe('DNS', () => {
    it('defaults to 5 s lookups (half DELIVERY_TIMEOUT when that is shorter than 10 s), a 30 s cache and the system servers', () => {
      expect(loadConfig({}).dns).toEqual({ timeoutMs: 5_000, cacheTtlMs: 30_000, servers: [] });
      expect(loadConfig({ DELIVERY_TIMEOUT: '1s' }).dns.timeoutMs).toBe(500);
    });

    it('reads DNS_TIMEOUT, DNS_CACHE_TTL (0: no cache) and DNS_SERVERS', () => {
      const config = loadConfig({ DNS_TIMEOUT: '750ms', DNS_CACHE_TTL: '0', DNS_SERVERS: ' 10.0.0.2, 127.0.0.1:5353,::1,[fd00::53]:53 ' });
      expect(config.dns).toEqual({ timeoutMs: 750, cacheTtlMs: 0, servers: ['10.0.0.2', '127.0.0.1:5353', '::1', '[fd00::53]:53'] });
    });

    it('names a bad DNS setting, and a DNS_TIMEOUT not shorter than DELIVERY_TIMEOUT', () => {
      const attempt = () => loadConfig({ DNS_TIMEOUT: 'soon', DNS_CACHE_TTL: 'x', DNS_SERVERS: '10.0.0.2,dns.example:53' });
      expect(attempt).toThrow(/DNS_TIMEOUT: "soon" is not a duration/);
      expect(attempt).toThrow(/DNS_CACHE_TTL: "x" is not a duration/);
      expect(attempt).toThrow(/DNS_SERVERS: "10.0.0.2,dns.example:53" is not a comma-separated list of IP addresses/);
      for (const bad of ['1.2.3.4:0', '1.2.3.4:70000', '[1.2.3.4]:53', 'fd00::53:53x']) expect(() => loadConfig({ DNS_SERVERS: bad })).toThrow(/DNS_SERVERS/);
      expect(() => loadConfig({ DNS_TIMEOUT: '10s' })).toThrow(/DNS_TIMEOUT: must be shorter than DELIVERY_TIMEOUT/);
    });
  });

  describe('data lifecycle', () => {
    it('keeps finished data 30 days, response bodies as long, and purges hourly, unless told otherwise', () => {
      expect(loadConfig({}).retention).toEqual({ retentionMs: 30 * 86_400_000, responseBodyRetentionMs: 30 * 86_400_000, purgeIntervalMs: 3_600_000 });
      expect(loadConfig({ RETENTION: '7d', RESPONSE_BODY_RETENTION: ' ', PURGE_INTERVAL: '0' }).retention).toEqual({
        retentionMs: 7 * 86_400_000,
        responseBodyRetentionMs: 7 * 86_400_000,
        purgeIntervalMs: 0,
      });
      expect(loadConfig({ RETENTION: '2s', RESPONSE_BODY_RETENTION: '1s' }).retention).toMatchObject({ retentionMs: 2_000, responseBodyRetentionMs: 1_000 });
    });

    it('names a bad retention, and response bodies kept longer than their attempts', () => {
      const attempt = () => loadConfig({ RETENTION: 'forever', RESPONSE_BODY_RETENTION: 'soon', PURGE_INTERVAL: 'hourly' });
      expect(attempt).toThrow(/RETENTION: "forever" is not a duration/);
      expect(attempt).toThrow(/RESPONSE_BODY_RETENTION: "soon" is not a duration/);
      expect(attempt).toThrow(/PURGE_INTERVAL: "hourly" is not a duration/);
      expect(() => loadConfig({ RETENTION: '0' })).toThrow(/RETENTION/);
      expect(() => loadConfig({ RETENTION: '7d', RESPONSE_BODY_RETENTION: '8d' })).toThrow(/RESPONSE_BODY_RETENTION: must not exceed RETENTION/);
    });
  });

  it('reads a duration that is not one, even an empty one, as a bad variable', () => {
    expect(() => loadConfig({ DELIVERY_TIMEOUT: '' })).toThrow(ConfigError);
    expect(() => loadConfig({ DELIVERY_TIMEOUT: '' })).toThrow(/DELIVERY_TIMEOUT: "" is not a duration/);
  });

  describe('master keys', () => {
    const [key, previous] = [randomBytes(32), randomBytes(32)];

    it('reads ENCRYPTION_KEY and ENCRYPTION_KEY_PREVIOUS as 32 bytes of base64', () => {
      const config = loadConfig({ ENCRYPTION_KEY: key.toString('base64'), ENCRYPTION_KEY_PREVIOUS: ` ${previous.toString('base64')} ` });
      expect(config.encryption).toEqual({ key, previousKey: previous });
      expect(loadConfig({ ENCRYPTION_KEY: '' }).encryption).toEqual({ key: undefined, previousKey: undefined });
    });

    it('names a bad master key without repeating its value', () => {
      const short = randomBytes(16).toString('base64');
      const attempt = () => loadConfig({ ENCRYPTION_KEY: short, ENCRYPTION_KEY_PREVIOUS: 'not-base64!' });
      expect(attempt).toThrow('\n  ENCRYPTION_KEY: must be 32 bytes in base64, e.g. the output of `openssl rand -base64 32`');
      expect(attempt).toThrow('\n  ENCRYPTION_KEY_PREVIOUS: must be 32 bytes in base64');
      expect(attempt).not.toThrow(short);
    });

    describe('from a file (ENCRYPTION_KEY_FILE, ENCRYPTION_KEY_PREVIOUS_FILE)', () => {
      let dir: string;
      beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'plude-key-file-'))));
      afterEach(() => rmSync(dir, { recursive: true, force: true }));
      const keyFile = (name: string, content: string, mode = 0o600) => {
        const file = path.join(dir, name);
        writeFileSync(file, content);
        chmodSync(file, mode);
        return file;
      };

      it('reads each key from its file, a trailing newline tolerated, with no warning for 0600 or 0400', () => {
        const config = loadConfig({
          ENCRYPTION_KEY_FILE: keyFile('key', `${key.toString('base64')}\n`),
          ENCRYPTION_KEY_PREVIOUS_FILE: keyFile('previous', previous.toString('base64'), 0o400),
        });
        expect(config.encryption).toEqual({ key, previousKey: previous });
        expect(config.warnings).toEqual([]);
        expect(loadConfig({}).warnings).toEqual([]);
      });

      it('warns, without refusing, when the file is open to its group or others, and names the mode, not the key', () => {
        const file = keyFile('key', `${key.toString('base64')}\n`, 0o644);
        const config = loadConfig({ ENCRYPTION_KEY_FILE: file });
        expect(config.encryption.key).toEqual(key);
        expect(config.warnings).toEqual([expect.stringMatching(new RegExp(`^ENCRYPTION_KEY_FILE: ${file} has mode 0644, .*0600 or 0400`))]);
        expect(config.warnings.join('\n')).not.toContain(key.toString('base64'));
      });

      it('refuses both a key and its file, a missing or unreadable file and one that holds no key, without quoting it', () => {
        const good = keyFile('key', key.toString('base64'));
        expect(() => loadConfig({ ENCRYPTION_KEY: key.toString('base64'), ENCRYPTION_KEY_FILE: good })).toThrow(
          '\n  ENCRYPTION_KEY_FILE: set ENCRYPTION_KEY or ENCRYPTION_KEY_FILE, not both',
        );
        expect(() => loadConfig({ ENCRYPTION_KEY_PREVIOUS: previous.toString('base64'), ENCRYPTION_KEY_PREVIOUS_FILE: good })).toThrow(
          'ENCRYPTION_KEY_PREVIOUS_FILE: set ENCRYPTION_KEY_PREVIOUS or ENCRYPTION_KEY_PREVIOUS_FILE, not both',
        );
        const missing = path.join(dir, 'nope');
        expect(() => loadConfig({ ENCRYPTION_KEY_FILE: missing })).toThrow(`\n  ENCRYPTION_KEY_FILE: ${missing} cannot be read (ENOENT)`);
        expect(() => loadConfig({ ENCRYPTION_KEY_FILE: dir })).toThrow(`ENCRYPTION_KEY_FILE: ${dir} cannot be read (EISDIR)`);
        const short = randomBytes(16).toString('base64');
        const bad = () => loadConfig({ ENCRYPTION_KEY_FILE: keyFile('short', short), ENCRYPTION_KEY_PREVIOUS_FILE: keyFile('empty', '') });
        expect(bad).toThrow(/\n {2}ENCRYPTION_KEY_FILE: .*short must hold 32 bytes in base64.*\n {2}ENCRYPTION_KEY_PREVIOUS_FILE: .*empty must hold 32 bytes/s);
        expect(bad).not.toThrow(short);
      });

      it('satisfies a role started alone', () => {
        const config = loadConfig({ DATABASE_URL: 'postgres://db/plude', ENCRYPTION_KEY_FILE: keyFile('key', `${key.toString('base64')}\n`) });
        expect(requireRoleSettings(config).encryptionKey).toEqual(key);
        expect(() => requireRoleSettings(loadConfig({ DATABASE_URL: 'postgres://db/plude' }))).toThrow(/or ENCRYPTION_KEY_FILE: a file that holds it/);
      });
    });

    it('is required, with DATABASE_URL, when a role runs alone; every missing one is named at once', () => {
      const attempt = () => requireRoleSettings(loadConfig({}));
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(/\n {2}DATABASE_URL: required when a role runs alone.*\n {2}ENCRYPTION_KEY: required when a role runs alone/s);
      expect(() => requireRoleSettings(loadConfig({ DATABASE_URL: 'postgres://db/plude' }))).toThrow(/ENCRYPTION_KEY: required.*openssl rand -base64 32/);
      expect(requireRoleSettings(loadConfig({ DATABASE_URL: 'postgres://db/plude', ENCRYPTION_KEY: key.toString('base64') }))).toEqual({
        databaseUrl: 'postgres://db/plude',
        temporalAddress: '127.0.0.1:7233',
        encryptionKey: key,
      });
    });
  });
});
