import { percentile } from './stats';

const W = 720;
const H = 360;
const M = { left: 60, right: 20, top: 30, bottom: 50 };
const COLOURS = ['#1f6feb', '#d1242f', '#2da44e', '#8250df'];

/**
 * The latency distribution at half load as a percentile plot: x is the share of events (0-100 %), y the
 * publish → receive latency in ms, one line per series, so the tail shows on the right.
 */
export function latencyChart(title: string, series: { name: string; values: number[] }[]): string {
  const points = (values: number[]) => Array.from({ length: 101 }, (_, p) => [p, percentile(values, Math.max(p, 0.1))] as const);
  const maxY = Math.max(1, ...series.map((s) => percentile(s.values, 100)));
  const x = (p: number) => M.left + (p / 100) * (W - M.left - M.right);
  const y = (v: number) => H - M.bottom - (v / maxY) * (H - M.top - M.bottom);
  const ticks = Array.from({ length: 5 }, (_, i) => (maxY * (i + 1)) / 5);
  const lines = series.map((s, i) => {
    const d = points(s.values)
      .map(([p, v], j) => `${j ? 'L' : 'M'}${x(p).toFixed(1)},${y(v).toFixed(1)}`)
      .join('');
    const legendY = M.top + 16 * i;
    return (
      `<path d="${d}" fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="2"/>` +
      `<rect x="${M.left + 12}" y="${legendY - 9}" width="12" height="3" fill="${COLOURS[i % COLOURS.length]}"/>` +
      `<text x="${M.left + 30}" y="${legendY - 4}" font-size="12">${escape(s.name)} (p50 ${percentile(s.values, 50).toFixed(0)} ms, p99 ${percentile(s.values, 99).toFixed(0)} ms)</text>`
    );
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" font-size="14" text-anchor="middle">${escape(title)}</text>`,
    ...ticks.map(
      (t) =>
        `<line x1="${M.left}" x2="${W - M.right}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/><text x="${M.left - 6}" y="${y(t) + 4}" font-size="11" text-anchor="end">${t.toFixed(0)}</text>`,
    ),
    ...[0, 25, 50, 75, 90, 99, 100].map((p) => `<text x="${x(p)}" y="${H - M.bottom + 16}" font-size="11" text-anchor="middle">${p}</text>`),
    `<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#333"/>`,
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#333"/>`,
    `<text x="${W / 2}" y="${H - 12}" font-size="12" text-anchor="middle">percentile of events</text>`,
    `<text x="16" y="${H / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 16 ${H / 2})">publish → receive (ms)</text>`,
    ...lines,
    '</svg>',
  ].join('\n');
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
