import type { Command } from 'commander';
import { segment } from '../client';
import { fields, table } from '../output';
import { action, type CliContext } from '../action';
import type { HoldingSubscriptionStatus, NotificationStatus } from '../../domain/statuses';

interface AttemptView {
  number: number;
  url: string;
  startedAt: string;
  durationMs: number;
  succeeded: boolean;
  statusCode: number | null;
  error: string | null;
  nextAttemptAt: string | null;
}

interface NotificationView {
  id: string;
  eventId: string;
  subscriptionId: string;
  status: NotificationStatus;
  held: HoldingSubscriptionStatus | null;
  attemptCount: number;
  createdAt: string;
  nextAttemptAt: string | null;
  completedAt: string | null;
  expiresAt: string;
  attempts: AttemptView[];
  orderingKey?: string | null;
  waitsFor?: string | null;
  /** Its event's trace (README: Tracing), and its link with TRACE_URL_TEMPLATE; null when untraced. */
  traceId?: string | null;
  traceUrl?: string | null;
}

const outcome = (a: AttemptView) => (a.statusCode !== null ? `HTTP ${a.statusCode}` : (a.error ?? '-'));

function describe(n: NotificationView): string[] {
  return [
    ...fields([
      ['notification', n.id],
      ['event', n.eventId],
      ['subscription', n.subscriptionId],
      ['status', n.held ? `${n.status}, held (${n.held})` : n.status],
      ['attempts', n.attemptCount],
      ['next attempt', n.nextAttemptAt],
      ['completed', n.completedAt],
      ['expires', n.expiresAt],
      ...(n.orderingKey ? ([['ordering key', n.orderingKey]] as [string, unknown][]) : []),
      ...(n.traceId ? ([['trace', n.traceUrl ? `${n.traceId} ${n.traceUrl}` : n.traceId]] as [string, unknown][]) : []),
      ...(n.waitsFor ? ([['waits for', `${n.waitsFor}, the first pending notification of its key`]] as [string, unknown][]) : []),
    ]),
    ...(n.attempts.length === 0
      ? []
      : [
          '',
          ...table(
            ['#', 'STARTED', 'TOOK', 'OUTCOME', 'NEXT ATTEMPT', 'URL'],
            n.attempts.map((a) => [a.number, a.startedAt, `${a.durationMs}ms`, outcome(a), a.nextAttemptAt, a.url]),
          ),
        ]),
  ];
}

export function registerNotifications(program: Command, context: CliContext): void {
  const notifications = program.command('notifications').description('one event for one subscription, and its attempts (API token)');

  notifications
    .command('get <id>')
    .description('show a notification and its attempts (GET /notifications/:id)')
    .action(
      action<[string]>(context, async ({ client, out }, id) => {
        const notification = await client.api<NotificationView>('GET', `/notifications/${segment(id)}`);
        out.result(notification, () => describe(notification));
      }),
    );

  notifications
    .command('skip <id>')
    .description('end a pending notification as skipped: the next one of its ordering key goes on (POST /notifications/:id/skip)')
    .action(
      action<[string]>(context, async ({ client, out }, id) => {
        const notification = await client.api<NotificationView>('POST', `/notifications/${segment(id)}/skip`);
        out.result(notification, () => `notification ${notification.id} skipped`);
      }),
    );

  notifications
    .command('redeliver <id>')
    .description('deliver a notification again (POST /notifications/:id/redeliver)')
    .action(
      action<[string]>(context, async ({ client, out }, id) => {
        const answer = await client.api('POST', `/notifications/${segment(id)}/redeliver`);
        out.result(answer ?? { id, redelivery: 'accepted' }, () => [`redelivery of ${id} accepted`, `follow it: plude notifications get ${id}`]);
      }),
    );
}
