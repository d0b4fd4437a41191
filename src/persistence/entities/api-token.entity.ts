import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Scope } from '../../domain/scopes';

/**
 * An API token: an environment's (`environmentId` set) or a service's (a name, and the environments it may name,
 * null for every one). Only its SHA-256 hash is stored; the token itself is shown once.
 */
@Entity('api_tokens')
export class ApiTokenEntity {
  @PrimaryColumn('text')
  id: string;

  @Column({ type: 'text' })
  kind: 'environment' | 'service';

  /** An environment token's environment; null for a service token. */
  @Column({ name: 'environment_id', type: 'text', nullable: true })
  environmentId: string | null;

  /** A service token's name; null for an environment token. */
  @Column({ type: 'text', nullable: true })
  name: string | null;

  /** A service token's environments; null: every environment, those created later included (and for an environment token). */
  @Column({ type: 'text', array: true, nullable: true })
  environments: string[] | null;

  @Column({ type: 'text', array: true })
  scopes: Scope[];

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
