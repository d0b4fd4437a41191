/** Runs `work` and says `<label> in <seconds>s` when it is done: the setups' progress lines. */
export async function timed<T>(label: string, work: () => Promise<T>, say: (line: string) => void): Promise<T> {
  const started = Date.now();
  const result = await work();
  say(`${label} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return result;
}
