import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { obtainTemporalCli } from '../src/dev/temporal-cli';
import { newId } from '../src/domain/ids';
import { PurgeRepository } from '../src/persistence/repositories/purge.repository';
import { createScratchDatabase } from '../test/support/scratch-database';
import { lowLoad } from './measure';
import { BenchReceiver } from './receiver';
import { postgresAdminUrl, temporalDevServer, withCleanup } from './servers';
import { spread } from './stats';
import { plude } from './targets';

/**
 * `npm run bench:lifecycle [-- --write]` (issue 21): what finished notifications cost on disk, how fast the purge
 * deletes them, and publish → receive latency while it does, beside the same without. BENCH_PURGE_ROWS (100000)
 * finished notifications are stored, each of its own event with a 1 KB payload and one attempt, 40 days old; their
 * size is measured and scaled to a million; then the purge's own batches (PurgeRepository, 500 events a transaction,
 * as the purge workflow's activity runs them) delete them while events are published one at a time.
 * `--write` writes docs/bench-lifecycle.md, which `npm run bench -- --write` appends to BENCHMARKS.md.
 */
const ROWS = Number(process.env.BENCH_PURGE_ROWS ?? 100_000);
const LATENCY_EVENTS = Number(process.env.BENCH_LATENCY_EVENTS ?? 200);
const RETENTION_MS = 30 * 86_400_000;
const BATCH = 500;
const CHUNK = 5_000;
const ROOT = path.resolve(__dirname, '../..');
const log = (line: string) => process.stdout.write(`${line}\n`);
const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MiB`;

/** A 1 KB JSON payload, different for each event. */
const payload = (i: number) => JSON.stringify({ id: i, customer: `cus_${i}`, note: randomBytes(480).toString('hex') }).slice(0, 1024);

async function main(): Promise<void> {
  const write = process.argv.includes('--write');
  const loadBefore = os.loadavg()[0];
  await withCleanup(async (cleanup) => {
    const receiver = await BenchReceiver.start();
    cleanup.push(() => receiver.stop());
    const cliPath = await obtainTemporalCli((line) => process.stderr.write(`${line}\n`));
    const database = await createScratchDatabase(await postgresAdminUrl(cleanup), 'plude_bench');
    const server = await temporalDevServer(cleanup, cliPath);
    const target = await plude({ temporalAddress: server.address, databaseUrl: database.url, receiver, topology: 'combined', env: { PURGE_INTERVAL: '0' } });
    cleanup.push(() => target.stop());
    // The bench's own connections, on the database the process migrated (no entities: the repository speaks SQL).
    const db = await new DataSource({ type: 'postgres', url: database.url, extra: { max: 4 } }).initialize();
    cleanup.push(() => db.destroy());

    log(`storing ${ROWS} finished notifications (1 KB payload, one attempt each), 40 days old`);
    const [{ url }] = await db.query<{ url: string }[]>(`SELECT url FROM subscriptions WHERE id = $1`, [target.subscriptionId]);
    const old = Date.now() - 40 * 86_400_000;
    for (let from = 0; from < ROWS; from += CHUNK) {
      const n = Math.min(CHUNK, ROWS - from);
      const ids = Array.from({ length: n }, (_, i) => newId('evt', old + from + i));
      const data = Array.from({ length: n }, (_, i) => payload(from + i));
      await db.query(
        `WITH e AS (
           INSERT INTO events (id, environment_id, type, data, created_at)
           SELECT id, 'bench', 'bench.old', data::json, now() - interval '40 days' FROM unnest($1::text[], $2::text[]) AS t (id, data)
           RETURNING id, created_at
         ), n AS (
           INSERT INTO notifications (id, event_id, subscription_id, environment_id, url, status, attempt_count, last_attempt_at, completed_at,
                                      dispatched_at, created_at, expires_at, retry_initial_interval_ms, retry_maximum_interval_ms,
                                      retry_backoff_coefficient, attempt_timeout_ms)
           SELECT plude_new_id('ntf'), e.id, $3, 'bench', $4, 'succeeded', 1, e.created_at, e.created_at, e.created_at, e.created_at,
                  e.created_at + interval '72 hours', 5000, 3600000, 2, 10000
           FROM e RETURNING id, created_at
         )
         INSERT INTO attempts (id, notification_id, number, url, started_at, ended_at, duration_ms, status_code, succeeded, response_body, trigger)
         SELECT plude_new_id('att'), n.id, 1, $4, n.created_at, n.created_at, 12, 200, true, '{"received": true}', 'initial' FROM n`,
        [ids, data, target.subscriptionId, url],
      );
    }
    await db.query('VACUUM ANALYZE events, notifications, attempts');
    const sizes = await db.query<{ table: string; rows: number; heap: string; indexes: string; total: string }[]>(
      `SELECT c.relname AS table, c.reltuples::bigint AS rows, pg_table_size(c.oid) AS heap, pg_indexes_size(c.oid) AS indexes,
              pg_total_relation_size(c.oid) AS total
       FROM pg_class c WHERE c.relname IN ('events', 'notifications', 'attempts') ORDER BY c.relname DESC`,
    );
    const perMillion = (bytes: string) => (Number(bytes) * 1_000_000) / ROWS;
    const sizeRows = sizes.map((s) => `| \`${s.table}\` | ${mb(perMillion(s.heap))} | ${mb(perMillion(s.indexes))} | ${mb(perMillion(s.total))} |`);
    const total = sizes.reduce((sum, s) => sum + perMillion(s.total), 0);
    for (const line of sizeRows) log(line);
    log(`total per million: ${mb(total)}`);

    log(`publish → receive without a purge (${LATENCY_EVENTS} events, one at a time)`);
    const quiet = await lowLoad(target, receiver, LATENCY_EVENTS);

    log('purging, while the same is measured again');
    const purges = new PurgeRepository(db);
    let purging = true;
    const purged = { events: 0, notifications: 0, attempts: 0 };
    const started = performance.now();
    const purge = (async () => {
      for (let after: string | null = null; ;) {
        const batch = await purges.purgeEvents(RETENTION_MS, after, BATCH);
        purged.events += batch.deleted.events;
        purged.notifications += batch.deleted.notifications;
        purged.attempts += batch.deleted.attempts;
        after = batch.next;
        if (after === null) break;
      }
      purging = false;
      return (performance.now() - started) / 1000;
    })();
    const busy = await lowLoad(target, receiver, LATENCY_EVENTS);
    const overlapped = purging;
    const seconds = await purge;
    const rows = purged.events + purged.notifications + purged.attempts;
    log(`purged ${purged.events} events, ${purged.notifications} notifications, ${purged.attempts} attempts in ${seconds.toFixed(1)} s`);

    const cpus = os.cpus();
    const section = [
      '## Data lifecycle: what finished notifications cost, and the purge',
      '',
      `Measured by \`npm run bench:lifecycle -- --write\` on ${new Date().toISOString().slice(0, 10)}: ${cpus.length} cores (${cpus[0]?.model.trim()}),`,
      `Node ${process.version}, the embedded PostgreSQL, one \`npm start\` process; load average ${loadBefore.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after`,
      `(the machine is shared). ${ROWS.toLocaleString('en')} finished notifications were stored, each of its`,
      'own event with a 1 KB JSON payload and one attempt (a 200 with an 18-byte body), then measured after `VACUUM ANALYZE`',
      `and **scaled to a million** (×${(1_000_000 / ROWS).toFixed(0)}: sizes grow linearly with rows; a million was not stored).`,
      '',
      '| table, per million finished notifications | table (with TOAST) | indexes | total |',
      '| --- | --- | --- | --- |',
      ...sizeRows,
      `| **all three** | | | **${mb(total)}** |`,
      '',
      `**Purge rate:** ${Math.round(rows / seconds).toLocaleString('en')} rows a second (${Math.round(purged.events / seconds).toLocaleString('en')} events, each with its`,
      `notification and attempt), in batches of ${BATCH} events, one transaction each: the statements of the purge workflow's activity`,
      '(`PurgeRepository`), called by the bench itself (the workflow adds one activity call per 20 batches):',
      `${rows.toLocaleString('en')} rows in ${seconds.toFixed(1)} s. A million finished notifications (3 million rows) take about`,
      `${Math.round((3_000_000 / rows) * seconds)} s at that rate.`,
      '',
      `**Publish → receive latency (p50 / p90 / p99) while the purge runs**, ${LATENCY_EVENTS} events one at a time, beside the same just before it:`,
      '',
      '| | publish → receive |',
      '| --- | --- |',
      `| no purge | ${spread(quiet.received)} |`,
      `| during the purge of ${ROWS.toLocaleString('en')} | ${spread(busy.received)}${overlapped ? '' : ' (the purge ended before the last event)'} |`,
      '',
      'Both rows ran on the same process a few seconds apart; on a shared machine (the load average above) their difference',
      'is within its noise unless it is large. The purge takes its rows with SKIP LOCKED in short transactions and never',
      'touches a pending notification, so deliveries do not wait on it; what they share is the CPU and the disk.',
      '',
    ].join('\n');
    log('');
    log(section);
    if (write) {
      await writeFile(path.join(ROOT, 'docs', 'bench-lifecycle.md'), section);
      log('wrote docs/bench-lifecycle.md (npm run bench -- --write appends it to BENCHMARKS.md)');
    }
  });
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
