import { ApplicationFailure, Context } from '@temporalio/activity';
import type { DeliverySender } from '../../activities/ports';
import { webhookHeaders } from '../../src/domain/signature';

export function createBareActivities(sender: DeliverySender, secret: string) {
  return {
    async post(url: string, body: string): Promise<void> {
      const msgId = Context.current().info.workflowExecution?.workflowId ?? 'bare';
      const headers = webhookHeaders({ msgId, timestampSeconds: Math.floor(Date.now() / 1000), body, secrets: [secret] });
      const response = await sender.send({ url, headers, body, timeoutMs: 10_000 });
      if (response.statusCode < 200 || response.statusCode >= 300) throw ApplicationFailure.retryable(`HTTP ${response.statusCode}`);
    },
  };
}

export type BareActivities = ReturnType<typeof createBareActivities>;
