import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * plude_new_id(kind): the same prefixed ULID that src/domain/ids.ts makes (kind_ + 10 time + 16 random Crockford
 * base32 characters), so that one INSERT … SELECT can give each new notification its ID without a round trip.
 */
export class IdFunction1764378000000 implements MigrationInterface {
  name = 'IdFunction1764378000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION plude_new_id(kind text) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        alphabet constant text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
        ms bigint := floor(extract(epoch FROM clock_timestamp()) * 1000);
        body text := '';
      BEGIN
        FOR i IN 1..10 LOOP
          body := substr(alphabet, (ms % 32)::int + 1, 1) || body;
          ms := ms / 32;
        END LOOP;
        FOR i IN 1..16 LOOP
          body := body || substr(alphabet, floor(random() * 32)::int + 1, 1);
        END LOOP;
        RETURN kind || '_' || body;
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION IF EXISTS plude_new_id(text)`);
  }
}
