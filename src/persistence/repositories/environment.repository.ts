import type { DataSource } from 'typeorm';
import { EnvironmentEntity } from '../entities';

export interface EnvironmentSettings {
  /** Subscriptions may target private, loopback and link-local addresses. */
  allowPrivateTargets: boolean;
}

interface EnvironmentRow {
  id: string;
  allow_private_targets: boolean;
  created_at: Date;
}

const toEntity = (row: EnvironmentRow) =>
  Object.assign(new EnvironmentEntity(), { id: row.id, allowPrivateTargets: row.allow_private_targets, createdAt: row.created_at });

export class EnvironmentRepository {
  constructor(private readonly db: DataSource) {}

  /** Creates the environment; returns null when it already exists (which keeps its settings). */
  async create(id: string, settings: EnvironmentSettings = { allowPrivateTargets: false }): Promise<EnvironmentEntity | null> {
    const rows = await this.db.query<EnvironmentRow[]>(
      `INSERT INTO environments (id, allow_private_targets) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING
       RETURNING id, allow_private_targets, created_at`,
      [id, settings.allowPrivateTargets],
    );
    return rows[0] ? toEntity(rows[0]) : null;
  }

  async find(id: string): Promise<EnvironmentEntity | null> {
    return this.db.getRepository(EnvironmentEntity).findOne({ where: { id } });
  }

  /** Changes the given settings; null when there is no such environment. */
  async update(id: string, settings: Partial<EnvironmentSettings>): Promise<EnvironmentEntity | null> {
    const rows = await this.db.query<[EnvironmentRow[], number]>(
      `UPDATE environments SET allow_private_targets = COALESCE($2, allow_private_targets) WHERE id = $1
       RETURNING id, allow_private_targets, created_at`,
      [id, settings.allowPrivateTargets ?? null],
    );
    return rows[0][0] ? toEntity(rows[0][0]) : null;
  }

  async exists(id: string): Promise<boolean> {
    return this.db.getRepository(EnvironmentEntity).exists({ where: { id } });
  }

  /** Which of `ids` are environments. */
  async existing(ids: readonly string[]): Promise<string[]> {
    const rows = await this.db.query<{ id: string }[]>(`SELECT id FROM environments WHERE id = ANY($1::text[])`, [ids]);
    return rows.map((row) => row.id);
  }

  /** Whether the environment allows private targets; false for an unknown one. */
  async allowsPrivateTargets(id: string): Promise<boolean> {
    const rows = await this.db.query<{ allow_private_targets: boolean }[]>(`SELECT allow_private_targets FROM environments WHERE id = $1`, [id]);
    return rows[0]?.allow_private_targets ?? false;
  }
}
