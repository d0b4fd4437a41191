import ms from 'ms';

/**
 * Parses a duration in Temporal's format ("72h", "5s", "250ms") into milliseconds, or undefined for anything else
 * (including an empty string, which `ms` itself throws on). Zero is refused unless `allowZero` (a rotation's
 * overlap may be 0s; a timeout may not).
 */
export function parseDuration(value: string, options: { allowZero?: boolean } = {}): number | undefined {
  let parsed: number | undefined;
  try {
    parsed = ms(value.trim() as ms.StringValue);
  } catch {
    return undefined; // empty, or longer than ms accepts
  }
  if (typeof parsed !== 'number' || !Number.isFinite(parsed)) return undefined;
  if (parsed > 0) return parsed;
  return options.allowZero && parsed === 0 ? 0 : undefined;
}
