import type { Connection } from '@temporalio/client';
import { msNumberToTs, tsToMs } from '@temporalio/common';

/** The shortest workflow-execution retention a Temporal server takes (1.29: one day). */
export const MIN_NAMESPACE_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * Sets the namespace's retention of closed workflows to RETENTION (at least Temporal's minimum, a day), so that a
 * notification's workflow history goes about when its rows do: what `npm start` does to its dev server's namespace
 * (the compose file's namespace job does the same with TEMPORAL_NAMESPACE_RETENTION). Returns the retention now set.
 */
export async function setNamespaceRetention(connection: Connection, namespace: string, retentionMs: number): Promise<number> {
  const wanted = Math.max(retentionMs, MIN_NAMESPACE_RETENTION_MS);
  const { config } = await connection.workflowService.describeNamespace({ namespace });
  if (tsToMs(config?.workflowExecutionRetentionTtl) === wanted) return wanted;
  await connection.workflowService.updateNamespace({ namespace, config: { workflowExecutionRetentionTtl: msNumberToTs(wanted) } });
  return wanted;
}
