import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { KeyRing } from '../../../src/crypto/key-ring';
import { OPERATIONAL_EVENT_TYPES } from '../../../src/domain/operational-events';
import { MIGRATIONS, openDatabase } from '../../../src/persistence/data-source';
import { PlatformCatalog1764990500000 } from '../../../src/persistence/migrations/1764990500000-platform-catalog';
import { EventTypeRepository } from '../../../src/persistence/repositories/event-type.repository';
import { createScratchDatabase, type ScratchDatabase, suiteAdminUrl } from '../../support/scratch-database';

const keyRing = new KeyRing(createHash('sha256').update('platform catalog migration test master key').digest());

/** A declaration as the per-environment catalog held it. */
interface Declared {
  environment: string;
  name: string;
  description: string;
  schema: object | null;
  example?: object | null;
  archivedAt?: string | null;
  createdAt: string;
  updatedAt: string;
}

const integer = (key: string) => ({ type: 'object', required: [key], properties: { [key]: { type: 'integer' } } });
const text = (key: string) => ({ type: 'object', required: [key], properties: { [key]: { type: 'string' } } });

/**
 * The per-environment catalogs before the merge, one case of the conflict rule each:
 * - shared.same: the same declaration in two environments (keys in another order): merged (the later one's version),
 *   nothing kept aside;
 * - order.placed: two live schemas: the latest declared (staging's) wins, production's is kept aside;
 * - invoice.paid: live in production, archived later in staging: the live one wins, even though it is older;
 * - tie.break: two live schemas declared at the same instant: the environment that sorts first (production) wins;
 * - all.archived: archived everywhere: the latest stays archived;
 * - only.one: one environment's: kept as it was.
 */
const DECLARED: Declared[] = [
  {
    environment: 'production',
    name: 'shared.same',
    description: 'Same',
    schema: { type: 'object', required: ['id'] },
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-02T00:00:00Z',
  },
  {
    environment: 'staging',
    name: 'shared.same',
    description: 'Same',
    schema: { required: ['id'], type: 'object' },
    createdAt: '2025-01-05T00:00:00Z',
    updatedAt: '2025-01-06T00:00:00Z',
  },
  {
    environment: 'production',
    name: 'order.placed',
    description: 'Placed (cents)',
    schema: integer('amount'),
    example: { amount: 1 },
    createdAt: '2025-02-01T00:00:00Z',
    updatedAt: '2025-02-01T00:00:00Z',
  },
  {
    environment: 'staging',
    name: 'order.placed',
    description: 'Placed (text)',
    schema: text('amount'),
    example: { amount: '1' },
    createdAt: '2025-02-03T00:00:00Z',
    updatedAt: '2025-02-10T00:00:00Z',
  },
  {
    environment: 'production',
    name: 'invoice.paid',
    description: 'Paid',
    schema: integer('amount'),
    createdAt: '2025-03-01T00:00:00Z',
    updatedAt: '2025-03-01T00:00:00Z',
  },
  {
    environment: 'staging',
    name: 'invoice.paid',
    description: 'Paid, old draft',
    schema: text('amount'),
    archivedAt: '2025-03-20T00:00:00Z',
    createdAt: '2025-02-20T00:00:00Z',
    updatedAt: '2025-03-15T00:00:00Z',
  },
  {
    environment: 'staging',
    name: 'tie.break',
    description: 'Tie (staging)',
    schema: text('n'),
    createdAt: '2025-04-01T00:00:00Z',
    updatedAt: '2025-04-01T00:00:00Z',
  },
  {
    environment: 'production',
    name: 'tie.break',
    description: 'Tie (production)',
    schema: integer('n'),
    createdAt: '2025-04-01T00:00:00Z',
    updatedAt: '2025-04-01T00:00:00Z',
  },
  {
    environment: 'production',
    name: 'all.archived',
    description: 'Old',
    schema: null,
    archivedAt: '2025-05-02T00:00:00Z',
    createdAt: '2025-05-01T00:00:00Z',
    updatedAt: '2025-05-01T00:00:00Z',
  },
  {
    environment: 'dev',
    name: 'all.archived',
    description: 'Newer',
    schema: null,
    archivedAt: '2025-05-04T00:00:00Z',
    createdAt: '2025-05-03T00:00:00Z',
    updatedAt: '2025-05-03T00:00:00Z',
  },
  {
    environment: 'dev',
    name: 'only.one',
    description: 'Dev only',
    schema: text('x'),
    example: { x: 'y' },
    createdAt: '2025-06-01T00:00:00Z',
    updatedAt: '2025-06-01T00:00:00Z',
  },
];

/** The database at the migration before the merge, with the catalogs above (as the API of that release wrote them). */
async function beforeTheMerge(url: string): Promise<void> {
  const previous = MIGRATIONS.slice(0, MIGRATIONS.indexOf(PlatformCatalog1764990500000));
  const db = await new DataSource({ type: 'postgres', url, migrations: previous, synchronize: false }).initialize();
  try {
    await db.runMigrations({ transaction: 'each' });
    for (const id of ['production', 'staging', 'dev']) await db.query(`INSERT INTO environments (id) VALUES ($1)`, [id]);
    for (const d of DECLARED) {
      await db.query(
        `INSERT INTO event_types (environment_id, name, description, schema, example, archived_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4::json, $5::json, $6, $7, $8)`,
        [
          d.environment,
          d.name,
          d.description,
          d.schema && JSON.stringify(d.schema),
          d.example ? JSON.stringify(d.example) : null,
          d.archivedAt ?? null,
          d.createdAt,
          d.updatedAt,
        ],
      );
    }
  } finally {
    await db.destroy();
  }
}

