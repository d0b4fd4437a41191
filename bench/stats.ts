/** Percentile of a sample (nearest-rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The median of a sample (nearest-rank). */
export const median = (values: number[]) => percentile(values, 50);

export const ms = (value: number) => (Number.isNaN(value) ? '–' : value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`);

/** `p50 / p90 / p99` of a sample, in ms. */
export const spread = (values: number[], ps = [50, 90, 99]) => ps.map((p) => ms(percentile(values, p))).join(' / ');
