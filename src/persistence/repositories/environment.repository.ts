import type { DataSource } from 'typeorm';
import { EnvironmentEntity } from '../entities';

export class EnvironmentRepository {
  constructor(private readonly db: DataSource) {}

  /** Creates the environment; returns null when it already exists. */
  async create(id: string): Promise<EnvironmentEntity | null> {
    const result = await this.db
      .createQueryBuilder()
      .insert()
      .into(EnvironmentEntity)
      .values({ id })
      .orIgnore()
      .returning(['id', 'createdAt'])
      .execute();
    const row = result.raw[0] as { id: string; created_at: Date } | undefined;
    return row ? Object.assign(new EnvironmentEntity(), { id: row.id, createdAt: row.created_at }) : null;
  }

  async exists(id: string): Promise<boolean> {
    return this.db.getRepository(EnvironmentEntity).exists({ where: { id } });
  }
}
