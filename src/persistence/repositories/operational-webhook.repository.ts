import type { DataSource, EntityManager } from 'typeorm';
import { OPERATIONS_ENVIRONMENT_ID } from '../../domain/operational-events';
import { SubscriptionEntity } from '../entities';
import type { SigningKey, SigningKeyRepository } from './signing-key.repository';

/** The operational webhook: the one live subscription of the hidden environment, with its newest signing key. */
export interface OperationalWebhook {
  subscription: SubscriptionEntity;
  signingKey: SigningKey;
  /** The hidden environment's own setting: the webhook may be a private, loopback or link-local address. */
  allowPrivateTargets: boolean;
}

export interface OperationalWebhookRegistration {
  url: string;
  allowPrivateTargets: boolean;
  /** Used when there is no registration yet: the new subscription's ID and first signing key. */
  subscriptionId: string;
  signingKey: { id: string; secret: string };
}

const LIVE = `environment_id = '${OPERATIONS_ENVIRONMENT_ID}' AND deleted_at IS NULL`;

/** The operational webhook's registration: a subscription of the hidden environment (src/domain/operational-events.ts). */
export class OperationalWebhookRepository {
  constructor(
    private readonly db: DataSource,
    private readonly signingKeys: SigningKeyRepository,
  ) {}

  /**
   * Registers the URL: the live registration gets it (and is made active again, its failing streak forgotten; its key
   * is kept), or a new one is made with `signingKey`. The hidden environment's row is locked first, so concurrent
   * registrations take turns and there is never more than one.
   */
  async register(input: OperationalWebhookRegistration): Promise<OperationalWebhook> {
    return this.db.transaction(async (tx) => {
      await tx.query(`UPDATE environments SET allow_private_targets = $2 WHERE id = $1`, [OPERATIONS_ENVIRONMENT_ID, input.allowPrivateTargets]);
      const [live] = await tx.query<{ id: string }[]>(`SELECT id FROM subscriptions WHERE ${LIVE} FOR UPDATE`);
      if (live) {
        await tx.query(`UPDATE subscriptions SET url = $2, status = 'active', disabled_reason = NULL, failing_since = NULL, updated_at = now() WHERE id = $1`, [
          live.id,
          input.url,
        ]);
      } else {
        await tx.query(`INSERT INTO subscriptions (id, environment_id, url) VALUES ($1, $2, $3)`, [input.subscriptionId, OPERATIONS_ENVIRONMENT_ID, input.url]);
        await this.signingKeys.insert(tx, { ...input.signingKey, subscriptionId: input.subscriptionId });
      }
      return (await this.load(tx)) as OperationalWebhook;
    });
  }

  /** The registration, or null when there is none. */
  async find(): Promise<OperationalWebhook | null> {
    return this.db.transaction((tx) => this.load(tx));
  }

  /** The live registration's subscription ID (to delete it like any subscription), or null. */
  async liveId(): Promise<string | null> {
    const [live] = await this.db.query<{ id: string }[]>(`SELECT id FROM subscriptions WHERE ${LIVE}`);
    return live?.id ?? null;
  }

  private async load(tx: EntityManager): Promise<OperationalWebhook | null> {
    const subscription = await tx
      .getRepository(SubscriptionEntity)
      .createQueryBuilder('s')
      .where('s.environmentId = :environmentId AND s.deletedAt IS NULL', { environmentId: OPERATIONS_ENVIRONMENT_ID })
      .getOne();
    if (!subscription) return null;
    const [environment] = await tx.query<{ allow_private_targets: boolean }[]>(`SELECT allow_private_targets FROM environments WHERE id = $1`, [
      OPERATIONS_ENVIRONMENT_ID,
    ]);
    return { subscription, signingKey: await this.signingKeys.newest(tx, subscription.id), allowPrivateTargets: environment.allow_private_targets };
  }
}
