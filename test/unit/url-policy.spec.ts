import { DomainError } from '../../src/domain/errors';
import { assertPublicTarget, checkTargetUrl, isPublicAddress, parseTargetUrl } from '../../src/domain/url-policy';
import { controlCharacterUrls, publicForms, ssrfForms } from '../support/ssrf-forms';

const records: Record<string, string[]> = {
  'example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'internal.example.com': ['10.1.2.3'],
  'mixed.example.com': ['8.8.4.4', '192.168.0.7'],
  'empty.example.com': [],
};
const resolve = jest.fn(async (host: string) => {
  const found = records[host];
  if (host === 'silent.example.com') throw Object.assign(new Error('dns timeout after 5000ms resolving silent.example.com'), { code: 'EDNSTIMEOUT' });
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found;
});
const strict = { allowPrivateTargets: false, resolve };

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    return (err as DomainError).code + ': ' + (err as DomainError).message;
  }
  throw new Error('expected rejection');
}

describe('parseTargetUrl', () => {
  const rejects = (raw: unknown, message: RegExp) => {
    expect(() => parseTargetUrl(raw)).toThrow(DomainError);
    expect(() => parseTargetUrl(raw)).toThrow(message);
  };

  it('accepts https urls', () => {
    expect(parseTargetUrl('https://example.com/hooks?x=1').href).toBe('https://example.com/hooks?x=1');
  });
  it('rejects non-strings and garbage', () => {
    rejects(42, /must be a string/);
    rejects('', /must not be empty/);
    rejects('not-a-url', /not a valid absolute URL/);
  });
  it('rejects http', () => rejects('http://example.com/', /url must use https \(got http:\)/));
  it('rejects urls over 2048 chars', () => {
    rejects('https://example.com/' + 'a'.repeat(2048), /at most 2048 characters/);
    expect(() => parseTargetUrl('https://example.com/' + 'a'.repeat(2028))).not.toThrow();
  });
  it('rejects credentials', () => {
    rejects('https://user:pw@example.com/', /credentials/);
    rejects('https://user@example.com/', /credentials/);
  });
  it('rejects fragments', () => {
    rejects('https://example.com/#frag', /fragment/);
    rejects('https://example.com/#', /fragment/);
  });
  it.each(controlCharacterUrls)('refuses $what before the URL parser drops or trims it', ({ url }) => {
    rejects(url, /^url must not contain spaces or control characters \(U\+[0-9A-F]{4} at position \d+\)$/);
  });
  it.each(['https://exa%0d%0ample.com/', 'https://exa%20mple.com/', 'https://exa%09mple.com/', 'https://exa%00mple.com/'])(
    'refuses %s: a percent-encoded control character or space in the host',
    (url) => rejects(url, /not a valid absolute URL/),
  );
  it('keeps a percent-encoded line break in the path as it was sent (it never becomes a raw one)', () => {
    expect(parseTargetUrl('https://example.com/a%0D%0Ab').href).toBe('https://example.com/a%0D%0Ab');
  });
  it('uses invalid_url as the code', () => {
    expect(() => parseTargetUrl('ftp://example.com')).toThrow(expect.objectContaining({ code: 'invalid_url' }));
  });
});

describe('isPublicAddress', () => {
  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '100.63.255.255', '100.128.0.1'])('%s is public', (ip) =>
    expect(isPublicAddress(ip)).toBe(true),
  );
  it.each([
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.1',
    '::1',
    '::',
    'fe80::1',
    'fc00::',
    'fd12::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '[::1]',
    'not-an-ip',
    '',
    // IPv4-compatible (::/96, which ipaddr.js calls unicast), SIIT, NAT64, 6to4, Teredo, documentation.
    '::7f00:1',
    '::127.0.0.1',
    '::8.8.8.8',
    '::ffff:0:7f00:1',
    '64:ff9b::7f00:1',
    '64:ff9b:1::1',
    '2002:7f00:1::',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    '2001:db8::1',
    '198.18.0.1',
    '240.0.0.1',
  ])('%s is not public', (ip) => expect(isPublicAddress(ip)).toBe(false));
});

