/**
 * Notification URLs that name a private, loopback, link-local or otherwise non-public address, in the forms an
 * attacker would try: every one must be refused, at subscribe (`private_target`, 400) and by the sender before it
 * connects (`EPRIVATETARGET`), whenever private targets are not allowed. Shared by the URL policy's unit test, the
 * sender's test and the subscribe e2e test, and meant for any later test (a chaos suite) that needs them.
 */
export interface SsrfForm {
  url: string;
  /** What it is: the address the URL parser makes of it, and why it is not public. */
  what: string;
}

export const ssrfForms: readonly SsrfForm[] = [
  { url: 'https://127.0.0.1/', what: 'loopback' },
  { url: 'https://2130706433/', what: '127.0.0.1 as one decimal number' },
  { url: 'https://0x7f000001/', what: '127.0.0.1 as one hex number' },
  { url: 'https://0177.0.0.1/', what: '127.0.0.1 with an octal first part' },
  { url: 'https://0x7f.0.0.1/', what: '127.0.0.1 with a hex first part' },
  { url: 'https://127.1/', what: '127.0.0.1 in two parts' },
  { url: 'https://0/', what: '0.0.0.0 as one number' },
  { url: 'https://0.0.0.0/', what: 'unspecified (reaches the local host)' },
  { url: 'https://10.0.0.1/', what: 'private 10/8' },
  { url: 'https://172.16.0.1/', what: 'private 172.16/12' },
  { url: 'https://172.31.255.254/', what: 'private 172.16/12, its end' },
  { url: 'https://192.168.1.1/', what: 'private 192.168/16' },
  { url: 'https://100.64.0.1/', what: 'carrier-grade NAT 100.64/10' },
  { url: 'https://100.127.255.254/', what: 'carrier-grade NAT 100.64/10, its end' },
  { url: 'https://169.254.169.254/latest/meta-data', what: 'link-local: the cloud metadata service' },
  { url: 'https://198.18.0.1/', what: 'benchmarking 198.18/15' },
  { url: 'https://192.0.0.1/', what: 'IETF protocol assignments 192.0.0/24' },
  { url: 'https://240.0.0.1/', what: 'reserved 240/4' },
  { url: 'https://255.255.255.255/', what: 'broadcast' },
  { url: 'https://224.0.0.1/', what: 'multicast' },
  { url: 'https://239.255.255.250/', what: 'multicast (SSDP)' },
  { url: 'https://[::1]/', what: 'IPv6 loopback' },
  { url: 'https://[::]/', what: 'IPv6 unspecified' },
  { url: 'https://[::ffff:127.0.0.1]/', what: 'IPv4-mapped loopback' },
  { url: 'https://[::ffff:10.0.0.1]/', what: 'IPv4-mapped private' },
  { url: 'https://[::ffff:169.254.169.254]/', what: 'IPv4-mapped link-local' },
  { url: 'https://[::127.0.0.1]/', what: 'IPv4-compatible loopback (::/96, written [::7f00:1])' },
  { url: 'https://[::7f00:1]/', what: 'IPv4-compatible loopback, in hex' },
  { url: 'https://[::8.8.8.8]/', what: 'IPv4-compatible (::/96 is deprecated, refused whatever it embeds)' },
  { url: 'https://[::ffff:0:7f00:1]/', what: 'SIIT IPv4-translated ::ffff:0:0:0/96' },
  { url: 'https://[64:ff9b::7f00:1]/', what: 'NAT64 64:ff9b::/96 of 127.0.0.1' },
  { url: 'https://[64:ff9b::a9fe:a9fe]/', what: 'NAT64 64:ff9b::/96 of 169.254.169.254' },
  { url: 'https://[64:ff9b:1::7f00:1]/', what: 'local-use NAT64 64:ff9b:1::/48' },
  { url: 'https://[2002:7f00:1::]/', what: '6to4 2002::/16 of 127.0.0.1' },
  { url: 'https://[2002:a00:1::1]/', what: '6to4 2002::/16 of 10.0.0.1' },
  { url: 'https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', what: 'Teredo 2001::/32' },
  { url: 'https://[fe80::1]/', what: 'IPv6 link-local' },
  { url: 'https://[fc00::1]/', what: 'IPv6 unique local fc00::/7' },
  { url: 'https://[fd12:3456::1]/', what: 'IPv6 unique local fd00::/8' },
  { url: 'https://[fec0::1]/', what: 'IPv6 site-local (deprecated)' },
  { url: 'https://[ff02::1]/', what: 'IPv6 multicast' },
  { url: 'https://[2001:db8::1]/', what: 'IPv6 documentation 2001:db8::/32' },
  { url: 'https://[100::1]/', what: 'IPv6 discard-only 100::/64' },
  { url: 'https://localhost/', what: 'the local host by name' },
  { url: 'https://api.localhost:8443/', what: 'a subdomain of localhost' },
];

/** Public addresses that look close to the refused ones: the policy must not refuse them. */
export const publicForms: readonly string[] = [
  'https://8.8.8.8/',
  'https://100.63.255.255/',
  'https://100.128.0.1/',
  'https://172.15.255.255/',
  'https://172.32.0.1/',
  'https://[2606:4700:4700::1111]/',
  'https://[::ffff:8.8.8.8]/',
];

/**
 * URLs with a raw space, tab, line break or other control character, which the URL parser would drop or trim
 * (turning them into another URL) or percent-encode: refused as they are (`invalid_url`, 400).
 */
export const controlCharacterUrls: readonly SsrfForm[] = [
  { url: 'https://example.com/\r\nX-Injected: 1', what: 'CR LF and a header line in the path' },
  { url: 'https://exa\r\nmple.com/', what: 'CR LF in the host' },
  { url: 'https://exam\nple.com/', what: 'LF in the host' },
  { url: 'https://ex\tample.com/', what: 'a tab in the host' },
  { url: 'https://example.com:443\n/', what: 'LF after the port' },
  { url: ' https://example.com/', what: 'a leading space' },
  { url: 'https://example.com/ ', what: 'a trailing space' },
  { url: 'https://example.com/a b', what: 'a space in the path' },
  { url: 'https://example.com/\u0000', what: 'NUL' },
  { url: 'https://example.com/\u007f', what: 'DEL' },
  { url: 'https://example.com/\u0085', what: 'NEL (a C1 control character)' },
  { url: 'https://example.com/\u2028', what: 'the Unicode line separator' },
  { url: '\u0001https://example.com/', what: 'a leading control character' },
];
