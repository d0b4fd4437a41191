import vm from 'node:vm';

/**
 * An experiment, never the product: preloaded into a process under test (`BENCH_APP_NODE_ARGS="--require
 * <dist-bench>/bench/no-vm-watchdog.js"`, and `node --require … dist-bench/bench/run.js` for the bare workflows, which
 * the bench forks with its own node options), it runs the Temporal SDK's workflow code without the `timeout` the SDK
 * passes to every `vm` call. That timeout is the SDK's deadlock detector (a workflow task stuck for 5 s fails), and
 * Node enforces it by creating and joining a thread of its own for each call (nodejs/node#47739): 9 calls per
 * first-try delivery. Measuring without it tells what that costs, and so what a cheaper detector would give back; the
 * detector is the SDK's and stays on in every shipped configuration.
 */
const { prototype } = vm.Script;
const runInContext = Reflect.get(prototype, 'runInContext') as (this: vm.Script, context: vm.Context, options?: vm.RunningScriptOptions) => unknown;
prototype.runInContext = function (this: vm.Script, context: vm.Context, options?: vm.RunningScriptOptions) {
  if (options?.timeout === undefined) return runInContext.call(this, context, options);
  const { timeout: _dropped, ...rest } = options;
  return runInContext.call(this, context, rest);
};
