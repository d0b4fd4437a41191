import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { turnSignal } from '../../workflows/definitions';

const CALL_TIMEOUT_MS = 10_000;

/**
 * Sends the `turn` signal (issue 22) to a notification's workflow. One that is not running (not started yet: its first
 * attempt looks at its turn; or closed) needs nothing. Any other failure is thrown, so the calling activity retries.
 */
export function turnSignals(client: Client): { signalTurn(notificationId: string): Promise<void> } {
  return {
    async signalTurn(notificationId: string): Promise<void> {
      try {
        await client.withDeadline(Date.now() + CALL_TIMEOUT_MS, () => client.workflow.getHandle(notificationId).signal(turnSignal));
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    },
  };
}
