import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('environments')
export class EnvironmentEntity {
  @PrimaryColumn('text')
  id: string;

  /** Subscriptions of this environment may target private, loopback and link-local addresses. */
  @Column({ name: 'allow_private_targets', type: 'boolean', default: false })
  allowPrivateTargets: boolean;

  /** Deliveries a second to a subscription of this environment that sets none; null: the platform's default; 0: none. */
  @Column({ name: 'default_rate_limit', type: 'double precision', nullable: true })
  defaultRateLimit: number | null;

  /** Attempts in flight at once to a subscription of this environment that sets none; null: the platform's default. */
  @Column({ name: 'default_max_in_flight', type: 'integer', nullable: true })
  defaultMaxInFlight: number | null;

  /** The portal's branding (issue 25): a display name, an accent colour (#rrggbb) and a logo's https:// URL; null: none. */
  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName: string | null;

  @Column({ name: 'accent_color', type: 'text', nullable: true })
  accentColor: string | null;

  @Column({ name: 'logo_url', type: 'text', nullable: true })
  logoUrl: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
