import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A subscription's signing key, sealed at rest (src/crypto/key-ring.ts). A subscription may hold several during a
 * rotation: every key that has not expired signs each notification, the newest first. `encryption` is
 * 'aes-256-gcm' (sealed by master key `masterKeyId`) or, only until the start-up step seals it, 'none' with the
 * plaintext in `secret`.
 */
@Entity('signing_keys')
export class SigningKeyEntity {
  @PrimaryColumn('text')
  id: string;

  @Column({ name: 'subscription_id', type: 'text' })
  subscriptionId: string;

  @Column({ type: 'text', nullable: true })
  secret: string | null;

  @Column('text')
  encryption: 'none' | 'aes-256-gcm';

  @Column({ name: 'master_key_id', type: 'text', nullable: true })
  masterKeyId: string | null;

  @Column({ type: 'bytea', nullable: true })
  iv: Buffer | null;

  @Column({ type: 'bytea', nullable: true })
  ciphertext: Buffer | null;

  @Column({ name: 'auth_tag', type: 'bytea', nullable: true })
  authTag: Buffer | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;
}
