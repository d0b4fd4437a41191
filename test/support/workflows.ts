import { type Client, type WorkflowHandle, WorkflowNotFoundError } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { notificationStateQuery, type NotificationWorkflowState } from '../../workflows';
import { waitFor, type WaitOptions } from './wait';

/**
 * Whether a notification's workflow exists yet. A publish (or a redelivery) is answered once it is stored, and its
 * workflow's start goes on in the background: right after the 202 the workflow may not exist yet.
 */
export function workflowExists(client: Client, id: string): Promise<boolean> {
  return client.workflow
    .getHandle(id)
    .describe()
    .then(
      () => true,
      (err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return false;
        throw err;
      },
    );
}

/** The handle of a notification's workflow, once it exists. */
export async function startedWorkflow(client: Client, id: string, options: WaitOptions = {}): Promise<WorkflowHandle> {
  await waitFor(() => workflowExists(client, id), Boolean, { what: `the workflow of ${id} started`, ...options });
  return client.workflow.getHandle(id);
}

/** A notification's workflow state (notificationStateQuery), or null while its workflow does not exist yet. */
export async function workflowStateOf(client: Client, id: string): Promise<NotificationWorkflowState | null> {
  try {
    return await client.workflow.getHandle(id).query(notificationStateQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

/** What the Web UI shows of a history event: its summary (user metadata), if it has one. */
export function summaryOf(event: temporal.api.history.v1.IHistoryEvent): string | undefined {
  const data = event.userMetadata?.summary?.data;
  return data ? (JSON.parse(Buffer.from(data).toString('utf8')) as string) : undefined;
}