describe('assertPublicTarget / checkTargetUrl', () => {
  it.each(ssrfForms.filter(({ url }) => !url.includes('localhost')))('refuses $url ($what) without resolving it', async ({ url }) => {
    resolve.mockClear();
    expect(await codeOf(checkTargetUrl(url, strict))).toMatch(
      /^private_target: .*private address.*does not allow private targets.*"allowPrivateTargets": true.*ALLOW_PRIVATE_TARGETS=true/,
    );
    expect(resolve).not.toHaveBeenCalled();
  });

  it.each(publicForms)('accepts %s, a public address beside the refused ranges', async (url) => {
    await expect(checkTargetUrl(url, strict)).resolves.toBeInstanceOf(URL);
  });

  it.each(['https://localhost/', 'https://LOCALHOST:8443/', 'https://api.localhost/', 'https://localhost./'])(
    'refuses %s without resolving it',
    async (raw) => {
      resolve.mockClear();
      expect(await codeOf(checkTargetUrl(raw, strict))).toMatch(/^private_target: /);
      expect(resolve).not.toHaveBeenCalled();
    },
  );

  it('allows a public IP literal without resolving', async () => {
    resolve.mockClear();
    await expect(checkTargetUrl('https://8.8.8.8/hook', strict)).resolves.toBeInstanceOf(URL);
    expect(resolve).not.toHaveBeenCalled();
  });

  it('allows a hostname resolving only to public addresses', async () => {
    await expect(checkTargetUrl('https://example.com/hook', strict)).resolves.toHaveProperty('hostname', 'example.com');
    expect(resolve).toHaveBeenCalledWith('example.com');
  });

  it('refuses a hostname resolving to a private address', async () => {
    expect(await codeOf(checkTargetUrl('https://internal.example.com/', strict))).toBe(
      'private_target: url host internal.example.com resolves to a private or reserved address; the environment does not allow private targets ' +
        '(admin API: PATCH /admin/environments/:id {"allowPrivateTargets": true}; ALLOW_PRIVATE_TARGETS=true allows them everywhere)',
    );
  });

  it('refuses when any resolved address is private, naming the address to onRefusedAddress (the log), never in the answer', async () => {
    const onRefusedAddress = jest.fn();
    const refusal = await codeOf(checkTargetUrl('https://mixed.example.com/', { ...strict, onRefusedAddress }));
    expect(refusal).toMatch(/^private_target: url host mixed\.example\.com resolves to a private or reserved address; /);
    expect(refusal).not.toMatch(/192\.168\.0\.7/);
    expect(onRefusedAddress).toHaveBeenCalledWith('mixed.example.com', '192.168.0.7');
  });

  it('refuses a port ALLOWED_PORTS does not name (invalid_url), before any lookup, and allows any port without it', async () => {
    resolve.mockClear();
    const ports = { ...strict, allowedPorts: [443, 8443] };
    expect(await codeOf(checkTargetUrl('https://example.com:22/hook', ports))).toBe(
      'invalid_url: url port 22 is not allowed; the allowed ports are 443, 8443 (ALLOWED_PORTS)',
    );
    expect(await codeOf(checkTargetUrl('https://example.com:443/hook', { ...strict, allowedPorts: [8443] }))).toBe(
      'invalid_url: url port 443 is not allowed; the allowed ports are 8443 (ALLOWED_PORTS)',
    );
    expect(resolve).not.toHaveBeenCalled();
    await expect(checkTargetUrl('https://example.com/hook', ports)).resolves.toBeInstanceOf(URL);
    await expect(checkTargetUrl('https://example.com:8443/hook', ports)).resolves.toBeInstanceOf(URL);
    await expect(checkTargetUrl('https://example.com:22/hook', { ...strict, allowedPorts: null })).resolves.toBeInstanceOf(URL);
    await expect(checkTargetUrl('https://127.0.0.1:22/hook', { ...strict, allowPrivateTargets: true, allowedPorts: [443] })).rejects.toThrow(
      /url port 22 is not allowed/,
    );
  });

  it('reports unresolvable hosts as invalid_url', async () => {
    expect(await codeOf(checkTargetUrl('https://nope.example.com/', strict))).toBe('invalid_url: could not resolve host nope.example.com (ENOTFOUND)');
    expect(await codeOf(checkTargetUrl('https://empty.example.com/', strict))).toMatch(/^invalid_url: could not resolve host/);
  });

  it('refuses a host whose lookup timed out, saying so: its addresses cannot be checked', async () => {
    expect(await codeOf(checkTargetUrl('https://silent.example.com/', strict))).toBe(
      'invalid_url: could not resolve host silent.example.com (dns timeout: its name servers did not answer in time; try again)',
    );
  });

  it('allows loopback and private names when allowPrivateTargets is set, without resolving', async () => {
    resolve.mockClear();
    const loose = { allowPrivateTargets: true, resolve };
    await expect(checkTargetUrl('https://127.0.0.1:8443/', loose)).resolves.toBeInstanceOf(URL);
    await expect(checkTargetUrl('https://localhost/', loose)).resolves.toBeInstanceOf(URL);
    await expect(assertPublicTarget(new URL('https://internal.example.com/'), loose)).resolves.toBeUndefined();
    expect(resolve).not.toHaveBeenCalled();
  });

  it('still applies the synchronous checks when private targets are allowed', async () => {
    expect(await codeOf(checkTargetUrl('http://127.0.0.1/', { allowPrivateTargets: true, resolve }))).toMatch(/^invalid_url: url must use https/);
  });
});
