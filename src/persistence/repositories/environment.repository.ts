import type { DataSource } from 'typeorm';
import { EnvironmentEntity } from '../entities';

export interface EnvironmentSettings {
  /** Subscriptions may target private, loopback and link-local addresses. */
  allowPrivateTargets: boolean;
  /** The gate's defaults for its subscriptions that set none (null: the platform's; 0: no limit). */
  defaultRateLimit?: number | null;
  defaultMaxInFlight?: number | null;
  /** The portal's branding (undefined: unchanged; null: none). */
  displayName?: string | null;
  accentColor?: string | null;
  logoUrl?: string | null;
}

interface EnvironmentRow {
  id: string;
  allow_private_targets: boolean;
  default_rate_limit: number | null;
  default_max_in_flight: number | null;
  display_name: string | null;
  accent_color: string | null;
  logo_url: string | null;
  created_at: Date;
}

const COLUMNS = 'id, allow_private_targets, default_rate_limit, default_max_in_flight, display_name, accent_color, logo_url, created_at';

const toEntity = (row: EnvironmentRow) =>
  Object.assign(new EnvironmentEntity(), {
    id: row.id,
    allowPrivateTargets: row.allow_private_targets,
    defaultRateLimit: row.default_rate_limit,
    defaultMaxInFlight: row.default_max_in_flight,
    displayName: row.display_name,
    accentColor: row.accent_color,
    logoUrl: row.logo_url,
    createdAt: row.created_at,
  });

/** `$n` sets the column when `set` says so (undefined: unchanged; null: back to the platform's default). */
const settable = (value: number | string | null | undefined) => [value !== undefined, value ?? null];

export class EnvironmentRepository {
  constructor(private readonly db: DataSource) {}

  /** Creates the environment; returns null when it already exists (which keeps its settings). */
  async create(id: string, settings: EnvironmentSettings = { allowPrivateTargets: false }): Promise<EnvironmentEntity | null> {
    const rows = await this.db.query<EnvironmentRow[]>(
      `INSERT INTO environments (id, allow_private_targets, default_rate_limit, default_max_in_flight) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO NOTHING
       RETURNING ${COLUMNS}`,
      [id, settings.allowPrivateTargets, settings.defaultRateLimit ?? null, settings.defaultMaxInFlight ?? null],
    );
    return rows[0] ? toEntity(rows[0]) : null;
  }

  async find(id: string): Promise<EnvironmentEntity | null> {
    return this.db.getRepository(EnvironmentEntity).findOne({ where: { id } });
  }

  /** Changes the given settings; null when there is no such environment. */
  async update(id: string, settings: Partial<EnvironmentSettings>): Promise<EnvironmentEntity | null> {
    const rows = await this.db.query<[EnvironmentRow[], number]>(
      `UPDATE environments
       SET allow_private_targets = COALESCE($2, allow_private_targets),
           default_rate_limit = CASE WHEN $3 THEN $4::double precision ELSE default_rate_limit END,
           default_max_in_flight = CASE WHEN $5 THEN $6::integer ELSE default_max_in_flight END,
           display_name = CASE WHEN $7 THEN $8::text ELSE display_name END,
           accent_color = CASE WHEN $9 THEN $10::text ELSE accent_color END,
           logo_url = CASE WHEN $11 THEN $12::text ELSE logo_url END
       WHERE id = $1
       RETURNING ${COLUMNS}`,
      [
        id,
        settings.allowPrivateTargets ?? null,
        ...settable(settings.defaultRateLimit),
        ...settable(settings.defaultMaxInFlight),
        ...settable(settings.displayName),
        ...settable(settings.accentColor),
        ...settable(settings.logoUrl),
      ],
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
