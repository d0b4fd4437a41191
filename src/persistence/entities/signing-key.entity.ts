import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A subscription's signing key. A subscription may hold several during a rotation: every key that has not
 * expired signs each notification. `encryption` names how `secret` is stored ('none' until keys are encrypted at rest).
 */
@Entity('signing_keys')
export class SigningKeyEntity {
  @PrimaryColumn('text')
  id: string;

  @Column({ name: 'subscription_id', type: 'text' })
  subscriptionId: string;

  @Column('text')
  secret: string;

  @Column('text')
  encryption: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;
}
