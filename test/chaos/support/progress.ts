import type { RecordedRequest } from './counting-receiver';
import { percentile } from './ledger';

/** How deliveries went on around a moment (a kill): the longest stretches without one, and publish → receive. */
export interface DeliveryGaps {
  /** The longest time without a delivery that ended after `at` (the stretch across `at` counts). */
  afterKillMs: number;
  /** The longest time without a delivery between the first delivery and `at`. */
  beforeKillMs: number;
  /** The slowest publish → receive (the event's createdAt to its first 2xx arrival) of events created from 5 s before `at` on. */
  slowestAfterKillMs: number;
  /** The median publish → receive of events created before that. */
  p50BeforeKillMs: number;
}

const AROUND_MS = 5_000;

/**
 * Reads the receivers' record: a delivery is a request answered 2xx, placed at its arrival. Events created shortly
 * before `at` count as after it: their workflows were the ones under way when it happened.
 */
export function deliveryGaps(requests: RecordedRequest[], at: number): DeliveryGaps {
  const delivered = requests.filter((r) => r.answer !== undefined && r.answer.status >= 200 && r.answer.status < 300);
  const arrivals = delivered.map((r) => r.at).sort((a, b) => a - b);
  let afterKillMs = 0;
  let beforeKillMs = 0;
  for (let i = 1; i < arrivals.length; i++) {
    const gap = arrivals[i] - arrivals[i - 1];
    if (arrivals[i] > at) afterKillMs = Math.max(afterKillMs, gap);
    else beforeKillMs = Math.max(beforeKillMs, gap);
  }
  const first = new Map<string, RecordedRequest>();
  for (const r of delivered) if (!first.has(r.webhookId ?? '')) first.set(r.webhookId ?? '', r);
  let slowestAfterKillMs = 0;
  const before: number[] = [];
  for (const r of first.values()) {
    const createdAt = Date.parse((JSON.parse(r.text) as { createdAt: string }).createdAt);
    const latency = r.at - createdAt;
    if (createdAt >= at - AROUND_MS) slowestAfterKillMs = Math.max(slowestAfterKillMs, latency);
    else before.push(latency);
  }
  return { afterKillMs, beforeKillMs, slowestAfterKillMs, p50BeforeKillMs: percentile(before, 50) };
}
