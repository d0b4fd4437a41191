import { type DataSource, QueryFailedError } from 'typeorm';
import { conflict } from '../../domain/errors';
import { SubscriptionEntity } from '../entities';
import type { SettableSubscriptionStatus, SubscriptionOrdering } from '../../domain/statuses';
import type { SigningKey, SigningKeyRepository } from './signing-key.repository';

export interface SubscriptionWithKey {
  subscription: SubscriptionEntity;
  signingKey: SigningKey;
  created: boolean;
}

export interface NewSubscription {
  id: string;
  environmentId: string;
  url: string;
  /** undefined keeps the current filter of an existing subscription (and means "every type" for a new one). */
  eventTypes?: string[];
  signingKey: { id: string; secret: string };
  /** undefined keeps an existing subscription's value; null: the platform's default. */
  rateLimit?: number | null;
  maxInFlight?: number | null;
  /** undefined keeps an existing subscription's ordering (and means `none` for a new one). */
  ordering?: SubscriptionOrdering;
  /** Live subscriptions the environment may hold: a new URL beyond them is refused (an existing one is not). */
  maxPerEnvironment?: number;
}

export interface SubscriptionChanges {
  url?: string;
  eventTypes?: string[];
  status?: SettableSubscriptionStatus;
  /** undefined: unchanged; null: the platform's default. */
  rateLimit?: number | null;
  maxInFlight?: number | null;
  /** For the notifications created from now on: those created before keep the ordering they were created with. */
  ordering?: SubscriptionOrdering;
}

export interface DeletedSubscription {
  /**
   * How many of its notifications were pending, now cancelled (a count, however many: their IDs, for cancelling
   * their workflows, come a page at a time from NotificationRepository.cancelledByDeletePage).
   */
  cancelled: number;
  /** The latest time an attempt of theirs that is still in flight may end; null if none is. */
  inFlightUntil: Date | null;
}

/** A limit as a statement's two parameters: whether it is given, and its value. */
const given = (value: number | null | undefined): [boolean, number | null] => [value !== undefined, value ?? null];

const isUniqueViolation = (err: unknown) => err instanceof QueryFailedError && (err.driverError as { code?: string }).code === '23505';

export class SubscriptionRepository {
  constructor(
    private readonly db: DataSource,
    private readonly signingKeys: SigningKeyRepository,
  ) {}

