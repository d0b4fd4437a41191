import { type Command, InvalidArgumentError } from 'commander';
import { segment } from '../client';
import { usageError } from '../errors';
import { jsonOption } from '../json-input';
import { fields, table } from '../output';
import { action, type CliContext } from '../action';
import { parseGateDefault, patchOf } from './environments';
import {
  SUBSCRIPTION_ORDERINGS,
  type BreakerState,
  type DisabledReason,
  type SettableSubscriptionStatus,
  type SubscriptionOrdering,
  type SubscriptionStatus,
} from '../../domain/statuses';

export interface SubscriptionView {
  id: string;
  url: string;
  eventTypes: string[];
  status: SubscriptionStatus;
  disabledReason: DisabledReason | null;
  /** Deliveries a second; 0: no limit; null: the platform's default. */
  rateLimit: number | null;
  maxInFlight: number | null;
  breaker: { state: BreakerState; until: string | null; consecutiveFailures: number };
  ordering?: SubscriptionOrdering;
  createdAt: string;
  updatedAt: string;
}

/** GET /webhooks/subscriptions/:id/ordering/:key (issue 22). */
interface OrderingKeyView {
  subscriptionId: string;
  orderingKey: string;
  head: { id: string; status: string; attemptCount: number } | null;
  waiting: number;
}

/** What PUT /webhooks/subscribe answers: the one place besides rotate-key where a signing key is shown. */
export interface SubscribedView {
  id: string;
  url: string;
  signatureKey: string;
  eventTypes: string[];
  ordering?: SubscriptionOrdering;
  createdAt: string;
}

interface SubscriptionPage {
  items: SubscriptionView[];
  nextCursor: string | null;
}

interface SigningKeyView {
  id: string;
  signatureKey: string;
  createdAt: string;
}

/** What POST /webhooks/subscriptions/:id/test answers. */
interface TestEventView {
  eventId: string;
  notificationId: string;
  subscriptionId: string;
  type: string;
}

const path = (id: string) => `/webhooks/subscriptions/${segment(id)}`;

const limitText = (value: number | null | undefined, unit: string, none: string) => {
  if (value === null || value === undefined) return 'the default';
  if (value === 0) return none;
  return unit === 'at most' ? `${unit} ${value}` : `${value} ${unit}`;
};

const breakerText = (breaker: SubscriptionView['breaker'] | undefined) => {
  if (!breaker) return 'closed';
  const failures = breaker.consecutiveFailures > 0 ? ` (${breaker.consecutiveFailures} failures in a row)` : '';
  if (breaker.state === 'open') return `open until ${breaker.until ?? '?'}${failures}`;
  if (breaker.state === 'half-open') return `half-open: one probe out${failures}`;
  return `closed${failures}`;
};

const orderingText = (ordering: SubscriptionOrdering | undefined) => (ordering === 'key' ? 'by ordering key' : 'none');

export function parseOrdering(value: string): SubscriptionOrdering {
  if (!(SUBSCRIPTION_ORDERINGS as readonly string[]).includes(value)) throw new InvalidArgumentError(`one of ${SUBSCRIPTION_ORDERINGS.join(', ')}`);
  return value as SubscriptionOrdering;
}

const describe = (s: SubscriptionView) =>
  fields([
    ['subscription', s.id],
    ['url', s.url],
    ['status', s.disabledReason ? `${s.status} (${s.disabledReason})` : s.status],
    ['event types', s.eventTypes.length === 0 ? 'every type' : s.eventTypes],
    ['rate limit', limitText(s.rateLimit, 'a second', 'no limit')],
    ['in flight', limitText(s.maxInFlight, 'at most', 'no cap')],
    ['breaker', breakerText(s.breaker)],
    ['ordering', orderingText(s.ordering)],
    ['created', s.createdAt],
    ['updated', s.updatedAt],
  ]);

/** What `subscriptions update` may change, as its flags give it. */
interface SubscriptionChanges {
  notificationUrl?: string;
  eventType?: string[];
  everyType?: boolean;
  rateLimit?: number | 'default';
  maxInFlight?: number | 'default';
}

export function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new InvalidArgumentError('an integer from 1 to 100');
  return limit;
}

