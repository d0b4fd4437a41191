import type { Pool } from 'pg';
import type { ReceiverFleet } from './fleet';
import { type Ledger, percentile } from './ledger';
import type { ServiceProcess } from './service-process';

/** One sample of a Prometheus text exposition: the sum of the series named `name` whose labels contain `labels`. */
export function metricSum(text: string, name: string, labels = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || line.startsWith('#')) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    if (labels && !rest.includes(labels)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}

/** Every worker's /metrics, summed for one series. */
export async function workersMetric(workers: ServiceProcess[], name: string, labels = ''): Promise<number> {
  const texts = await Promise.all(workers.map(async (w) => (await fetch(`${w.url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text()));
  return texts.reduce((sum, text) => sum + metricSum(text, name, labels), 0);
}

/** Publish → receipt: from just before each publish was sent to the first arrival of its notification at a receiver. */
export class ReceiptClock {
  private readonly sentAt = new Map<string, number>();

  /** Publishes through the ledger and remembers when this one was sent. */
  async publish(ledger: Ledger, ...args: Parameters<Ledger['publish']>): Promise<void> {
    const sent = Date.now();
    const answer = await ledger.publish(...args);
    if (answer.status === 202) this.sentAt.set(answer.body.id as string, sent);
  }

  /** The p95 (and the count) of publish → first arrival over the ledger's notifications, as the fleet saw them. */
  async p95(db: Pool, ledger: Ledger, fleet: ReceiverFleet): Promise<{ p95: number; p50: number; samples: number }> {
    const { rows } = await db.query<{ id: string; event_id: string }>('SELECT id, event_id FROM notifications WHERE event_id = ANY($1)', [
      [...ledger.accepted.keys()],
    ]);
    const firstArrival = new Map<string, number>();
    for (const r of fleet.server.requests) {
      const id = r.webhookId;
      if (id !== undefined && !firstArrival.has(id)) firstArrival.set(id, r.at);
    }
    const ms: number[] = [];
    for (const row of rows) {
      const at = firstArrival.get(row.id);
      const sent = this.sentAt.get(row.event_id);
      if (at !== undefined && sent !== undefined) ms.push(at - sent);
    }
    return { p95: percentile(ms, 95), p50: percentile(ms, 50), samples: ms.length };
  }
}

/** Requests in flight at the receivers whose paths start with `prefix`, taken as those that arrived in the last `withinMs`. */
export function arrivedWithin(fleet: ReceiverFleet, prefix: string, withinMs: number): number {
  const since = Date.now() - withinMs;
  let n = 0;
  const requests = fleet.server.requests;
  for (let i = requests.length - 1; i >= 0 && requests[i].at >= since; i--) if (requests[i].path.startsWith(prefix)) n++;
  return n;
}

/** Samples `read` every `everyMs` until stop() is called; stop() resolves with the median and the maximum. */
export function sampler(read: () => number, everyMs = 1_000): { stop(): { median: number; max: number; samples: number } } {
  const values: number[] = [];
  const timer = setInterval(() => values.push(read()), everyMs);
  return {
    stop() {
      clearInterval(timer);
      return { median: percentile(values, 50), max: Math.max(0, ...values), samples: values.length };
    },
  };
}