  /**
   * Creates the subscription for (environment, url), or returns the live one with its current signing key.
   * Concurrent calls for the same URL serialise on the unique index, so both see one subscription and one key.
   * With `maxPerEnvironment`, a new URL is refused (`limit_reached`) once the environment holds that many live
   * subscriptions: the count is taken under a transaction-scoped advisory lock on the environment, so concurrent
   * subscribes, in any API process, count one after the other. (An advisory lock rather than the environment's row:
   * a lock on the row would also wait on, and hold up, the publishes that reference it.)
   */
  async upsertByUrl(input: NewSubscription): Promise<SubscriptionWithKey | 'limit_reached'> {
    return this.db.transaction(async (tx) => {
      if (input.maxPerEnvironment !== undefined) {
        await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('subscriptions of ' || $1, 0))`, [input.environmentId]);
        const [{ exists, live }] = await tx.query<{ exists: boolean; live: number }[]>(
          `SELECT EXISTS (SELECT 1 FROM subscriptions WHERE environment_id = $1 AND url = $2 AND deleted_at IS NULL) AS exists,
                  (SELECT count(*)::int FROM subscriptions WHERE environment_id = $1 AND deleted_at IS NULL) AS live`,
          [input.environmentId, input.url],
        );
        if (!exists && live >= input.maxPerEnvironment) return 'limit_reached';
      }
      const [row] = await tx.query<{ id: string; created: boolean }[]>(
        `INSERT INTO subscriptions (id, environment_id, url, event_types, rate_limit, max_in_flight, ordering)
         VALUES ($1, $2, $3, COALESCE($4::text[], '{}'), $6::float8, $8::integer, COALESCE($9, 'none'))
         ON CONFLICT (environment_id, url) WHERE deleted_at IS NULL
         DO UPDATE SET event_types = COALESCE($4::text[], subscriptions.event_types),
                       rate_limit = CASE WHEN $5 THEN $6::float8 ELSE subscriptions.rate_limit END,
                       max_in_flight = CASE WHEN $7 THEN $8::integer ELSE subscriptions.max_in_flight END,
                       ordering = COALESCE($9, subscriptions.ordering),
                       updated_at = CASE WHEN ($4::text[] IS NULL OR $4::text[] = subscriptions.event_types)
                                          AND (NOT $5 OR $6::float8 IS NOT DISTINCT FROM subscriptions.rate_limit)
                                          AND (NOT $7 OR $8::integer IS NOT DISTINCT FROM subscriptions.max_in_flight)
                                          AND ($9::text IS NULL OR $9 = subscriptions.ordering)
                                    THEN subscriptions.updated_at ELSE now() END
         RETURNING id, (xmax = 0) AS created`,
        [input.id, input.environmentId, input.url, input.eventTypes ?? null, ...given(input.rateLimit), ...given(input.maxInFlight), input.ordering ?? null],
      );
      if (row.created) await this.signingKeys.insert(tx, { ...input.signingKey, subscriptionId: row.id });
      const subscription = await tx.findOneByOrFail(SubscriptionEntity, { id: row.id });
      const signingKey = await this.signingKeys.newest(tx, row.id);
      return { subscription, signingKey, created: row.created };
    });
  }

  /** Live (not deleted) subscriptions of an environment, newest first, after the cursor (an ID) if given. */
  async listLive(environmentId: string, limit: number, after?: string): Promise<SubscriptionEntity[]> {
    return this.db
      .getRepository(SubscriptionEntity)
      .createQueryBuilder('s')
      .where('s.environmentId = :environmentId AND s.deletedAt IS NULL', { environmentId })
      .andWhere(after === undefined ? 'TRUE' : 's.id < :after', { after })
      .orderBy('s.id', 'DESC')
      .limit(limit)
      .getMany();
  }

  async findLive(environmentId: string, id: string): Promise<SubscriptionEntity | null> {
    return this.db
      .getRepository(SubscriptionEntity)
      .createQueryBuilder('s')
      .where('s.id = :id AND s.environmentId = :environmentId AND s.deletedAt IS NULL', { id, environmentId })
      .getOne();
  }

  /**
   * Applies the changes; returns the subscription before and after, or null when there is no live one. Making it
   * active again clears a disabled one's reason and its failing streak, and paces the release of its held
   * notifications: `releaseRate` a second (src/domain/gate.ts) for as long as they take. A URL another live subscription of the
   * environment has is a conflict.
   */
  async update(
    environmentId: string,
    id: string,
    changes: SubscriptionChanges,
    releaseRate: number,
  ): Promise<{ before: SubscriptionEntity; after: SubscriptionEntity } | null> {
    try {
      return await this.db.transaction(async (tx) => {
        const before = await tx
          .getRepository(SubscriptionEntity)
          .createQueryBuilder('s')
          .setLock('pessimistic_write')
          .where('s.id = :id AND s.environmentId = :environmentId AND s.deletedAt IS NULL', { id, environmentId })
          .getOne();
        if (!before) return null;
        const statusChange = changes.status !== undefined && changes.status !== before.status;
        // A URL that another live subscription has is refused here; the unique index catches a concurrent one.
        const [, updated] = await tx.query<[unknown, number]>(
          `UPDATE subscriptions s
           SET url = COALESCE($2, url), event_types = COALESCE($3::text[], event_types), status = COALESCE($4, status),
               disabled_reason = CASE WHEN $5 THEN NULL ELSE disabled_reason END,
               failing_since = CASE WHEN $5 AND $4 = 'active' THEN NULL ELSE failing_since END,
               rate_limit = CASE WHEN $6 THEN $7::float8 ELSE rate_limit END,
               max_in_flight = CASE WHEN $8 THEN $9::integer ELSE max_in_flight END,
               ordering = COALESCE($11, ordering),
               -- Active again: the held notifications go out at the release pace (or the rate), not all at once.
               release_until = CASE WHEN $5 AND $4 = 'active' THEN clock_timestamp() + make_interval(secs =>
                 (SELECT count(*) FROM notifications n WHERE n.subscription_id = s.id AND n.status = 'pending')::float8 / $10::float8)
                 ELSE release_until END,
               updated_at = now()
           WHERE id = $1 AND NOT EXISTS (
             SELECT 1 FROM subscriptions o
             WHERE o.environment_id = s.environment_id AND o.url = $2 AND o.id <> s.id AND o.deleted_at IS NULL)`,
          [
            id,
            changes.url ?? null,
            changes.eventTypes ?? null,
            changes.status ?? null,
            statusChange,
            ...given(changes.rateLimit),
            ...given(changes.maxInFlight),
            releaseRate,
            changes.ordering ?? null,
          ],
        );
        if (updated === 0) throw conflict('another subscription of this environment already has this URL');
        const after = await tx.findOneByOrFail(SubscriptionEntity, { id });
        return { before, after };
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('another subscription of this environment already has this URL');
      throw err;
    }
  }

  /**
   * Deletes a live subscription, then ends its pending notifications as `cancelled`. Returns how many were cancelled
   * (their workflows are to be cancelled: NotificationRepository.cancelledByDeletePage pages their IDs) and when the last of their attempts still in flight will
   * have ended at the latest (null if none is), or null when there is no live subscription.
   *
   * The delete locks the row FOR UPDATE: that waits for the publishes that have read the subscription FOR KEY SHARE
   * (event.repository.ts) to commit, and a publish that comes later finds it deleted. So once the delete has committed,
   * every notification it will ever have is visible to the cancel that follows. The cancel is a statement of its own:
   * holding the subscription's lock while it waits for a notification's row would deadlock with an attempt's record,
   * which locks the notification and then the subscription (delivery.repository.ts). Should the process die between
   * the two, the delivery step finds the subscription deleted and cancels the notification itself, without a POST.
   * An attempt that started before the cancel (startAttempt there) is returned as in flight; one that would start
   * after it finds its notification cancelled and makes no POST.
   */
  async softDelete(environmentId: string, id: string): Promise<DeletedSubscription | null> {
    const deleted = await this.db.transaction(async (tx) => {
      const locked = await tx.query<{ id: string }[]>(`SELECT id FROM subscriptions WHERE id = $1 AND environment_id = $2 AND deleted_at IS NULL FOR UPDATE`, [
        id,
        environmentId,
      ]);
      if (locked.length === 0) return false;
      await tx.query(`UPDATE subscriptions SET deleted_at = now(), updated_at = now() WHERE id = $1`, [id]);
      return true;
    });
    if (!deleted) return null;
    const [row] = await this.db.query<{ cancelled: number; in_flight_until: Date | null }[]>(
      `WITH cancelled AS (
         UPDATE notifications SET status = 'cancelled', completed_at = now(), next_attempt_at = NULL
         WHERE subscription_id = $1 AND status = 'pending'
         RETURNING CASE WHEN attempt_in_flight_until > now() THEN attempt_in_flight_until END AS in_flight_until)
       SELECT count(*)::int AS cancelled, max(in_flight_until) AS in_flight_until FROM cancelled`,
      [id],
    );
    return { cancelled: row.cancelled, inFlightUntil: row.in_flight_until };
  }
}
