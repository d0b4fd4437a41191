import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { DevServerHandle } from '../src/dev/dev-server';
import { obtainTemporalCli } from '../src/dev/temporal-cli';
import { RATE_SLACK } from '../src/domain/gate';
import { createScratchDatabase } from '../test/support/scratch-database';
import { latencyChart } from './chart';
import { benchmarksMarkdown } from './markdown';
import {
  type Capacity,
  closedLoop,
  fanOut,
  gateCost,
  type Latency,
  lowLoad,
  openLoop,
  publishUnderSaturation,
  rateLimited,
  type Saturation,
  type ServerPids,
  steadyCost,
} from './measure';
import { BenchReceiver } from './receiver';
import { benchPostgres, type Cleanup, temporalDevServer, withCleanup } from './servers';
import { type Results, saturationTable, saturationTargets, tables, targets } from './report';
import { bareStages, pludeStages, stagesLine, tailLines } from './stages';
import { barePost, bareWorkflow, plude, type Target } from './targets';
import { ms, percentile } from './stats';

/**
 * `npm run bench [-- --write]`: every figure of BENCHMARKS.md in one run on this machine (see bench/markdown.ts).
 * BENCH_SECONDS (30), BENCH_LATENCY_EVENTS (200), BENCH_FANOUT (1000: also the events of the rate-limited run) shorten
 * or lengthen it; BENCH_RATE_LIMIT (100) is that run's rateLimit; BENCH_SATURATION_SECONDS (30) and
 * BENCH_SATURATION_FACTOR (2) are how long and at how many times the capacity the saturation run publishes (to the
 * capacity run's server, last), and BENCH_SATURATION_DRAIN_LIMIT (600) how many seconds it waits after for the
 * backlog to be delivered;
 * BENCH_DATABASE_ADMIN_URL uses an existing PostgreSQL instead of an embedded one.
 * `npm run bench -- --saturation`: only plude-webhooks' capacity and the saturation run, printed (not written).
 * `npm run bench -- --tail`: only an open loop at BENCH_TAIL_RATE (30/s), and the stages of its slowest 5 %, printed.
 * `npm run bench -- --capacity`: only the bare first-attempt-local workflow's capacity run and plude-webhooks', printed
 * with their CPU (each process's, the bench's own included), plude-webhooks' peak RSS and the ratio (BENCH_APP_NODE_ARGS
 * passes node options to the service, e.g. `--require ./dist-bench/bench/memory-probe.js` with MEMORY_PROBE set, or
 * `--cpu-prof --cpu-prof-dir=<dir>` for bench/profile-summary.ts).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const LATENCY_EVENTS = Number(process.env.BENCH_LATENCY_EVENTS ?? 200);
const FANOUT = Number(process.env.BENCH_FANOUT ?? 1000);
const RATE_LIMIT = Number(process.env.BENCH_RATE_LIMIT ?? 100);
const SATURATION_SECONDS = Number(process.env.BENCH_SATURATION_SECONDS ?? 30);
const SATURATION_FACTOR = Number(process.env.BENCH_SATURATION_FACTOR ?? 2);
const SATURATION_DRAIN_LIMIT = Number(process.env.BENCH_SATURATION_DRAIN_LIMIT ?? 600);
/** A rate limit far above any capacity of this box: it never makes a delivery wait, so only its statement costs. */
const NEVER_BINDING = 100_000;
const PUBLISHERS = 16;
const WORKERS = 2;
/** `--capacity`: events published one at a time before the closed loop, their latency printed. */
const CAPACITY_WARM_UP = Number(process.env.BENCH_WARM_UP_EVENTS ?? 50);
/** `--cost`: the steady rate of its open loop, events/s. */
const COST_RATE = Number(process.env.BENCH_COST_RATE ?? 10);
/** `--tail`: the rate of its open loop, events/s (about half this box's capacity), and the slowest share it looks at. */
const TAIL_RATE = Number(process.env.BENCH_TAIL_RATE ?? 30);
const TAIL_SHARE = 0.05;
const ROOT = path.resolve(__dirname, '../..');
const log = (line: string) => process.stdout.write(`${line}\n`);

