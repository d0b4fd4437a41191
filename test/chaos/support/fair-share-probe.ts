import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { readdirSync, readFileSync } from 'node:fs';
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
/** One notification's publish → receipt, and the parts of it: to the event's commit, from there to its first attempt's start. */
export interface Sample {
  notificationId: string;
  /** When the event was committed (the database's clock, the same machine's). */
  committed: number;
  sent: number;
  ms: number;
  toCommit: number;
  toAttempt: number;
}

export class ReceiptClock {
  private readonly sentAt = new Map<string, number>();

  /** Publishes through the ledger and remembers when this one was sent. */
  async publish(ledger: Ledger, ...args: Parameters<Ledger['publish']>): Promise<void> {
    const sent = Date.now();
    const answer = await ledger.publish(...args);
    if (answer.status === 202) this.sentAt.set(answer.body.id as string, sent);
  }

  /** The p95 (and the count) of publish → first arrival over the ledger's notifications, as the fleet saw them. */
  async p95(db: Pool, ledger: Ledger, fleet: ReceiverFleet): Promise<{ p95: number; p50: number; samples: number; each: Sample[] }> {
    const { rows } = await db.query<{ id: string; event_id: string; created: Date; attempted: Date | null }>(
      `SELECT n.id, n.event_id, e.created_at AS created,
              (SELECT min(a.started_at) FROM attempts a WHERE a.notification_id = n.id) AS attempted
         FROM notifications n JOIN events e ON e.id = n.event_id WHERE n.event_id = ANY($1)`,
      [[...ledger.accepted.keys()]],
    );
    const firstArrival = new Map<string, number>();
    for (const r of fleet.server.requests) {
      const id = r.webhookId;
      if (id !== undefined && !firstArrival.has(id)) firstArrival.set(id, r.at);
    }
    const each: Sample[] = [];
    for (const row of rows) {
      const at = firstArrival.get(row.id);
      const sent = this.sentAt.get(row.event_id);
      if (at !== undefined && sent !== undefined) {
        each.push({
          notificationId: row.id,
          committed: row.created.getTime(),
          sent,
          ms: at - sent,
          toCommit: row.created.getTime() - sent,
          toAttempt: (row.attempted?.getTime() ?? NaN) - row.created.getTime(),
        });
      }
    }
    const ms = each.map((e) => e.ms);
    return { p95: percentile(ms, 95), p50: percentile(ms, 50), samples: ms.length, each };
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

/** CPU seconds used so far by this process and everything it started, by what they are (read from /proc: Linux only). */
export function cpuByRole(workers: ServiceProcess[], apis: ServiceProcess[]): Record<string, number> {
  const stats = new Map<number, { ppid: number; comm: string; seconds: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      // After the command: state, ppid, … utime is field 14 and stime 15 of the whole line (11 and 12 here).
      stats.set(Number(entry), {
        ppid: Number(fields[1]),
        comm: stat.slice(stat.indexOf('(') + 1, close),
        seconds: (Number(fields[11]) + Number(fields[12])) / 100,
      });
    } catch {
      // gone meanwhile
    }
  }
  const role = new Map<number, string>([[process.pid, 'jest']]);
  for (const w of workers) if (w.pid) role.set(w.pid, 'workers');
  for (const a of apis) if (a.pid) role.set(a.pid, 'apis');
  const under = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 20; p = stats.get(p)?.ppid ?? 0, hops++) if (p === process.pid) return true;
    return false;
  };
  const totals: Record<string, number> = {};
  for (const [pid, s] of stats) {
    if (!under(pid)) continue;
    const name = role.get(pid) ?? (s.comm.startsWith('postgres') ? 'postgres' : /temporal/i.test(s.comm) ? 'temporal' : `other:${s.comm}`);
    totals[name] = (totals[name] ?? 0) + s.seconds;
  }
  return totals;
}

/** `after - before` by role, rounded, as `role 12.3 s` pairs. */
export function cpuSpent(before: Record<string, number>, after: Record<string, number>): string {
  return Object.keys(after)
    .map((k) => [k, after[k] - (before[k] ?? 0)] as const)
    .filter(([, s]) => s >= 0.5)
    .sort((x, y) => y[1] - x[1])
    .map(([k, s]) => `${k} ${s.toFixed(1)} s`)
    .join(', ');
}

/** Temporal's task latencies as the workers' SDK exports them (plude_temporal_*): total and count of each histogram. */
const TASK_LATENCIES = [
  'workflow_task_schedule_to_start_latency',
  'workflow_task_execution_latency',
  'local_activity_execution_latency',
  'activity_schedule_to_start_latency',
];

export async function taskLatencies(workers: ServiceProcess[]): Promise<Record<string, { sum: number; count: number }>> {
  const texts = await Promise.all(workers.map(async (w) => (await fetch(`${w.url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text()));
  const result: Record<string, { sum: number; count: number }> = {};
  for (const stem of TASK_LATENCIES) {
    const total = { sum: 0, count: 0 };
    for (const line of texts.flatMap((t) => t.split('\n'))) {
      const name = line.split(/[{ ]/)[0];
      if (!name.includes(stem)) continue;
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (name.endsWith('_sum')) total.sum += value;
      else if (name.endsWith('_count')) total.count += value;
    }
    result[stem] = total;
  }
  return result;
}

/** The mean of each latency between two readings, in ms (the SDK exports seconds). */
export function meanLatencies(before: Awaited<ReturnType<typeof taskLatencies>>, after: Awaited<ReturnType<typeof taskLatencies>>): string {
  return Object.keys(after)
    .map((k) => {
      const count = after[k].count - (before[k]?.count ?? 0);
      const mean = count > 0 ? (1000 * (after[k].sum - (before[k]?.sum ?? 0))) / count : NaN;
      return `${k.replace(/_latency$/, '')} ${mean.toFixed(0)} ms × ${count}`;
    })
    .join(', ');
}

/** The first events of each sample's workflow history, in ms after its event's commit: where a slow delivery waited. */
export async function historiesOf(address: string, samples: Sample[]): Promise<string> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const lines: string[] = [];
    for (const sample of samples) {
      const history = await client.workflow.getHandle(sample.notificationId).fetchHistory();
      const steps = (history.events ?? []).slice(0, 6).map((e) => {
        const at = Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
        const type = temporal.api.enums.v1.EventType[e.eventType ?? 0].replace('EVENT_TYPE_', '').toLowerCase();
        return `${type} +${at - sample.committed}`;
      });
      lines.push(`${sample.ms} ms: ${steps.join(', ')}`);
    }
    return lines.join('\n');
  } finally {
    await connection.close();
  }
}
