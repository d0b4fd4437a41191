import { validationError } from './errors';

/**
 * Rotating a subscription's signing key. The new key signs at once; every older key keeps signing until
 * min(its own expiry, now + overlap), so a receiver has the overlap to switch. An overlap of 0 retires them at once.
 */
export const DEFAULT_ROTATION_OVERLAP_MS = 24 * 3_600_000;
export const MAX_ROTATION_OVERLAP_MS = 7 * 24 * 3_600_000;

/**
 * At most this many keys of one subscription are alive (sign) at once. A rotation that would make one more is
 * refused rather than cutting short an overlap already promised to a receiver; an overlap of 0 always succeeds.
 */
export const MAX_LIVE_SIGNING_KEYS = 10;

/** The overlap of a rotation: the default when none is given, else 0 … 7 days. `parsed` is the requested value in ms. */
export function rotationOverlapMs(requested: string | undefined, parsed: number | undefined): number {
  if (requested === undefined) return DEFAULT_ROTATION_OVERLAP_MS;
  if (parsed === undefined) {
    throw validationError(`overlap "${requested}" is not a duration like 0s, 30m, 24h or 7d`);
  }
  if (parsed > MAX_ROTATION_OVERLAP_MS) throw validationError('overlap must be at most 7d');
  return Math.round(parsed);
}

/** How many keys sign right after a rotation, given how many do now: with an overlap they all still do, plus the new one. */
export function liveKeysAfterRotation(liveNow: number, overlapMs: number): number {
  return (overlapMs > 0 ? liveNow : 0) + 1;
}
