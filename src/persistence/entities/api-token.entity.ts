import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An API token. Only its SHA-256 hash is stored; the token itself is shown once. */
@Entity('api_tokens')
export class ApiTokenEntity {
  @PrimaryColumn('text')
  id: string;

  @Column({ name: 'environment_id', type: 'text' })
  environmentId: string;

  @Column({ name: 'token_hash', type: 'text' })
  tokenHash: string;

  @Column({ name: 'token_prefix', type: 'text' })
  tokenPrefix: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Kept to about a minute: written at most once a minute per token. */
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
