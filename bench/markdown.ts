import type { Capacity, RateLimited } from './measure';
import type { Results } from './report';
import { SATURATED_PUBLISH_P95_MS, tables, targets } from './report';
import { RATE_SLACK } from '../src/domain/gate';
import { median, ms, percentile } from './stats';

/**
 * For each target this run missed, what the profile shows stands in the way. From a `--cpu-prof` profile of the
 * `npm start` process during the capacity run (BENCH_APP_NODE_ARGS="--cpu-prof --cpu-prof-dir=…") and the CPU columns.
 */
function standingInTheWay(r: Results): string[] {
  const local = r.bareLocal;
  const notes: string[] = [];
  const ours = r.plude.capacity.cpuPerDelivery;
  const bare = local.capacity.cpuPerDelivery;
  const [own, temporal, postgres, bench] = [ours.target * 1000, ours.temporal * 1000, (ours.postgres ?? 0) * 1000, ours.bench * 1000];
  const [bareOwn, bareTemporal, bareBench] = [bare.target * 1000, bare.temporal * 1000, bare.bench * 1000];
  const [cpuOurs, cpuBare] = [own + temporal + postgres + bench, bareOwn + bareTemporal + bareBench];
  if (r.plude.capacity.perSecond < 0.9 * local.capacity.perSecond) {
    const gap = cpuOurs - cpuBare;
    const part = (ms: number) => `${ms.toFixed(1)} ms (${((100 * ms) / gap).toFixed(0)} % of the gap)`;
    // A service whose process and history cost exactly the bare workflow's, with only PostgreSQL and the HTTP publish added.
    const ideal = bareOwn + bareTemporal + postgres + bench;
    notes.push(
      `- **Capacity.** Both cores are busy in the closed loop, so capacity is CPU per delivery: ${cpuOurs.toFixed(1)} ms for`,
      `  plude-webhooks (the service ${own.toFixed(1)}, the Temporal server ${temporal.toFixed(1)}, PostgreSQL ${postgres.toFixed(1)}, the bench process ${bench.toFixed(1)}) against`,
      `  ${cpuBare.toFixed(1)} ms for the bare first-attempt-local workflow (its process ${bareOwn.toFixed(1)}, the Temporal server ${bareTemporal.toFixed(1)}, the bench ${bareBench.toFixed(1)}), which keeps nothing.`,
      `  To be within 0.9 ×, a delivery could cost ${(cpuBare / 0.9).toFixed(1)} ms. A service whose own process and Temporal history cost no more than`,
      `  the bare workflow's, with only PostgreSQL's share and an HTTP publish added, would cost ${ideal.toFixed(1)} ms: ${(cpuBare / ideal).toFixed(2)} × at best.`,
      cpuBare / ideal < 0.9
        ? '  With every delivery durable in PostgreSQL on the same two cores, the target is out of reach on this box, whatever the service does.'
        : `  That leaves ${(cpuBare / 0.9 - ideal).toFixed(1)} ms for everything the service does beyond the bare workflow.`,
      `  Of the ${gap.toFixed(1)} ms more:`,
      `  PostgreSQL ${part(postgres)}: three statements per delivery, each its own commit with fsync (the publish,`,
      '  the load that also marks the attempt in flight, the record of the attempt), plus the batched dispatch mark, all four',
      '  prepared once per connection. A `perf record -e cpu-clock --call-graph dwarf` profile of its processes at 10',
      '  deliveries/s (taken apart from this run) puts executing them at 48 % of its CPU, the commits at 22 % (fsync 15 %),',
      '  its sockets at 7 %, the checkpointer at 7 % and planning at 2 %; before they were prepared, parsing, analysing',
      '  and planning them was 43 %, and PostgreSQL took 1.9 × the CPU per delivery.',
      `  The bench process ${part(bench - bareBench)}: it publishes over HTTP (undici's request on a keep-alive pool; fetch cost it two to three`,
      "  times that) where it hands a bare workflow's process its event over IPC; a real publisher runs on machines of its own.",
      `  The Temporal server ${part(temporal - bareTemporal)}: the same six-event history; what the service adds to it (four search attributes, a`,
      `  summary, details, a fairness key) is not measured apart. The service's own ${part(own - bareOwn)}: the HTTP request (Express,`,
      "  Nest's guards and validation, the exact-bytes body), the pg driver's round trips, the dispatcher. Where its CPU goes, from",
      '  `perf record -e cpu-clock` of the `npm start` process in a 90-s capacity run (2026-12-07, apart from this run, with',
      "  `BENCH_APP_NODE_ARGS=--perf-basic-prof` so that JavaScript frames have names): the main thread 44 % of it, the SDK's",
      "  workflow thread 32 %, the Temporal core's two runtime threads 10 %, V8's background threads 11 %. Those compile: TurboFan",
      '  was still 9 % of the process 20 s into the closed loop and 2-3 % after 40 s, so a 30-s run measures a JIT still warming',
      "  (the bare workflow's too). The main thread's time is flat: V8's property-lookup and call builtins, allocation and the",
      '  young-generation collector lead, the kernel (its sockets included) takes 6 % of the thread, and no JavaScript function has',
      "  0.4 % of the process's samples of its own. A `--cpu-prof` profile gave the pg driver's socket writes 17 % of the main thread; it samples on the wall clock, so",
      "  that is the thread preempted after it woke PostgreSQL, not CPU: a prepared statement against this machine's PostgreSQL",
      '  costs the client 0.10-0.12 ms of CPU over TCP (0.08-0.11 over a Unix socket), under 0.5 ms for the four of a delivery.',
      "  The SDK's workflow thread spends most of its time inside Node's `vm` calls themselves: the SDK gives each one a `timeout`",
      '  (its deadlock detector), which Node enforces with a thread created and joined for each call (nodejs/node#47739), 9 calls',
      "  per delivery. Run without it (bench/no-vm-watchdog.ts, an experiment), the service's process took 1.6-1.8 ms less CPU per",
      '  delivery (10/s, three alternating rounds) and its capacity rose 8 % on average (four alternating rounds: 55-72/s',
      '  against 53-65/s). In one whole bench with it off for both, the bare workflow reached 100.5/s and the service',
      `  68.6/s: 0.68 ×, against 0.62 × for the shipped build minutes later on that machine (${(r.plude.capacity.perSecond / local.capacity.perSecond).toFixed(2)} × in this run). It does not close the gap,`,
      `  and the detector stays on. PostgreSQL on a machine of its own would take its ${postgres.toFixed(1)} ms off this box (derived, not`,
      `  measured here: about ${((r.plude.capacity.perSecond * cpuOurs) / (own + temporal + bench)).toFixed(0)} deliveries/s).`,
    );
  }
  if (percentile(r.plude.low.received, 50) > Math.min(20, 1.5 * percentile(local.low.received, 50))) {
    const [ours, bare] = [r.plude.stages, r.bareLocal.stages];
    const before = median(ours.toWorkflow) - median(bare.toWorkflow);
    const after = median(ours.fromWorkflow) - median(bare.fromWorkflow);
    notes.push(
      '- **Latency at low load.** An event waits for the API (token, validation, one INSERT … RETURNING with fsync),',
      "  the start call, then the local activity's load (one statement, which also marks the attempt in flight: a commit",
      '  with fsync) before its POST. The bare workflow gets its payload in its input and writes nothing; the service',
      `  writes PostgreSQL before and after every POST. The stages (table below) place the difference: ${ms(before)} more up to the`,
      `  workflow's first event (the publish's request up to its INSERT, ${ms(median(ours.parts!.toRow))}, and its commit, which the bare workflow does not`,
      `  have, then the start call), and ${ms(after)} more from it to the POST (the first attempt's load, its UPDATE and commit, and the`,
      "  worker's hand-over). Timing marks in a throwaway build, at 10 deliveries/s apart from this run, put the publish's INSERT and",
      "  commit at 2.4-2.5 ms, the load at 1.7-1.8 ms, and the start call at 7.9-9.0 ms against the bare workflow's 6.0-7.1 ms. What would remove most",
      '  of the gap is a publish and a first attempt that wait for no commit, which the durability promises rule out (fsync,',
      '  synchronous commit, every attempt marked in flight before its POST).',
    );
  }
  const [halfP99, bareHalfP99] = [percentile(r.plude.half, 99), percentile(r.bareLocal.half, 99)];
  if (halfP99 > 1.2 * bareHalfP99) {
    notes.push(
      `- **p99 at half load.** ${halfP99.toFixed(0)} ms against ${bareHalfP99.toFixed(0)} ms for the bare workflow at the same rate. The`,
      "  same rate is half of the service's capacity but only about a third of the bare workflow's: each of the",
      "  service's deliveries costs more CPU (above) and PostgreSQL besides, so at that rate its two cores are busier,",
      '  and a delivery that arrives while the others run waits for a core more often. The tail follows the CPU per',
      '  delivery: what would lower the capacity gap would lower it too. Where the tail grows (`npm run bench -- --tail`,',
      "  30 events/s, fresh servers on the machine's own PostgreSQL, apart from this run, two runs): the slowest 5 % took",
      "  41 ms against a median of 18-20 ms, in the worker's stretch (the workflow's first event → the attempt: 21-25 ms",
      '  against 8.4-11 ms) and in the commit and start (7.0-11 ms against 4.3-4.4 ms), not in the HTTP publish nor the',
      "  POST. With PostgreSQL's `synchronous_commit` off (an experiment only) the tail stayed (p99 59 and 81 ms against",
      "  53 and 52 ms): not the commits' fsync, but the stretches where the worker's threads and the Temporal server wait",
      "  for a core. Part of that wait is the SDK's deadlock detector (see capacity): each of a delivery's nine `vm`",
      '  calls starts and joins a thread, and on busy cores waits for it. Without it (the same experiment, four alternating',
      '  rounds of `--tail`), p99 was 48-74 ms against 59-133 ms, the median 16-19 ms against 19-20 ms.',
    );
  }
  const saturated = r.saturation;
  if (percentile(saturated.ack, 95) > SATURATED_PUBLISH_P95_MS) {
    notes.push(
      `- **Publish p95 at ${saturated.factor} × capacity.** A publish waits for no workflow start any more: its answer is the HTTP`,
      '  request, the token (cached), the schema check and one INSERT … RETURNING with fsync; the starts go on behind it.',
      `  At ${saturated.factor} × what the box delivers, both cores are busy delivering, and the worker shares the process and its`,
      `  event loop (its worst event-loop lag p99 was ${ms(saturated.peakLoopLagMs)}): a publish waits its turn for a core and for PostgreSQL.`,
      `  The bench's own event loop, which sends the publishes and receives the POSTs, lagged ${ms(saturated.benchLagP99Ms)} at p99 meanwhile,`,
      '  which every figure of that row includes. The API role run on machines of its own (`npm run start:api`) keeps',
      "  the deliveries' CPU away from its answers.",
    );
  }
  if (r.plude.capacity.peakRssMb > 300) {
    notes.push(
      `- **Memory.** ${r.plude.capacity.peakRssMb.toFixed(0)} MB, against ${local.capacity.peakRssMb.toFixed(0)} MB for the bare workflow's process (node's default heap settings). What the`,
      '  peak is made of, from bench/memory-probe.ts in the capacity run (2026-12-06, 66/s, peak 293 MB): 66 MB of mapped',
      "  files (the node binary about 50, the Temporal core's native library about 15); the main thread's V8 heap, 121 MB",
      '  (old space 90, young 15, large objects 10, code 6), of which a heap snapshot finds 75 MB live: the code and',
      '  strings of Nest, TypeORM, Swagger, pg, the Temporal client and worker, OpenTelemetry, with no one retainer above',
      "  3 MB; the SDK's workflow thread's V8 heap, 46 MB (young 16, old 24; 25 MB live: the workflow bundle and its",
      "  source map, the SDK's source-map consumer's 5 MB of WebAssembly memory, the protobuf definitions); and about",
      '  60 MB of native memory outside both heaps: the Temporal core (Rust: its gRPC connection, threads, workflow',
      "  state), buffers and malloc's arenas over 17 threads. With node's defaults (a 4 GB heap limit) the same run",
      '  peaked at 405–451 MB: V8 let garbage pile up to 203 MB of main heap and 82 MB of workflow thread before',
      "  collecting, hence `npm start`'s `--max-old-space-size=512 --max-semi-space-size=8`, and its `MALLOC_ARENA_MAX=2`",
      "  (glibc's arenas for those 17 threads: 20–40 MB less in alternating runs).",
    );
  }
  return notes.length ? ['### What stands in the way', '', ...notes, ''] : [];
}

