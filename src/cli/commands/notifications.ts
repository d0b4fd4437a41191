import { type Command, InvalidArgumentError } from 'commander';
import { segment } from '../client';
import { fields, table } from '../output';
import { action, type CliContext } from '../action';
import { type HoldingSubscriptionStatus, NOTIFICATION_STATUSES, type NotificationStatus } from '../../domain/statuses';
import { inReadingOrder } from '../../domain/signature';
import { parseLimit } from './subscriptions';

interface AttemptView {
  number: number;
  url: string;
  startedAt: string;
  durationMs: number;
  succeeded: boolean;
  statusCode: number | null;
  error: string | null;
  nextAttemptAt: string | null;
  /** The headers the POST carried; null for an attempt recorded before they were (absent from an older API). */
  requestHeaders?: Record<string, string> | null;
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
  /** Its event was a test sent to one subscription. */
  test?: boolean;
}

/** An item of GET /notifications. */
export interface NotificationListItemView {
  id: string;
  eventId: string;
  eventType: string;
  subscriptionId: string;
  status: NotificationStatus;
  attemptCount: number;
  createdAt: string;
  test: boolean;
}

interface NotificationListPageView {
  items: NotificationListItemView[];
  nextCursor: string | null;
}

interface ListOptions {
  status?: NotificationStatus;
  eventType?: string;
  subscription?: string;
  limit: number;
  after?: string;
}

function parseStatus(value: string): NotificationStatus {
  if (!(NOTIFICATION_STATUSES as readonly string[]).includes(value)) throw new InvalidArgumentError(`one of ${NOTIFICATION_STATUSES.join(', ')}`);
  return value as NotificationStatus;
}

/** The same filters again, for the command that prints the next page. */
const filterFlags = (o: ListOptions) =>
  [o.status && `--status ${o.status}`, o.eventType && `--event-type ${o.eventType}`, o.subscription && `--subscription ${o.subscription}`]
    .filter(Boolean)
    .join(' ');

const outcome = (a: AttemptView) => (a.statusCode !== null ? `HTTP ${a.statusCode}` : (a.error ?? '-'));

/** Each attempt's request headers (`--headers`), the signature included, in reading order. */
const headerLines = (attempts: AttemptView[]): string[] =>
  attempts.flatMap((a) => [
    '',
    a.requestHeaders ? `attempt ${a.number} request headers:` : `attempt ${a.number} request headers: not recorded`,
    ...inReadingOrder(a.requestHeaders ?? {}).map(([name, value]) => `  ${name}: ${value}`),
  ]);

function describe(n: NotificationView, withHeaders = false): string[] {
  return [
    ...fields([
      ['notification', n.id],
      ['event', n.test ? `${n.eventId} (a test)` : n.eventId],
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
          ...(withHeaders ? headerLines(n.attempts) : []),
        ]),
  ];
}

export function registerNotifications(program: Command, context: CliContext): void {
  const notifications = program.command('notifications').description('one event for one subscription, and its attempts (API token)');

  notifications
    .command('list')
    .description("the environment's notifications, newest first, filtered (GET /notifications)")
    .option('--status <status>', `only this status: ${NOTIFICATION_STATUSES.join(', ')}`, parseStatus)
    .option('--event-type <type>', 'only notifications of events of this type')
    .option('--subscription <id>', 'only notifications to this subscription')
    .option('--limit <n>', 'at most this many (1-100)', parseLimit, 50)
    .option('--after <cursor>', 'the page after this cursor (printed under a full page)')
    .action(
      action<[], ListOptions>(context, async ({ client, out, options }) => {
        const query = new URLSearchParams({ limit: String(options.limit) });
        if (options.status) query.set('status', options.status);
        if (options.eventType) query.set('eventType', options.eventType);
        if (options.subscription) query.set('subscriptionId', options.subscription);
        if (options.after) query.set('after', options.after);
        const page = await client.api<NotificationListPageView>('GET', `/notifications?${query}`);
        out.result(page, () => [
          ...(page.items.length === 0
            ? ['no notifications']
            : table(
                ['ID', 'STATUS', 'ATTEMPTS', 'EVENT TYPE', 'SUBSCRIPTION', 'CREATED'],
                page.items.map((n) => [n.id, n.test ? `${n.status} (test)` : n.status, n.attemptCount, n.eventType, n.subscriptionId, n.createdAt]),
              )),
          ...(page.nextCursor ? ['', `more: plude notifications list ${filterFlags(options)} --after ${page.nextCursor}`.replace(/ {2,}/g, ' ')] : []),
        ]);
      }),
    );

  notifications
    .command('get <id>')
    .description('show a notification and its attempts (GET /notifications/:id)')
    .option('--headers', "also print each attempt's request headers, the signature included")
    .action(
      action<[string], { headers?: boolean }>(context, async ({ client, out, options }, id) => {
        const notification = await client.api<NotificationView>('GET', `/notifications/${segment(id)}`);
        out.result(notification, () => describe(notification, options.headers === true));
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
