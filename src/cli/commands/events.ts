import type { Command } from 'commander';
import { segment } from '../client';
import { jsonOption } from '../json-input';
import { fields, table } from '../output';
import { action, type CliContext } from '../action';
import type { NotificationStatus } from '../../domain/statuses';

interface PublishedEvent {
  id: string;
  type: string;
  createdAt: string;
  notifications: number;
}

interface EventView {
  id: string;
  type: string;
  createdAt: string;
  data: unknown;
  orderingKey?: string | null;
  /** The publish's trace (README: Tracing), and its link with TRACE_URL_TEMPLATE; null when untraced. */
  traceId?: string | null;
  traceUrl?: string | null;
  notifications: { id: string; subscriptionId: string; status: NotificationStatus; attemptCount: number }[];
  /** Not null when the event has more notifications than the answer lists (GET /events/:id/notifications pages them). */
  notificationsNextCursor?: string | null;
}

interface ErasedEvent {
  id: string;
  erasedAt: string;
  cancelledNotifications: number;
  clearedResponseBodies: number;
}

export function registerEvents(program: Command, context: CliContext): void {
  const events = program.command('events').description('publish events (service token) and follow them (integrator token)');

  events
    .command('publish <type>')
    .description('publish an event to every subscription of the environment that takes its type (POST /events)')
    .option('--data <json>', "the event's data: a JSON object, or @file.json", '{}')
    .option('--idempotency-key <key>', 'the same key again returns the original event and starts nothing')
    .option('--ordering-key <key>', 'subscriptions that order by key get this event after every earlier one of the key has ended')
    .action(
      action<[string], { data: string; idempotencyKey?: string; orderingKey?: string }>(context, async ({ client, out, options }, type) => {
        const data = jsonOption('--data', options.data);
        const headers: Record<string, string> = options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {};
        const orderingKey = options.orderingKey === undefined ? '' : `,"orderingKey":${JSON.stringify(options.orderingKey)}`;
        const jsonText = `{"type":${JSON.stringify(type)},"data":${data}${orderingKey}}`;
        const event = await client.service<PublishedEvent>('POST', '/events', { jsonText, headers });
        const plural = event.notifications === 1 ? 'notification' : 'notifications';
        out.result(event, () => `event ${event.id} (${event.type}) published: ${event.notifications} ${plural}`);
      }),
    );

  events
    .command('get <id>')
    .description('show an event, its data and its notifications (GET /events/:id)')
    .action(
      action<[string]>(context, async ({ client, out }, id) => {
        const { value: event, text } = await client.apiText<EventView>('GET', `/events/${segment(id)}`);
        out.resultText(text, () => [
          ...fields([
            ['event', event.id],
            ['type', event.type],
            ['created', event.createdAt],
            ...(event.orderingKey ? ([['ordering key', event.orderingKey]] as [string, unknown][]) : []),
            ...(event.traceId ? ([['trace', event.traceUrl ? `${event.traceId} ${event.traceUrl}` : event.traceId]] as [string, unknown][]) : []),
            ['data', event.data],
          ]),
          '',
          ...(event.notifications.length === 0
            ? ['no notifications (no subscription took this type)']
            : table(
                ['NOTIFICATION', 'SUBSCRIPTION', 'STATUS', 'ATTEMPTS'],
                event.notifications.map((n) => [n.id, n.subscriptionId, n.status, n.attemptCount]),
              )),
          ...(event.notificationsNextCursor ? [`… more notifications: GET /events/${event.id}/notifications?after=${event.notificationsNextCursor}`] : []),
        ]);
      }),
    );

  events
    .command('erase <id>')
    .description(
      "erase an event's data on request: its pending notifications are cancelled, its data replaced by a tombstone, its attempts' response bodies cleared (DELETE /events/:id/data, service token)",
    )
    .action(
      action<[string]>(context, async ({ client, out }, id) => {
        const erased = await client.service<ErasedEvent>('DELETE', `/events/${segment(id)}/data`);
        out.result(erased, () => [
          `event ${erased.id} erased at ${erased.erasedAt}: ${erased.cancelledNotifications} pending notifications cancelled, ${erased.clearedResponseBodies} response bodies cleared`,
        ]);
      }),
    );
}