const runs = (r: Results): RateLimited[] => [r.gate.live, r.gate.held, r.gate.binding];

const loadText = (load: number[]) => load.map((value) => value.toFixed(2)).join(' / ');

/** How the delivery gate's two tables were measured, and what they show. */
function gateNotes(r: Results): string[] {
  const { cost, live, held, binding } = r.gate;
  const n = held.events.toLocaleString('en');
  const perSecond = (l: RateLimited, ms: number) => ((1000 * l.events) / ms).toFixed(0);
  const liveRate = (1000 * live.events) / live.publishedMs;
  const pacedMs = (l: RateLimited) => (1000 * l.events * RATE_SLACK) / l.rateLimit;
  const allCpu = (c: Capacity) => c.cpuPerDelivery.target + c.cpuPerDelivery.temporal + (c.cpuPerDelivery.postgres ?? 0);
  const extraCpu = (allCpu(cost.limited) - allCpu(cost.unlimited)) * 1000;
  const counted =
    cost.unlimited.cpuPerDelivery.postgres === null
      ? 'own processes + Temporal server, PostgreSQL not counted'
      : 'own processes + Temporal server + PostgreSQL';
  const noise = (100 * (cost.unlimited.perSecond - r.plude.capacity.perSecond)) / r.plude.capacity.perSecond;
  const paced = (l: RateLimited) =>
    l.lastReceivedMs <= 1.2 * pacedMs(l) && l.rateWaits > 0
      ? `the gate set the pace: it sent them away ${l.rateWaits} times to wait for their slot (a local try's wait goes on in the retrying activity, which is sent back 0.8 s before the slot: two for each notification whose slot was over 1.6 s off), and the ${l.events.toLocaleString('en')} took ${ms(l.lastReceivedMs)} against the ${ms(pacedMs(l))} of its slots`
      : `the box delivered them at ${perSecond(l, l.lastReceivedMs)}/s${l.rateWaits === 0 ? ' and none was sent away to wait for a slot' : ` (${l.rateWaits} sent away to wait for a slot)`}: the box, not the gate, set the pace`;
  return [
    "### Reading the delivery gate's figures",
    '',
    '- **Fan-out to one host with a rate limit.** A rate limit belongs to a subscription, so one event fanned out to',
    `  ${n} subscriptions of one host would meet ${n} separate limits, and none would bind. This bench reads issue 20's`,
    `  "fan-out 1 → 1,000 to one host with \`rateLimit: ${held.rateLimit}\`" as ${n} notifications to one subscription of that host, that is`,
    `  ${n} events. Published live by 16 publishers, they came in at ${liveRate.toFixed(0)}/s while the deliveries ran, ${liveRate > held.rateLimit ? 'above' : 'below'} the limit.`,
    '  So the bench also publishes them while the subscription is paused, waits until every workflow holds, and resumes',
    '  it: all of them wake at once, the thundering herd the limit has to pace. The receiver counts every POST on that',
    '  path, within any one second (a sliding window) and within each second of its clock. "Sent away to wait" counts',
    '  the notifications whose slot was more than 1.6 s off (`plude_notifications_gated_total{reason="rate"}`); a nearer',
    '  slot is waited for inside the attempt and not counted. The gate spaces slots 10 % wider than the rate',
    '  (`RATE_SLACK`, so that 100 ms of jitter on the way never puts more than the limit in one second at the receiver):',
    `  at ${held.rateLimit}/s, the ${n} take ${ms(pacedMs(held))}, against ${ms((1000 * held.events) / held.rateLimit)} at exactly the limit.`,
    `- **What the runs show.** At ${held.rateLimit}/s after the resume, ${paced(held)}.`,
    `  At ${binding.rateLimit}/s (a third of the capacity, so a limit this box can exceed), ${paced(binding)};`,
    `  the receiver saw at most ${binding.peakPerClockSecond} POSTs in one second of its clock and ${binding.peakInAnySecond} within any one second.`,
    runs(r).every((l) => l.peakPerClockSecond <= l.rateLimit)
      ? '  No run put more than its limit in one second of the clock at the receiver (how the e2e test counts).'
      : '  **A run put more than its limit in one second of the clock at the receiver: see the table.**',
    runs(r).every((l) => l.peakInAnySecond <= l.rateLimit)
      ? '  Nor within any one second.'
      : '  Within a sliding one-second window a run did exceed its limit: slots leave 10 % apart, but on a loaded box POSTs are\n' +
        '  delayed unevenly on the way (the worker, the TLS stack, the receiver in the busy bench process), and a late one can\n' +
        '  land next to the ones after it. The slack absorbs about 100 ms of such jitter, not more.',
    `- **The cost of the gate.** A subscription without a limit is decided from the row each attempt loads anyway, and`,
    '  that load also starts the attempt: one statement before the POST. A rate limit, even one that never binds',
    `  (\`rateLimit: ${cost.neverBinding}\`: a slot every millisecond), adds two: one moves the subscription's next free slot on and`,
    '  writes it on the notification (every delivery of that subscription takes its turn on that one row), the other',
    '  starts the attempt once its slot is known.',
    `  Here that cost ${extraCpu >= 0 ? `${extraCpu.toFixed(2)} ms more` : `${(-extraCpu).toFixed(2)} ms less`} CPU per delivery (${counted})`,
    `  and changed capacity by ${(((cost.limited.perSecond - cost.unlimited.perSecond) * 100) / cost.unlimited.perSecond).toFixed(0)} %. The unlimited rounds run the configuration of the capacity table's`,
    `  plude-webhooks row on a server of their own: the two differ by ${noise.toFixed(0)} %, which is this machine's noise.`,
    '',
  ];
}