/** Temporal history length of the first-try delivery of one more event. */
async function historyOf(target: Target, server: DevServerHandle, receiver: BenchReceiver): Promise<number> {
  const tag = `history-${Date.now()}`;
  await target.publish(tag);
  await receiver.arrival(tag);
  const connection = await Connection.connect({ address: server.address });
  try {
    const handle = new Client({ connection }).workflow.getHandle(await target.workflowIdOf!(tag));
    await handle.result();
    return (await handle.fetchHistory()).events?.length ?? 0;
  } finally {
    await connection.close();
  }
}

function temporalVersion(cliPath: string): string {
  const reported = execFileSync(cliPath, ['--version'], { encoding: 'utf8' }).trim();
  return reported.includes('0.0.0-DEV') ? 'v1.5.1 (built with go install; Server 1.29.1)' : reported;
}

/** Publishing at SATURATION_FACTOR × `capacity` to `target`, whose capacity it is, right after it was measured (issue 23). */
function saturated(target: Parameters<typeof publishUnderSaturation>[0], receiver: BenchReceiver, capacity: number): Promise<Saturation> {
  log(`plude-webhooks (npm start), publishing at ${SATURATION_FACTOR} × capacity (${(SATURATION_FACTOR * capacity).toFixed(1)}/s) for ${SATURATION_SECONDS} s`);
  return publishUnderSaturation(target, receiver, capacity, SATURATION_FACTOR, SATURATION_SECONDS, SATURATION_DRAIN_LIMIT);
}

type Plude = Awaited<ReturnType<typeof plude>>;

/** CPU seconds per delivery as milliseconds, for a printed line. */
const cpuText = (seconds: number | null) => (seconds === null ? '–' : (seconds * 1000).toFixed(2));
const cpuLine = ({ target, temporal, postgres, bench }: Capacity['cpuPerDelivery']) =>
  `CPU per delivery: ${cpuText(target)} ms own process, ${cpuText(temporal)} ms Temporal server, ${cpuText(postgres)} ms PostgreSQL, ${cpuText(bench)} ms the bench (load and receiver)`;

/**
 * `npm start`'s plude-webhooks on a fresh Temporal server and database, warmed up by BENCH_WARM_UP_EVENTS events one at
 * a time (their latency printed); then `work` on it.
 */
async function onFreshPlude<T>(
  cliPath: string,
  receiver: BenchReceiver,
  work: (target: Plude, servers: ServerPids, where: { temporalAddress: string; databaseUrl: string }) => Promise<T>,
): Promise<T> {
  return withCleanup(async (cleanup) => {
    const pg = await benchPostgres(cleanup);
    const server = await temporalDevServer(cleanup, cliPath);
    const db = await createScratchDatabase(pg.adminUrl, 'plude_bench');
    cleanup.push(() => db.drop());
    const target = await plude({ temporalAddress: server.address, databaseUrl: db.url, receiver, topology: 'combined' });
    cleanup.push(() => target.stop());
    const low = await lowLoad(target, receiver, CAPACITY_WARM_UP);
    log(
      `low load (${CAPACITY_WARM_UP} events, the warm-up): publish → POST received p50 ${ms(percentile(low.received, 50))}, p90 ${ms(percentile(low.received, 90))}`,
    );
    log(`  its stages (medians): ${stagesLine(await pludeStages(low, server.address, db.url))}`);
    return work(target, { temporal: server.pid, postgres: pg.pid }, { temporalAddress: server.address, databaseUrl: db.url });
  });
}

/**
 * plude-webhooks' capacity alone (closed loop, BENCH_SECONDS, after a warm-up) on a fresh server, printed with its CPU
 * and peak RSS; then `after` on the same server, if given.
 */
function pludeCapacity<T>(cliPath: string, receiver: BenchReceiver, after: (target: Plude, capacity: Capacity) => Promise<T>): Promise<T> {
  return onFreshPlude(cliPath, receiver, async (target, servers) => {
    log('plude-webhooks (npm start): capacity');
    const capacity = await closedLoop(target, receiver, servers, PUBLISHERS, SECONDS);
    log(`capacity: ${capacity.perSecond.toFixed(1)} deliveries/s; ${cpuLine(capacity.cpuPerDelivery)}; peak RSS ${capacity.peakRssMb.toFixed(0)} MB`);
    return after(target, capacity);
  });
}

/**
 * `--capacity`: the bare first-attempt-local workflow's capacity on a fresh server, then plude-webhooks' (as
 * pludeCapacity), each printed with its CPU, then the ratio the capacity target is about.
 */
