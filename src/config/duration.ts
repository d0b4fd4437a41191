import ms from 'ms';

/** Parses a duration in Temporal's format ("72h", "5s", "250ms") into milliseconds. */
export function parseDuration(value: string): number | undefined {
  const parsed = ms(value.trim() as ms.StringValue);
  return typeof parsed === 'number' && Number.isFinite(parsed) && parsed > 0 ? parsed : undefined;
}

