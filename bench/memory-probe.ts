import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import v8 from 'node:v8';
import { isMainThread, threadId } from 'node:worker_threads';

/**
 * Preloaded into a process under test (`BENCH_APP_NODE_ARGS="--require <dist-bench>/bench/memory-probe.js"`, with
 * MEMORY_PROBE=<path prefix>): in every thread of it — the main thread and each worker thread, such as the Temporal
 * SDK's workflow thread, which inherits `--require` — it samples its V8 heap every 200 ms and writes its peaks to
 * `<prefix>-<pid>-<threadId>.json`; the main thread adds process.memoryUsage() and the kernel's RSS split (anonymous,
 * file-backed) at the moment of its peak RSS. Once `<prefix>.snapshot` exists, each thread writes one heap snapshot
 * of its own isolate next to it. What the memory bullet of BENCHMARKS.md says comes from these files.
 */
const prefix = process.env.MEMORY_PROBE;
const MB = 1024 * 1024;

interface Peaks {
  [field: string]: number;
}

/** VmRSS, RssAnon, RssFile and Threads of this process, from /proc/self/status (MB; threads counted). */
function kernelView(): Peaks {
  const status = readFileSync('/proc/self/status', 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: field('VmRSS') / 1024, rssAnon: field('RssAnon') / 1024, rssFile: field('RssFile') / 1024, threads: field('Threads') };
}

function heapView(): Peaks {
  const heap = v8.getHeapStatistics();
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [`${s.space_name}Physical`, s.physical_space_size / MB]));
  return {
    heapTotal: heap.total_heap_size / MB,
    heapPhysical: heap.total_physical_size / MB,
    heapUsed: heap.used_heap_size / MB,
    malloced: heap.malloced_memory / MB,
    external: heap.external_memory / MB,
    contexts: heap.number_of_native_contexts,
    ...spaces,
  };
}

if (prefix) {
  const file = `${prefix}-${process.pid}-${threadId}.json`;
  const peaks: Peaks = {};
  let atPeakRss: Peaks = {};
  let snapshot: string | undefined;
  let ticks = 0;
  const sample = () => {
    const now: Peaks = { ...heapView() };
    if (isMainThread) {
      const usage = process.memoryUsage();
      Object.assign(now, kernelView(), {
        processHeapTotal: usage.heapTotal / MB,
        processHeapUsed: usage.heapUsed / MB,
        processExternal: usage.external / MB,
        arrayBuffers: usage.arrayBuffers / MB,
      });
      if (now.rss >= (atPeakRss.rss ?? 0)) atPeakRss = now;
    }
    for (const [key, value] of Object.entries(now)) peaks[key] = Math.max(peaks[key] ?? 0, value);
    if (++ticks % 5 === 0) {
      writeFileSync(file, JSON.stringify({ main: isMainThread, threadId, peaks, atPeakRss, last: now, snapshot }, null, 1));
      if (snapshot === undefined && existsSync(`${prefix}.snapshot`)) snapshot = v8.writeHeapSnapshot(`${prefix}-${process.pid}-${threadId}.heapsnapshot`);
    }
  };
  setInterval(sample, 200).unref();
}
