import { isIP } from 'node:net';
import { z } from 'zod';
import { parseMasterKey } from '../crypto/key-ring';
import { parseRateLimit, rateLimitFormat } from '../domain/rate-limit';
import { parseDuration } from './duration';
import { readKeyFile } from './key-file';

/* The kinds of setting the configuration's schema (./config.ts) is made of: each parses and checks one variable. */

/** A string setting (with a default) that `parse` turns into a value; `expected` says what it should look like. */
const parsedWith = <T>(fallback: string, parse: (value: string) => T | undefined, expected: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const parsed = parse(value);
      if (parsed === undefined) {
        ctx.addIssue({ code: 'custom', message: `"${value}" is not ${expected}` });
        return z.NEVER;
      }
      return parsed;
    });

export const duration = (fallback: string) => parsedWith(fallback, parseDuration, 'a duration like 250ms, 5s, 10m, 1h or 72h');

/** A duration, or `0` for "never". */
export const durationOrOff = (fallback: string) =>
  parsedWith(fallback, (value) => (value.trim() === '0' ? 0 : parseDuration(value)), 'a duration like 10m, 1h or 5d, or 0 for never');

/** Requests a second per key (a token, a client address's failures), with a burst; null: no limit. */
export const rateLimit = (fallback: string) => parsedWith(fallback, parseRateLimit, rateLimitFormat);

/** `1.2.3.4`, `1.2.3.4:5353`, `::1` or `[::1]:5353`, as node:dns's setServers takes them. */
function isDnsServer(entry: string): boolean {
  if (isIP(entry) !== 0) return true;
  const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry) ?? /^([^:[\]]+):(\d+)$/.exec(entry);
  if (!match) return false;
  const port = match[2] === undefined ? 53 : Number(match[2]);
  return isIP(match[1]) === (entry.startsWith('[') ? 6 : 4) && port >= 1 && port <= 65535;
}

/** The non-empty, trimmed entries of a comma-separated setting. */
const commaList = (value: string): string[] =>
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);

/** DNS_SERVERS: a comma-separated list of name servers; empty: the system's. */
export const dnsServers = parsedWith(
  '',
  (value) => {
    const entries = commaList(value);
    return entries.every(isDnsServer) ? entries : undefined;
  },
  'a comma-separated list of IP addresses with optional ports, like 10.0.0.2,10.0.0.3:5353,[fd00::53]:53',
);

/** ALLOWED_PORTS: a comma-separated list of ports (1-65535) receivers' URLs may name; empty: any port. */
export const allowedPorts = parsedWith(
  '',
  (value) => {
    const entries = commaList(value);
    const ports = entries.map(Number);
    if (!entries.every((entry, i) => /^\d+$/.test(entry) && ports[i] >= 1 && ports[i] <= 65535)) return undefined;
    return ports.length === 0 ? null : [...new Set(ports)];
  },
  'a comma-separated list of port numbers (1-65535), like 443,8443',
);

export const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const port = (fallback: number) => z.coerce.number({ error: 'must be a port number (0-65535)' }).int().min(0).max(65535).default(fallback);
export const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** A duration with no default: undefined when unset or empty. */
export const optionalDuration = (examples: string) =>
  optional.transform((value, ctx) => {
    if (value === undefined) return undefined;
    const parsed = parseDuration(value);
    if (parsed === undefined) ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration like ${examples}` });
    return parsed ?? z.NEVER;
  });

/** A master key: base64 of 32 bytes. Its value never appears in a message. */
export const masterKey = optional.transform((value, ctx) => {
  if (value === undefined) return undefined;
  const key = parseMasterKey(value);
  if (!key) {
    ctx.addIssue({ code: 'custom', message: 'must be 32 bytes in base64, e.g. the output of `openssl rand -base64 32`' });
    return z.NEVER;
  }
  return key;
});

/** A file that holds a master key (the `_FILE` convention of secrets mounted as files), read once here: key-file.ts. */
export const masterKeyFile = (variable: string) =>
  optional.transform((file, ctx) => {
    if (file === undefined) return undefined;
    const read = readKeyFile(variable, file);
    if ('error' in read) {
      ctx.addIssue({ code: 'custom', message: read.error });
      return z.NEVER;
    }
    return read;
  });

const isLocalhost = (hostname: string) => hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';

/**
 * PUBLIC_URL: the API's external base URL, as integrators reach it (portal links are made of it): an https:// URL, or
 * http:// for localhost only; no query nor fragment; its path, if any, without the trailing slash.
 */
export const publicUrl = optional.transform((value, ctx) => {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a URL like https://webhooks.example.com` });
    return z.NEVER;
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && isLocalhost(url.hostname));
  if (!secure || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    ctx.addIssue({ code: 'custom', message: 'must be an https:// URL with no query, fragment or credentials (http:// for localhost only)' });
    return z.NEVER;
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
});

/** One origin a page may be framed by: a scheme, a host (a leading *. allowed) and maybe a port; nothing else. */
const frameOriginPattern = /^https?:\/\/(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/i;

/**
 * PORTAL_FRAME_ANCESTORS: who may embed the portal, as the CSP's frame-ancestors: `none` (the default), `self`, or
 * origins like https://app.example.com, separated by spaces. Anything else (a `;`, quotes, a path) is refused, so
 * the value can never add a directive to the policy.
 */
export const frameAncestors = optional.transform((value, ctx) => {
  if (value === undefined || value === 'none') return "'none'";
  const sources = value.split(/\s+/);
  const bad = sources.filter((source) => source !== 'self' && !frameOriginPattern.test(source));
  if (bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `must be none, or origins like https://app.example.com (or self) separated by spaces; refused: ${bad.map((source) => JSON.stringify(source)).join(', ')}`,
    });
    return z.NEVER;
  }
  return sources.map((source) => (source === 'self' ? "'self'" : source)).join(' ');
});