/** BENCHMARKS.md: every figure from one run of `npm run bench -- --write`, next to its baselines. */
export function benchmarksMarkdown(r: Results, chartFile: string): string {
  const m = r.machine;
  const capacity = r.plude.capacity.perSecond;
  const split = r.split.capacity.perSecond;
  const p50 = percentile(r.plude.low.received, 50);
  return [
    '# Benchmarks',
    '',
    `Measured by \`${m.command}\` on ${m.date}: ${m.cores} cores (${m.cpu}), Node ${m.node}, Temporal CLI ${m.temporal}`,
    "(dev server with `npm start`'s settings: SQLite file in WAL mode, durable). PostgreSQL keeps `fsync` and",
    '`synchronous_commit` on. The load generator and the HTTPS receiver run in the bench process, on the same machine.',
    'Absolute times move about ±15 % between runs on this machine; compare figures within one run.',
    `The machine is shared: its load average (1 / 5 / 15 min) was ${loadText(m.load.before)} when the run began and ${loadText(m.load.after)} when it ended.`,
    ...(Math.max(m.load.before[0], m.load.after[0]) > m.cores
      ? ['Other work had more runnable tasks than the machine has cores: every figure of this run is lower and noisier than on a quiet machine.']
      : []),
    '',
    'Baselines, each on a fresh dev server: a bare signed-POST loop (the physical limit of delivery without durability),',
    'a bare Temporal workflow whose one regular activity makes the same signed POST, and a bare workflow whose first',
    'attempt is a local activity (the shape plude-webhooks uses). The bare workflows run in their own process, a worker',
    'and a client on one connection, with eager start; the load generator hands them each event over IPC.',
    '',
    '## Targets',
    '',
    ...targets(r),
    '',
    ...standingInTheWay(r),
    ...tables(r),
    ...gateNotes(r),
    '### Latency distribution at half load',
    '',
    `![publish → receive latency at half load](${chartFile})`,
    '',
    '## The peer to beat, and where plude-webhooks stands',
    '',
    'An external reference, **not measured by this bench**: Convoy v26.7.3 (Go, PostgreSQL, Redis), measured on a',
    'machine of this kind with the same kind of local HTTPS receiver: publish → receive p50 about 2,800 ms and p99',
    'about 3,900 ms (its dispatcher works in batches); about 230 events/s end to end and about 470 publishes/s',
    'accepted; 85–90 MB RSS for each of its two processes.',
    '',
    `- **Latency:** plude-webhooks delivers in ${p50.toFixed(0)} ms at p50 here, about ${Math.round(2800 / p50)}× sooner than`,
    "  Convoy's 2.8 s: the first attempt runs inside the workflow task that eager start hands to the worker.",
    `- **Throughput on one box:** ${capacity.toFixed(0)} deliveries/s against Convoy's ~230 events/s. One Temporal`,
    '  workflow per notification costs more CPU per delivery than a queue (see the CPU columns: the Temporal server',
    '  does a durable write per workflow task), so on one 2-core box a batching queue moves more events per second.',
    `- **Past one box:** run the roles apart (\`npm run start:api\`, \`npm run start:worker\`) against a Temporal`,
    `  cluster. Here, on the same 2 cores, one API and ${r.split.workers} workers reached ${split.toFixed(1)} deliveries/s`,
    `  (${((100 * split) / capacity).toFixed(0)} % of the single process): the box, not the roles, is the limit. Workers`,
    '  share nothing but Temporal and PostgreSQL, so N worker machines of this size, with a Temporal cluster and',
    `  PostgreSQL sized for them, give about N × ${capacity.toFixed(0)} deliveries/s; N = ${Math.max(1, Math.ceil(230 / Math.max(capacity, 1)))} matches Convoy's single box.`,
    '',
  ].join('\n');
}
