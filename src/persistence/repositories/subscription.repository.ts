import type { DataSource } from 'typeorm';
import { SubscriptionEntity } from '../entities';
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
}

export class SubscriptionRepository {
  constructor(
    private readonly db: DataSource,
    private readonly signingKeys: SigningKeyRepository,
  ) {}

  /**
   * Creates the subscription for (environment, url), or returns the live one with its current signing key.
   * Concurrent calls for the same URL serialise on the unique index, so both see one subscription and one key.
   */
  async upsertByUrl(input: NewSubscription): Promise<SubscriptionWithKey> {
    return this.db.transaction(async (tx) => {
      const [row] = (await tx.query(
        `INSERT INTO subscriptions (id, environment_id, url, event_types)
         VALUES ($1, $2, $3, COALESCE($4::text[], '{}'))
         ON CONFLICT (environment_id, url) WHERE deleted_at IS NULL
         DO UPDATE SET event_types = COALESCE($4::text[], subscriptions.event_types),
                       updated_at = CASE WHEN $4::text[] IS NULL OR $4::text[] = subscriptions.event_types
                                    THEN subscriptions.updated_at ELSE now() END
         RETURNING id, (xmax = 0) AS created`,
        [input.id, input.environmentId, input.url, input.eventTypes ?? null],
      )) as { id: string; created: boolean }[];
      if (row.created) await this.signingKeys.insert(tx, { ...input.signingKey, subscriptionId: row.id });
      const subscription = await tx.findOneByOrFail(SubscriptionEntity, { id: row.id });
      const signingKey = await this.signingKeys.newest(tx, row.id);
      return { subscription, signingKey, created: row.created };
    });
  }
}
