import type { DataSource, EntityManager } from 'typeorm';
import { type KeyRing, SEALING_ALGORITHM } from '../../crypto/key-ring';
import { liveKeysAfterRotation } from '../../domain/signing-keys';

/** A signing key as the services use it: the secret in the clear, in memory only. */
export interface SigningKey {
  id: string;
  subscriptionId: string;
  secret: string;
  createdAt: Date;
}

/** A key as stored: sealed, or (only until the start-up step seals it) plaintext with encryption 'none'. */
export interface StoredSigningKey {
  id: string;
  encryption: string;
  secret: string | null;
  masterKeyId: string | null;
  iv: Buffer | null;
  ciphertext: Buffer | null;
  tag: Buffer | null;
}

/** The secret of a stored key; throws a SealingError when the key ring cannot open it. */
export function openSigningKey(keyRing: KeyRing, stored: StoredSigningKey): string {
  if (stored.encryption === 'none' && stored.secret !== null) return stored.secret;
  if (stored.encryption !== SEALING_ALGORITHM || !stored.masterKeyId || !stored.iv || !stored.ciphertext || !stored.tag) {
    throw new Error(`signing key ${stored.id} is stored in an unknown form (${stored.encryption})`);
  }
  return keyRing.open({ masterKeyId: stored.masterKeyId, iv: stored.iv, ciphertext: stored.ciphertext, tag: stored.tag }, stored.id);
}

/** SQL: the columns of a stored key under the names of StoredSigningKey. */
const STORED_COLUMNS = `k.id, k.encryption, k.secret, k.master_key_id AS "masterKeyId", k.iv, k.ciphertext, k.auth_tag AS tag`;

export type Rotation = { outcome: 'rotated'; key: SigningKey } | { outcome: 'not_found' } | { outcome: 'too_many_keys'; live: number; nextExpiry: Date | null };

export interface SealReport {
  /** Keys sealed (or sealed again) under the current master key. */
  sealed: number;
  /** Live keys sealed by a master key the ring does not hold, by master key ID. */
  unreadable: { masterKeyId: string; count: number }[];
}

const SEAL_BATCH = 500;

/** Signing keys, sealed with the key ring on the way in and opened on the way out. */
export class SigningKeyRepository {
  constructor(
    private readonly db: DataSource,
    private readonly keyRing: KeyRing,
  ) {}

  /** Stores a new key, sealed under the current master key. */
  async insert(manager: EntityManager, key: { id: string; subscriptionId: string; secret: string }): Promise<Date> {
    const sealed = this.keyRing.seal(key.secret, key.id);
    const [row] = await manager.query<{ created_at: Date }[]>(
      `INSERT INTO signing_keys (id, subscription_id, encryption, master_key_id, iv, ciphertext, auth_tag)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING created_at`,
      [key.id, key.subscriptionId, SEALING_ALGORITHM, sealed.masterKeyId, sealed.iv, sealed.ciphertext, sealed.tag],
    );
    return row.created_at;
  }

  /** The subscription's newest live key: the one that signs first, and the one a subscribe call returns. */
  async newest(manager: EntityManager, subscriptionId: string): Promise<SigningKey> {
    const [row] = await manager.query<(StoredSigningKey & { createdAt: Date })[]>(
      `SELECT ${STORED_COLUMNS}, k.created_at AS "createdAt" FROM signing_keys k
       WHERE k.subscription_id = $1 AND (k.expires_at IS NULL OR k.expires_at > now())
       ORDER BY k.created_at DESC, k.id DESC LIMIT 1`,
      [subscriptionId],
    );
    if (!row) throw new Error(`subscription ${subscriptionId} has no live signing key`);
    return { id: row.id, subscriptionId, secret: openSigningKey(this.keyRing, row), createdAt: row.createdAt };
  }

  /**
   * The newest live key of a live subscription of `environmentId` (the one a subscribe call returns), or null when
   * the environment holds no such subscription.
   */
  async newestOfSubscription(environmentId: string, subscriptionId: string): Promise<SigningKey | null> {
    const [row] = await this.db.query<(StoredSigningKey & { createdAt: Date })[]>(
      `SELECT ${STORED_COLUMNS}, k.created_at AS "createdAt" FROM signing_keys k
       JOIN subscriptions s ON s.id = k.subscription_id AND s.environment_id = $2 AND s.deleted_at IS NULL
       WHERE k.subscription_id = $1 AND (k.expires_at IS NULL OR k.expires_at > now())
       ORDER BY k.created_at DESC, k.id DESC LIMIT 1`,
      [subscriptionId, environmentId],
    );
    return row ? { id: row.id, subscriptionId, secret: openSigningKey(this.keyRing, row), createdAt: row.createdAt } : null;
  }

