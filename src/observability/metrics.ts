import { PURGED_KINDS, type PurgeCounts, type PurgeMetrics } from '../domain/purge';
import { BREAKER_STATES, GATE_REASONS } from '../domain/statuses';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AttemptOutcome, BreakerState, DeliveryMetrics, GateReason } from '../domain/delivery';
import { cachedFor } from '../lib/cached-for';

/** Seconds from an event's creation to the 2xx: a first attempt at once, up to retries days later. */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600, 72 * 3600];

/** The pending notifications are counted at most this often, however often /metrics is scraped (it needs no token). */
export const PENDING_COUNT_MAX_AGE_MS = 5_000;

export interface MetricsOptions {
  /** The number of pending notifications (the API role, which has the database): run at most every PENDING_COUNT_MAX_AGE_MS. */
  pendingNotifications?: () => Promise<number>;
  /** The clock of that cache, in milliseconds (tests). */
  now?: () => number;
  /** The Temporal SDK's Prometheus endpoint (src/runtime/temporal-runtime.ts), appended to every scrape. */
  temporalSdkUrl?: string;
}

/**
 * A process's metrics, in Prometheus text through prom-client, all named `plude_*`. One per process, shared by the
 * roles it runs. No label carries a URL, a path or a payload: only the outcome class of an attempt.
 */
export class Metrics implements DeliveryMetrics, PurgeMetrics {
  readonly registry = new Registry();
  private readonly eventsPublished = new Counter({
    name: 'plude_events_published_total',
    help: 'Events accepted (not counting idempotent repeats)',
    registers: [this.registry],
  });
  private readonly notificationsCreated = new Counter({
    name: 'plude_notifications_created_total',
    help: 'Notifications created: one per event and matching subscription',
    registers: [this.registry],
  });
  private readonly attempts = new Counter({
    name: 'plude_delivery_attempts_total',
    help: 'Delivery attempts by outcome: the class of the receiver’s status, a timeout, or a network error',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'plude_delivery_latency_seconds',
    help: 'From the event’s creation to the 2xx that delivered the notification',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly gatedWaits = new Counter({
    name: 'plude_notifications_gated_total',
    help: 'Times a notification waited at its subscription’s gate instead of being attempted: its rate, its cap in flight, or an open breaker',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  private readonly breakerChanges = new Counter({
    name: 'plude_breaker_changes_total',
    help: 'Subscriptions’ circuit breakers changing state, by the state entered',
    labelNames: ['to'],
    registers: [this.registry],
  });
  private readonly skips = new Counter({
    name: 'plude_notifications_skipped_total',
    help: 'Pending notifications an operator ended as skipped (POST /notifications/:id/skip)',
    registers: [this.registry],
  });
  private readonly turnWaits = new Counter({
    name: 'plude_notifications_waited_for_turn_total',
    help: 'Times an ordered notification was not attempted because an earlier notification of its ordering key had not ended',
    registers: [this.registry],
  });
  private readonly relayStarts = new Counter({
    name: 'plude_outbox_relay_starts_total',
    help: 'Workflows started by the outbox relay (their first start was not confirmed)',
    registers: [this.registry],
  });
  private readonly leftToRelayCount = new Counter({
    name: 'plude_outbox_left_to_relay_total',
    help: 'Notifications whose workflow start this process left in the outbox for the relay: its start queue was full, or it was shutting down',
    registers: [this.registry],
  });
  /** What each dispatcher of this process has waiting for a start slot (the API's, the worker's). */
  private readonly startQueues: (() => number)[] = [];

  private readonly purgedRows = new Counter({
    name: 'plude_purged_total',
    help: 'Rows the purge deleted past RETENTION, by kind (events, notifications, attempts), and response bodies it cleared (responseBodies)',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  private readonly eventsErased = new Counter({
    name: 'plude_events_erased_total',
    help: 'Events whose data was erased on request (DELETE /events/:id/data)',
    registers: [this.registry],
  });

  constructor(private readonly options: MetricsOptions = {}) {
    collectDefaultMetrics({ register: this.registry, prefix: 'plude_' });
    for (const outcome of ['2xx', '3xx', '4xx', '5xx', 'timeout', 'network_error'] satisfies AttemptOutcome[]) this.attempts.inc({ outcome }, 0);
    for (const reason of GATE_REASONS) this.gatedWaits.inc({ reason }, 0);
    for (const to of BREAKER_STATES) this.breakerChanges.inc({ to }, 0);
    for (const kind of PURGED_KINDS) this.purgedRows.inc({ kind }, 0);
    const startQueues = this.startQueues;
    new Gauge({
      name: 'plude_outbox_starts_queued',
      help: 'Workflow starts waiting in this process for one of its start slots (a publish is answered before its starts)',
      registers: [this.registry],
      collect() {
        this.set(startQueues.reduce((sum, queued) => sum + queued(), 0));
      },
    });
    if (options.pendingNotifications) {
      const pending = cachedFor(PENDING_COUNT_MAX_AGE_MS, options.pendingNotifications, options.now);
      new Gauge({
        name: 'plude_notifications_pending',
        help: 'Notifications still being delivered (pending), counted in the database at most every 5 s',
        registers: [this.registry],
        async collect() {
          this.set(await pending());
        },
      });
    }
  }

  published(notifications: number): void {
    this.eventsPublished.inc();
    this.notificationsCreated.inc(notifications);
  }

  attempt(outcome: AttemptOutcome): void {
    this.attempts.inc({ outcome });
  }

  delivered(latencyMs: number): void {
    this.latency.observe(latencyMs / 1000);
  }

  gated(reason: GateReason): void {
    this.gatedWaits.inc({ reason });
  }

  breakerChanged(to: BreakerState): void {
    this.breakerChanges.inc({ to });
  }

  waitedForTurn(): void {
    this.turnWaits.inc();
  }

  /** A notification skipped by an operator. */
  skipped(): void {
    this.skips.inc();
  }

  /** Rows a purge batch deleted (or bodies it cleared), as it commits. */
  purged(counts: Partial<PurgeCounts>): void {
    for (const kind of PURGED_KINDS) if (counts[kind]) this.purgedRows.inc({ kind }, counts[kind]);
  }

  /** An event's data erased. */
  erased(): void {
    this.eventsErased.inc();
  }

  /** Counts, in plude_outbox_starts_queued, the starts `queued()` says are waiting (a dispatcher's). */
  watchStartQueue(queued: () => number): void {
    this.startQueues.push(queued);
  }

  /** Notifications a dispatcher left in the outbox for the relay. */
  leftToRelay(count: number): void {
    this.leftToRelayCount.inc(count);
  }

  /** Workflows the outbox relay started. */
  relayed(started: number): void {
    this.relayStarts.inc(started);
  }

  /** The scrape: this registry, then the Temporal SDK's metrics (worker task slots, polls, latencies). */
  async text(): Promise<string> {
    const own = await this.registry.metrics();
    if (!this.options.temporalSdkUrl) return own;
    try {
      const response = await fetch(this.options.temporalSdkUrl, { signal: AbortSignal.timeout(2000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return `${own}\n${await response.text()}`;
    } catch (err) {
      return `${own}\n# Temporal SDK metrics unavailable: ${(err as Error).message}\n`;
    }
  }
}
