import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('environments')
export class EnvironmentEntity {
  @PrimaryColumn('text')
  id: string;

  /** Subscriptions of this environment may target private, loopback and link-local addresses. */
  @Column({ name: 'allow_private_targets', type: 'boolean', default: false })
  allowPrivateTargets: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