async function capacityOnly(cliPath: string, receiver: BenchReceiver): Promise<void> {
  log('bare workflow, first attempt local: capacity');
  const bare = await withCleanup(async (cleanup) => {
    const server = await temporalDevServer(cleanup, cliPath);
    const target = await bareWorkflow('local', server.address, receiver);
    cleanup.push(() => target.stop());
    await lowLoad(target, receiver, CAPACITY_WARM_UP);
    return closedLoop(target, receiver, { temporal: server.pid }, PUBLISHERS, SECONDS);
  });
  log(`capacity: ${bare.perSecond.toFixed(1)} deliveries/s; ${cpuLine(bare.cpuPerDelivery)}`);
  const ours = await pludeCapacity(cliPath, receiver, async (_target, capacity) => capacity);
  log(`plude-webhooks / bare: ${(ours.perSecond / bare.perSecond).toFixed(2)} × (the target: ≥ 0.9 ×)`);
}

/** `--cost`: plude-webhooks' CPU per delivery at a steady BENCH_COST_RATE, after the warm-up, printed. */
function costOnly(cliPath: string, receiver: BenchReceiver): Promise<void> {
  return onFreshPlude(cliPath, receiver, async (target, servers) => {
    const { latencies, cpuPerDelivery } = await steadyCost(target, receiver, servers, COST_RATE, SECONDS);
    log(`at ${COST_RATE}/s for ${SECONDS} s: p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}; ${cpuLine(cpuPerDelivery)}`);
  });
}

/**
 * `--tail`: plude-webhooks at BENCH_TAIL_RATE for BENCH_SECONDS after the warm-up, as the half-load run publishes: its
 * p50 and p99, and the stages of its slowest 5 % beside the median of all, printed (which stage the tail grows in).
 */
function tailOnly(cliPath: string, receiver: BenchReceiver): Promise<void> {
  return onFreshPlude(cliPath, receiver, async (target, _servers, where) => {
    const timed: Latency['timed'] = [];
    const received = await openLoop(target, receiver, TAIL_RATE, SECONDS, timed);
    log(`at ${TAIL_RATE}/s for ${SECONDS} s: p50 ${ms(percentile(received, 50))}, p99 ${ms(percentile(received, 99))}`);
    const stages = await pludeStages({ ack: [], received, timed }, where.temporalAddress, where.databaseUrl);
    for (const line of tailLines(stages, TAIL_SHARE)) log(line);
  });
}

/**
 * `--gate`: the two held runs of the gate's section on a fresh server, printed: FANOUT held at RATE_LIMIT, then
 * BENCH_GATE_RATE (20) × 10 held at that rate, each delivered after one resume (how long, how many sent away).
 */
function gateOnly(cliPath: string, receiver: BenchReceiver): Promise<void> {
  return onFreshPlude(cliPath, receiver, async (target, _servers, where) => {
    const connection = await Connection.connect({ address: where.temporalAddress });
    try {
      const client = new Client({ connection });
      const rate = Number(process.env.BENCH_GATE_RATE ?? 20);
      for (const [count, limit] of [
        [FANOUT, RATE_LIMIT],
        [rate * 10, rate],
      ]) {
        const r = await rateLimited(target, receiver, count, limit, { client });
        log(
          `${count} held at rateLimit ${limit}: delivered ${ms(r.lastReceivedMs)} after the resume (its slots: ${ms((1000 * count * RATE_SLACK) / limit)}); sent away ${r.rateWaits} times to wait for a slot`,
        );
      }
    } finally {
      await connection.close();
    }
  });
}

/** `--saturation`: plude-webhooks' capacity, then the saturation run on the same server, printed. */
async function saturationOnly(cliPath: string, receiver: BenchReceiver): Promise<void> {
  const saturation = await pludeCapacity(cliPath, receiver, (target, capacity) => saturated(target, receiver, capacity.perSecond));
  const row = (what: string, target: string, measured: string, met: boolean, short: string) =>
    `| ${what} | ${target} | ${measured} | ${met ? 'met' : `missed by ${short}`} |`;
  for (const line of [
    '',
    '| target | goal | measured | result |',
    '|---|---|---|---|',
    ...saturationTargets(saturation, row),
    '',
    ...saturationTable(saturation),
  ])
    log(line);
}

