/**
 * `compute`, run at most once every `maxAgeMs`: a call within that time of a run's start gets that run's answer
 * (calls made while it runs share it, as they share its wait), and the first call after it starts a new run. A run
 * that fails is not kept: the next call runs again.
 */
export function cachedFor<T>(maxAgeMs: number, compute: () => Promise<T>, now: () => number = () => performance.now()): () => Promise<T> {
  let last: { at: number; answer: Promise<T> } | undefined;
  return () => {
    const at = now();
    if (last && at - last.at < maxAgeMs) return last.answer;
    const run = { at, answer: compute() };
    last = run;
    run.answer.catch(() => {
      if (last === run) last = undefined;
    });
    return run.answer;
  };
}
