import { randomBytes } from 'node:crypto';

/** Prefixed, time-sortable IDs: `${kind}_` + 26-char Crockford base32 ULID. */
export type IdKind = 'evt' | 'sub' | 'ntf' | 'att' | 'tok' | 'key' | 'req' | 'rcv' | 'pss';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const MAX_TIME = 2 ** 48 - 1;

function encodeTime(ms: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

/** 80 random bits as 16 base32 chars (5 bits each). */
function encodeRandom(bytes: Buffer): string {
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < 16; i++) {
    out = ALPHABET[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return out;
}

/** `now` is injectable for tests only. */
export function newId(kind: IdKind, now: number = Date.now()): string {
  if (!Number.isInteger(now) || now < 0 || now > MAX_TIME) throw new RangeError(`invalid ULID time ${now}`);
  return `${kind}_${encodeTime(now)}${encodeRandom(randomBytes(10))}`;
}

/**
 * The smallest ID of `kind` made at `ms`: every ID made before that time sorts below it (IDs are compared as text
 * of one length and alphabet), so a range of IDs is a range of creation times.
 */
export function firstIdAt(kind: IdKind, ms: number): string {
  return `${kind}_${encodeTime(Math.max(0, Math.min(MAX_TIME, Math.floor(ms))))}${'0'.repeat(16)}`;
}

// First char ≤ 7: a 48-bit timestamp never overflows 10 base32 chars.
const ULID_BODY = '[0-7][0-9A-HJKMNP-TV-Z]{25}';

export function isId(kind: IdKind, value: unknown): value is string {
  return typeof value === 'string' && new RegExp(`^${kind}_${ULID_BODY}$`).test(value);
}