  /**
   * Adds `key` as the subscription's newest key and caps every older one at now + overlap (0: retired at once).
   * Keys already expired are deleted. Refused, changing nothing, when more than `maxLive` keys would then sign.
   * The subscription row is locked, so concurrent rotations of one subscription take turns.
   */
  async rotate(input: {
    environmentId: string;
    subscriptionId: string;
    overlapMs: number;
    maxLive: number;
    key: { id: string; secret: string };
  }): Promise<Rotation> {
    return this.db.transaction(async (tx) => {
      const found = await tx.query<unknown[]>(`SELECT id FROM subscriptions WHERE id = $1 AND environment_id = $2 AND deleted_at IS NULL FOR NO KEY UPDATE`, [
        input.subscriptionId,
        input.environmentId,
      ]);
      if (found.length === 0) return { outcome: 'not_found' };
      await tx.query(`DELETE FROM signing_keys WHERE subscription_id = $1 AND expires_at <= now()`, [input.subscriptionId]);
      const live = await tx.query<{ expires_at: Date | null }[]>(`SELECT expires_at FROM signing_keys WHERE subscription_id = $1 ORDER BY expires_at`, [
        input.subscriptionId,
      ]);
      if (liveKeysAfterRotation(live.length, input.overlapMs) > input.maxLive) {
        return { outcome: 'too_many_keys', live: live.length, nextExpiry: live[0]?.expires_at ?? null };
      }
      await tx.query(
        `UPDATE signing_keys SET expires_at = LEAST(COALESCE(expires_at, 'infinity'), now() + $2 * interval '1 millisecond')
         WHERE subscription_id = $1`,
        [input.subscriptionId, input.overlapMs],
      );
      const createdAt = await this.insert(tx, { ...input.key, subscriptionId: input.subscriptionId });
      return { outcome: 'rotated', key: { ...input.key, subscriptionId: input.subscriptionId, createdAt } };
    });
  }

  /**
   * Seals every key that is not sealed under the current master key: plaintext ones (from before keys were sealed)
   * and those sealed by the previous master key. Batches of SEAL_BATCH rows, each in its own transaction; run under
   * the migration lock. Reports the live keys that no master key of the ring opens.
   */
  async sealStored(): Promise<SealReport> {
    const others = this.keyRing.ids().filter((id) => id !== this.keyRing.currentId);
    let sealed = 0;
    for (;;) {
      const done = await this.db.transaction(async (tx) => {
        const rows = await tx.query<StoredSigningKey[]>(
          `SELECT ${STORED_COLUMNS} FROM signing_keys k
           WHERE k.encryption = 'none' OR k.master_key_id = ANY ($1::text[])
           ORDER BY k.id LIMIT ${SEAL_BATCH} FOR UPDATE`,
          [others],
        );
        if (rows.length === 0) return 0;
        const resealed = rows.map((row) => ({ id: row.id, ...this.keyRing.seal(openSigningKey(this.keyRing, row), row.id) }));
        const column = (pick: (r: (typeof resealed)[number]) => Buffer) => resealed.map((r) => pick(r).toString('base64'));
        await tx.query(
          `UPDATE signing_keys k SET encryption = $2, master_key_id = $3, secret = NULL,
                  iv = decode(u.iv, 'base64'), ciphertext = decode(u.ciphertext, 'base64'), auth_tag = decode(u.tag, 'base64')
           FROM unnest($1::text[], $4::text[], $5::text[], $6::text[]) AS u(id, iv, ciphertext, tag)
           WHERE k.id = u.id`,
          [resealed.map((r) => r.id), SEALING_ALGORITHM, this.keyRing.currentId, column((r) => r.iv), column((r) => r.ciphertext), column((r) => r.tag)],
        );
        return rows.length;
      });
      sealed += done;
      if (done < SEAL_BATCH) break;
    }
    const unreadable = await this.db.query<SealReport['unreadable']>(
      `SELECT master_key_id AS "masterKeyId", count(*)::int AS count FROM signing_keys
       WHERE encryption <> 'none' AND NOT (master_key_id = ANY ($1::text[])) AND (expires_at IS NULL OR expires_at > now())
       GROUP BY master_key_id ORDER BY master_key_id`,
      [this.keyRing.ids()],
    );
    return { sealed, unreadable };
  }
}