async function main(): Promise<void> {
  const write = process.argv.includes('--write');
  const cliPath = await obtainTemporalCli((line) => process.stderr.write(`${line}\n`));
  const receiver = await BenchReceiver.start();
  const only = ['--saturation', '--capacity', '--cost', '--tail', '--gate'].find((flag) => process.argv.includes(flag));
  if (only) {
    if (write) throw new Error(`${only} prints its figures only: BENCHMARKS.md is written by a whole run`);
    try {
      if (only === '--capacity') return await capacityOnly(cliPath, receiver);
      if (only === '--cost') return await costOnly(cliPath, receiver);
      if (only === '--tail') return await tailOnly(cliPath, receiver);
      if (only === '--gate') return await gateOnly(cliPath, receiver);
      return await saturationOnly(cliPath, receiver);
    } finally {
      await receiver.stop();
    }
  }
  const started = Date.now();
  const loadBefore = os.loadavg();
  try {
    const r = await withCleanup(async (outer) => {
      const pg = await benchPostgres(outer);
      const database = async (cleanup: Cleanup) => {
        const db = await createScratchDatabase(pg.adminUrl, 'plude_bench');
        cleanup.push(() => db.drop());
        return db.url;
      };
      log('bare signed POST loop');
      const post = barePost(receiver);
      const barePostResult = { low: await lowLoad(post, receiver, LATENCY_EVENTS), capacity: await closedLoop(post, receiver, {}, PUBLISHERS, SECONDS) };
      await post.stop();

      log('bare workflow, one regular activity');
      const bareActivity = await withCleanup(async (cleanup) => {
        const server = await temporalDevServer(cleanup, cliPath);
        const target = await bareWorkflow('activity', server.address, receiver);
        cleanup.push(() => target.stop());
        const low = await lowLoad(target, receiver, LATENCY_EVENTS);
        return {
          low,
          history: await historyOf(target, server, receiver),
          capacity: await closedLoop(target, receiver, { temporal: server.pid }, PUBLISHERS, SECONDS),
        };
      });

      log('plude-webhooks (npm start)');
      const ours = await withCleanup(async (cleanup) => {
        const server = await temporalDevServer(cleanup, cliPath);
        const databaseUrl = await database(cleanup);
        const target = await plude({ temporalAddress: server.address, databaseUrl, receiver, topology: 'combined' });
        cleanup.push(() => target.stop());
        const low = await lowLoad(target, receiver, LATENCY_EVENTS);
        const stages = await pludeStages(low, server.address, databaseUrl);
        const history = await historyOf(target, server, receiver);
        const capacity = await closedLoop(target, receiver, { temporal: server.pid, postgres: pg.pid }, PUBLISHERS, SECONDS);
        const halfRate = capacity.perSecond / 2;
        const half = await openLoop(target, receiver, halfRate, SECONDS);
        const fan = await fanOut(target, receiver, FANOUT);
        // Last on this server: its backlog is delivered before the run ends, but Temporal and PostgreSQL keep its rows.
        const saturation = await saturated(target, receiver, capacity.perSecond);
        return { low, stages, history, capacity, halfRate, half, fanOut: fan, saturation };
      });

      log('plude-webhooks (npm start), every attempt a regular activity: the shape before the first attempt went local');
      const pludeActivity = await withCleanup(async (cleanup) => {
        const server = await temporalDevServer(cleanup, cliPath);
        const env = { DELIVERY_FIRST_ATTEMPT: 'activity' };
        const target = await plude({ temporalAddress: server.address, databaseUrl: await database(cleanup), receiver, topology: 'combined', env });
        cleanup.push(() => target.stop());
        const low = await lowLoad(target, receiver, LATENCY_EVENTS / 2);
        return { low, capacity: await closedLoop(target, receiver, { temporal: server.pid, postgres: pg.pid }, PUBLISHERS, SECONDS / 2) };
      });

      log('bare workflow, first attempt local');
      const bareLocal = await withCleanup(async (cleanup) => {
        const server = await temporalDevServer(cleanup, cliPath);
        const target = await bareWorkflow('local', server.address, receiver);
        cleanup.push(() => target.stop());
        const low = await lowLoad(target, receiver, LATENCY_EVENTS);
        const stages = await bareStages(low, server.address, (tag) => target.workflowIdOf!(tag));
        const history = await historyOf(target, server, receiver);
        const capacity = await closedLoop(target, receiver, { temporal: server.pid }, PUBLISHERS, SECONDS);
        return { low, stages, history, capacity, half: await openLoop(target, receiver, ours.halfRate, SECONDS) };
      });

      log(`plude-webhooks (start:api + ${WORKERS} × start:worker)`);
      const split = await withCleanup(async (cleanup) => {
        const server = await temporalDevServer(cleanup, cliPath);
        const target = await plude({ temporalAddress: server.address, databaseUrl: await database(cleanup), receiver, topology: 'split', workers: WORKERS });
        cleanup.push(() => target.stop());
        await lowLoad(target, receiver, 20);
        return { capacity: await closedLoop(target, receiver, { temporal: server.pid, postgres: pg.pid }, PUBLISHERS, SECONDS), workers: WORKERS };
      });

      log(`plude-webhooks (npm start), the delivery gate: rateLimit ${NEVER_BINDING} against none, then ${FANOUT} events at rateLimit ${RATE_LIMIT}`);
      const gate = await withCleanup(async (cleanup) => {
        const server = await temporalDevServer(cleanup, cliPath);
        const target = await plude({ temporalAddress: server.address, databaseUrl: await database(cleanup), receiver, topology: 'combined' });
        cleanup.push(() => target.stop());
        await lowLoad(target, receiver, 20);
        const cost = await gateCost(target, receiver, { temporal: server.pid, postgres: pg.pid }, PUBLISHERS, SECONDS, NEVER_BINDING);
        const live = await rateLimited(target, receiver, FANOUT, RATE_LIMIT);
        const connection = await Connection.connect({ address: server.address });
        cleanup.push(() => connection.close());
        const client = new Client({ connection });
        const held = await rateLimited(target, receiver, FANOUT, RATE_LIMIT, { client });
        // A limit this box can exceed (100/s may be more than it delivers): a third of the unlimited capacity, 10 s of it.
        const rate = Math.max(5, Math.round(cost.unlimited.perSecond / 3));
        const binding = await rateLimited(target, receiver, rate * 10, rate, { client });
        return { cost, live, held, binding };
      });

      const cpus = os.cpus();
      const machine = {
        cores: cpus.length,
        cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
        node: process.version,
        temporal: temporalVersion(cliPath),
        date: new Date().toISOString().slice(0, 10),
        command: 'npm run bench -- --write',
        load: { before: loadBefore, after: os.loadavg() },
      };
      return {
        machine,
        seconds: SECONDS,
        barePost: barePostResult,
        bareActivity,
        bareLocal,
        plude: ours,
        pludeActivity,
        split,
        gate,
        saturation: ours.saturation,
      } satisfies Results;
    });

    log('');
    for (const line of [...targets(r), '', ...tables(r)]) log(line);
    log(`bench took ${((Date.now() - started) / 1000).toFixed(0)} s`);
    if (write) {
      const chart = latencyChart(`publish → receive at half load (${r.plude.halfRate.toFixed(1)} events/s, ${SECONDS} s)`, [
        { name: 'plude-webhooks (npm start)', values: r.plude.half },
        { name: 'bare workflow, first attempt local', values: r.bareLocal.half },
      ]);
      await writeFile(path.join(ROOT, 'docs', 'bench-half-load.svg'), `${chart}\n`);
      // Sections measured by other runs, kept as they are: past one box (`npm run test:chaos -- --shapes`, written by
      // hand from its report), the data lifecycle (`npm run bench:lifecycle -- --write`, bench/lifecycle.ts) and ordered
      // delivery (`npm run bench:ordering`, bench/ordering.ts, its table written in by hand).
      const kept = await Promise.all(
        ['bench-past-one-box.md', 'bench-lifecycle.md', 'bench-ordering.md'].map((file) => readFile(path.join(ROOT, 'docs', file), 'utf8').catch(() => '')),
      );
      await writeFile(path.join(ROOT, 'BENCHMARKS.md'), [benchmarksMarkdown(r, 'docs/bench-half-load.svg'), ...kept.filter(Boolean)].join('\n'));
      log('wrote BENCHMARKS.md and docs/bench-half-load.svg');
    }
  } finally {
    await receiver.stop();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