/** The merged catalog: the types the migration made, without the operational types a later migration declares. */
const kept = async (db: DataSource) =>
  (await new EventTypeRepository(db).listAll())
    .filter((t) => !(OPERATIONAL_EVENT_TYPES as readonly string[]).includes(t.name))
    .map((t) => ({
      name: t.name,
      description: t.description,
      schema: t.schema,
      archived: t.archivedAt !== null,
      createdAt: t.createdAt.toISOString(),
      updatedAt: t.updatedAt.toISOString(),
    }));

const keptAside = (db: DataSource) =>
  db.query<{ environment_id: string; name: string; description: string; schema: unknown; kept_environment_id: string }[]>(
    `SELECT environment_id, name, description, schema, kept_environment_id FROM event_type_merge_conflicts ORDER BY name COLLATE "C", environment_id COLLATE "C"`,
  );

/** What the merge makes of DECLARED, by the rule README states. */
const MERGED = [
  { name: 'all.archived', description: 'Newer', schema: null, archived: true, createdAt: '2025-05-01T00:00:00.000Z', updatedAt: '2025-05-03T00:00:00.000Z' },
  {
    name: 'invoice.paid',
    description: 'Paid',
    schema: integer('amount'),
    archived: false,
    createdAt: '2025-02-20T00:00:00.000Z',
    updatedAt: '2025-03-01T00:00:00.000Z',
  },
  {
    name: 'only.one',
    description: 'Dev only',
    schema: text('x'),
    archived: false,
    createdAt: '2025-06-01T00:00:00.000Z',
    updatedAt: '2025-06-01T00:00:00.000Z',
  },
  {
    name: 'order.placed',
    description: 'Placed (text)',
    schema: text('amount'),
    archived: false,
    createdAt: '2025-02-01T00:00:00.000Z',
    updatedAt: '2025-02-10T00:00:00.000Z',
  },
  {
    name: 'shared.same',
    description: 'Same',
    schema: { type: 'object', required: ['id'] },
    archived: false,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-06T00:00:00.000Z',
  },
  {
    name: 'tie.break',
    description: 'Tie (production)',
    schema: integer('n'),
    archived: false,
    createdAt: '2025-04-01T00:00:00.000Z',
    updatedAt: '2025-04-01T00:00:00.000Z',
  },
];
const ASIDE = [
  { environment_id: 'production', name: 'all.archived', description: 'Old', schema: null, kept_environment_id: 'dev' },
  { environment_id: 'staging', name: 'invoice.paid', description: 'Paid, old draft', schema: text('amount'), kept_environment_id: 'production' },
  { environment_id: 'production', name: 'order.placed', description: 'Placed (cents)', schema: integer('amount'), kept_environment_id: 'staging' },
  { environment_id: 'staging', name: 'tie.break', description: 'Tie (staging)', schema: text('n'), kept_environment_id: 'production' },
];

describe('the migration to one platform catalog merges the environments’ catalogs', () => {
  let scratch: ScratchDatabase;
  let db: DataSource;

  beforeAll(async () => {
    scratch = await createScratchDatabase(suiteAdminUrl(), 'plude_catalog_merge');
    await beforeTheMerge(scratch.url);
    db = await openDatabase(scratch.url, keyRing);
  });

  afterAll(async () => {
    await db?.destroy();
    await scratch?.drop();
  });

  it('keeps one type per name: live over archived, then the latest declared, then the environment that sorts first', async () => {
    expect(await kept(db)).toEqual(MERGED);
  });

  it('keeps every declaration that lost and differs from the winner aside, with where it came from and which won', async () => {
    expect(await keptAside(db)).toEqual(ASIDE);
  });

  it('checks publishes of every environment against the merged type', async () => {
    const types = new EventTypeRepository(db);
    expect(await types.findForPublish('order.placed', null)).toEqual({ version: expect.any(String), archived: false, schema: text('amount') });
    expect(await types.findForPublish('all.archived', null)).toMatchObject({ archived: true });
  });

  it('goes back to a catalog per environment (every environment gets every type, then its own lost declarations), and merges again the same way', async () => {
    // Undone down to the merge (and any migration after it).
    const last = async () => (await db.query<{ name: string }[]>(`SELECT name FROM migrations ORDER BY id DESC LIMIT 1`))[0].name;
    while ((await last()) !== new PlatformCatalog1764990500000().name) await db.undoLastMigration({ transaction: 'each' });
    await db.undoLastMigration({ transaction: 'each' });
    const rows = await db.query<{ environment_id: string; name: string; description: string }[]>(
      `SELECT environment_id, name, description FROM event_types WHERE name IN ('order.placed', 'only.one') ORDER BY name, environment_id`,
    );
    expect(rows).toEqual([
      { environment_id: 'dev', name: 'only.one', description: 'Dev only' },
      { environment_id: 'production', name: 'only.one', description: 'Dev only' },
      { environment_id: 'staging', name: 'only.one', description: 'Dev only' },
      { environment_id: 'dev', name: 'order.placed', description: 'Placed (text)' },
      { environment_id: 'production', name: 'order.placed', description: 'Placed (cents)' },
      { environment_id: 'staging', name: 'order.placed', description: 'Placed (text)' },
    ]);
    await db.runMigrations({ transaction: 'each' });
    expect(await kept(db)).toEqual(MERGED);
    // The same declarations aside; the winner's equal copies are now in every environment, and dev sorts first.
    expect(await keptAside(db)).toEqual(ASIDE.map((aside) => ({ ...aside, kept_environment_id: 'dev' })));
  });
});