export function registerSubscriptions(program: Command, context: CliContext): void {
  const subscriptions = program.command('subscriptions').description("the environment's subscriptions (API token)");

  subscriptions
    .command('create <url>')
    .description('subscribe a notification URL, or get the live subscription of that URL (PUT /webhooks/subscribe)')
    .option('--event-type <type...>', 'only these event types (every type by default)')
    .option('--ordering <none|key>', 'key: events with the same ordering key are delivered one after the other', parseOrdering)
    .action(
      action<[string], { eventType?: string[]; ordering?: SubscriptionOrdering }>(context, async ({ client, out, options }, url) => {
        const body = { url, ...(options.eventType ? { eventTypes: options.eventType } : {}), ...(options.ordering ? { ordering: options.ordering } : {}) };
        const subscribed = await client.api<SubscribedView>('PUT', '/webhooks/subscribe', { body });
        out.result(subscribed, () =>
          fields([
            ['subscription', subscribed.id],
            ['url', subscribed.url],
            ['signature key', subscribed.signatureKey],
            ['event types', subscribed.eventTypes.length === 0 ? 'every type' : subscribed.eventTypes],
            ['ordering', orderingText(subscribed.ordering)],
            ['created', subscribed.createdAt],
          ]),
        );
      }),
    );

  subscriptions
    .command('list')
    .description('list subscriptions, newest first (GET /webhooks/subscriptions)')
    .option('--limit <n>', 'at most this many (1-100)', parseLimit, 20)
    .option('--after <cursor>', 'the page after this cursor (printed under a full page)')
    .action(
      action<[], { limit: number; after?: string }>(context, async ({ client, out, options }) => {
        const query = new URLSearchParams({ limit: String(options.limit), ...(options.after ? { after: options.after } : {}) });
        const page = await client.api<SubscriptionPage>('GET', `/webhooks/subscriptions?${query}`);
        out.result(page, () => [
          ...(page.items.length === 0
            ? ['no subscriptions']
            : table(
                ['ID', 'STATUS', 'URL', 'EVENT TYPES', 'CREATED'],
                page.items.map((s) => [s.id, s.status, s.url, s.eventTypes.length === 0 ? '*' : s.eventTypes, s.createdAt]),
              )),
          ...(page.nextCursor ? ['', `more: plude subscriptions list --after ${page.nextCursor}`] : []),
        ]);
      }),
    );

  subscriptions
    .command('get <id>')
    .description('show a subscription (GET /webhooks/subscriptions/:id)')
    .action(
      action<[string]>(context, async ({ client, out }, id) => {
        const subscription = await client.api<SubscriptionView>('GET', path(id));
        out.result(subscription, () => describe(subscription));
      }),
    );

  for (const [name, status, what] of [
    ['pause', 'paused', 'hold its notifications until it is resumed'],
    ['resume', 'active', 'make it active again: held notifications are attempted at once'],
  ] as const satisfies readonly (readonly [string, SettableSubscriptionStatus, string])[]) {
    subscriptions
      .command(`${name} <id>`)
      .description(`${what} (PATCH /webhooks/subscriptions/:id {"status": "${status}"})`)
      .action(
        action<[string]>(context, async ({ client, out }, id) => {
          const subscription = await client.api<SubscriptionView>('PATCH', path(id), { body: { status } });
          out.result(subscription, () => `subscription ${subscription.id} is ${subscription.status}`);
        }),
      );
  }

  subscriptions
    .command('update <id>')
    .description("change a subscription's URL, event types, rate limit or cap in flight (PATCH /webhooks/subscriptions/:id)")
    .option('--notification-url <url>', 'a new URL: the next attempt of every notification goes there, pending ones included')
    .option('--event-type <type...>', 'only these event types from now on')
    .option('--every-type', 'every event type from now on')
    .option('--rate-limit <perSecond>', "deliveries a second, across all workers (0: no limit; default: the environment's)", parseGateDefault)
    .option('--max-in-flight <n>', "attempts in flight at once, across all workers (0: no cap; default: the environment's)", parseGateDefault)
    .action(
      action<[string], SubscriptionChanges>(context, async ({ client, out, options }, id) => {
        // Not --url: that is every command's API base URL.
        const { notificationUrl: url, eventType, everyType } = options;
        if (eventType && everyType) throw usageError('give --event-type or --every-type, not both');
        const body = {
          ...(url === undefined ? {} : { url }),
          ...(everyType ? { eventTypes: [] } : eventType ? { eventTypes: eventType } : {}),
          ...patchOf(options, ['rateLimit', 'maxInFlight']),
        };
        if (Object.keys(body).length === 0)
          throw usageError('nothing to change: give --notification-url, --event-type, --every-type, --rate-limit or --max-in-flight');
        const subscription = await client.api<SubscriptionView>('PATCH', path(id), { body });
        out.result(subscription, () => describe(subscription));
      }),
    );

  subscriptions
    .command('set-ordering <id> <ordering>')
    .description('none, or key: order the notifications created from now on by their ordering key (PATCH /webhooks/subscriptions/:id)')
    .action(
      action<[string, string]>(context, async ({ client, out }, id, ordering) => {
        const subscription = await client.api<SubscriptionView>('PATCH', path(id), { body: { ordering: parseOrdering(ordering) } });
        out.result(subscription, () => `subscription ${subscription.id} orders ${orderingText(subscription.ordering)}`);
      }),
    );

  subscriptions
    .command('ordering <id> <key>')
    .description("an ordering key's head (the notification being delivered) and how many wait behind it (GET /webhooks/subscriptions/:id/ordering/:key)")
    .action(
      action<[string, string]>(context, async ({ client, out }, id, key) => {
        const view = await client.api<OrderingKeyView>('GET', `${path(id)}/ordering/${segment(key)}`);
        out.result(view, () =>
          fields([
            ['subscription', view.subscriptionId],
            ['ordering key', view.orderingKey],
            ['head', view.head ? `${view.head.id} (${view.head.status}, ${view.head.attemptCount} attempts)` : 'none: nothing pending'],
            ['waiting', view.waiting],
            ...(view.head ? ([['unblock', `plude notifications skip ${view.head.id}`]] as [string, unknown][]) : []),
          ]),
        );
      }),
    );

  subscriptions
    .command('delete <id>')
    .description('delete a subscription; its pending notifications end as cancelled (DELETE /webhooks/subscriptions/:id)')
    .action(
      action<[string]>(context, async ({ client, out }, id) => {
        await client.api('DELETE', path(id));
        out.result({ id, deleted: true }, () => `subscription ${id} deleted`);
      }),
    );

  subscriptions
    .command('test <id> <type>')
    .description('send a test event of a type to this subscription alone, its POST marked webhook-test: true (POST /webhooks/subscriptions/:id/test)')
    .option('--data <json>', "the event's data: a JSON object, or @file.json (the type's example in the catalog by default)")
    .action(
      action<[string, string], { data?: string }>(context, async ({ client, out, options }, id, type) => {
        const data = options.data === undefined ? '' : `,"data":${jsonOption('--data', options.data)}`;
        const sent = await client.api<TestEventView>('POST', `${path(id)}/test`, { jsonText: `{"type":${JSON.stringify(type)}${data}}` });
        out.result(sent, () => [
          `test event ${sent.eventId} (${sent.type}) sent to ${sent.subscriptionId}`,
          `follow it: plude notifications get ${sent.notificationId}`,
        ]);
      }),
    );

  subscriptions
    .command('rotate-key <id>')
    .description('a new signing key; the older ones keep signing for the overlap (POST /webhooks/subscriptions/:id/rotate-key)')
    .option('--overlap <duration>', 'how long the older keys keep signing: 0s to 7d (24h by default)')
    .action(
      action<[string], { overlap?: string }>(context, async ({ client, out, options }, id) => {
        const body = options.overlap === undefined ? undefined : { overlap: options.overlap };
        const key = await client.api<SigningKeyView>('POST', `${path(id)}/rotate-key`, { body });
        out.result(key, () =>
          fields([
            ['key', key.id],
            ['signature key', key.signatureKey],
            ['created', key.createdAt],
          ]),
        );
      }),
    );
}
