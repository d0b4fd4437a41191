import { parseDuration } from '../../src/config/duration';
import { DomainError } from '../../src/domain/errors';
import { DEFAULT_ROTATION_OVERLAP_MS, liveKeysAfterRotation, MAX_LIVE_SIGNING_KEYS, rotationOverlapMs } from '../../src/domain/signing-keys';

const overlap = (text?: string) => rotationOverlapMs(text, text === undefined ? undefined : parseDuration(text, { allowZero: true }));

describe('rotation overlap', () => {
  it('is 24h when none is given', () => {
    expect(overlap()).toBe(DEFAULT_ROTATION_OVERLAP_MS);
    expect(DEFAULT_ROTATION_OVERLAP_MS).toBe(86_400_000);
  });

  it.each([
    ['0s', 0],
    ['0', 0],
    ['250ms', 250],
    ['2s', 2_000],
    ['90m', 5_400_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
  ])('reads %s', (text, ms) => {
    expect(overlap(text)).toBe(ms);
  });

  it.each([
    ['soon', /overlap "soon" is not a duration like 0s, 30m, 24h or 7d/],
    ['-1h', /not a duration/],
    ['', /not a duration/],
    ['1'.repeat(101), /not a duration/],
    ['8d', /at most 7d/],
    ['169h', /at most 7d/],
  ])('refuses %p as a validation error', (text, message) => {
    expect(() => overlap(text)).toThrow(message);
    expect(() => overlap(text)).toThrow(DomainError);
  });

  it('never lets zero through where a duration must be positive', () => {
    expect(parseDuration('0s')).toBeUndefined();
    expect(parseDuration('0s', { allowZero: true })).toBe(0);
  });
});

describe('keys alive after a rotation', () => {
  it('keeps every live key through an overlap, plus the new one', () => {
    expect(liveKeysAfterRotation(1, 1)).toBe(2);
    expect(liveKeysAfterRotation(MAX_LIVE_SIGNING_KEYS - 1, 60_000)).toBe(MAX_LIVE_SIGNING_KEYS);
    expect(liveKeysAfterRotation(MAX_LIVE_SIGNING_KEYS, 60_000)).toBe(MAX_LIVE_SIGNING_KEYS + 1);
  });

  it('keeps the new one only with an overlap of 0', () => {
    expect(liveKeysAfterRotation(MAX_LIVE_SIGNING_KEYS, 0)).toBe(1);
  });
});
