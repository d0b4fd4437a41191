import type { DataSource } from 'typeorm';
import { IsNull } from 'typeorm';
import { ApiTokenEntity } from '../entities';

export class ApiTokenRepository {
  constructor(private readonly db: DataSource) {}

  async insert(token: Pick<ApiTokenEntity, 'id' | 'environmentId' | 'tokenHash' | 'tokenPrefix'>): Promise<ApiTokenEntity> {
    const repository = this.db.getRepository(ApiTokenEntity);
    return repository.save(repository.create({ ...token, createdAt: new Date(), revokedAt: null }));
  }

  /** The environment a live (not revoked) token hash belongs to, or null. */
  async findEnvironmentIdByHash(tokenHash: string): Promise<string | null> {
    const token = await this.db
      .getRepository(ApiTokenEntity)
      .findOne({ select: { environmentId: true }, where: { tokenHash, revokedAt: IsNull() } });
    return token?.environmentId ?? null;
  }
}
