import type { RecordedRequest } from './counting-receiver';
import { percentile } from './ledger';

/** How deliveries went on around a moment (a kill), read from the receivers' record. */
export interface Progress {
  /** The longest time without any delivery, across or after the moment. */
  gapMs: number;
  /** The same before the moment (from the first delivery on): the gaps the load itself leaves. */
  gapBeforeMs: number;
  /** The longest time without a delivery of the `affected` notifications, across or after the moment. */
  affectedGapMs: number;
  /** The same for the others. */
  othersGapMs: number;
  /** Deliveries of `affected` notifications after the moment: how many, and when the first came. */
  affectedAfter: number;
  /** Publish → receive (the event's createdAt to the first 2xx for its notification), median and slowest. */
  latencyP50Ms: number;
  latencyMaxMs: number;
}

/** A delivery: a request answered 2xx. */
const delivered = (r: RecordedRequest) => r.answer !== undefined && r.answer.status >= 200 && r.answer.status < 300;

/** The longest interval between consecutive arrivals in `at` (sorted) that ends after `from` and at or before `to`. */
function longestGap(at: number[], from: number, to: number): number {
  let longest = 0;
  for (let i = 1; i < at.length; i++) if (at[i] > from && at[i] <= to) longest = Math.max(longest, at[i] - at[i - 1]);
  return longest;
}

/**
 * Measures progress around `moment` for one case's requests: `affected` holds the webhook-ids (notification ids)
 * whose workflows the fault hit, e.g. those on a killed history host's shards.
 */
export function progressAround(requests: RecordedRequest[], moment: number, affected: Set<string>): Progress {
  const ok = requests.filter(delivered);
  const times = (list: RecordedRequest[]) => list.map((r) => r.at).sort((a, b) => a - b);
  const all = times(ok);
  const hit = times(ok.filter((r) => affected.has(r.webhookId ?? '')));
  const others = times(ok.filter((r) => !affected.has(r.webhookId ?? '')));
  const first = new Map<string, RecordedRequest>();
  for (const r of ok) if (!first.has(r.webhookId ?? '')) first.set(r.webhookId ?? '', r);
  const latencies = [...first.values()].map((r) => r.at - Date.parse((JSON.parse(r.text) as { createdAt: string }).createdAt));
  return {
    gapMs: longestGap(all, moment, Infinity),
    gapBeforeMs: longestGap(all, -Infinity, moment),
    affectedGapMs: longestGap(hit, moment, Infinity),
    othersGapMs: longestGap(others, moment, Infinity),
    affectedAfter: hit.filter((t) => t > moment).length,
    latencyP50Ms: percentile(latencies, 50),
    latencyMaxMs: Math.max(0, ...latencies),
  };
}
