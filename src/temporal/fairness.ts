import type { Priority } from '@temporalio/common';

/**
 * Every workflow of an environment carries the environment as its fairness key, and its activities inherit it. A
 * Temporal server with `matching.enableFairness` then dispatches the shared task queue's tasks round-robin between
 * environments, so one environment's backlog (a tarpit's gated retries, a fan-out of thousands) does not queue the
 * others' tasks behind it. A server without it ignores the key. Environment IDs are at most 63 bytes; keys may be 64.
 */
export const fairnessOf = (environmentId: string): Priority => ({ fairnessKey: environmentId });
