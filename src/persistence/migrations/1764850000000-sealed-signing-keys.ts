import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signing keys sealed at rest (issue 7 §5): AES-256-GCM ciphertext, its IV and tag, and the ID of the master key
 * that sealed it (the first 8 hex characters of its SHA-256). `encryption` is 'aes-256-gcm' for a sealed key and
 * 'none' for a key still in plaintext in `secret`.
 *
 * This migration cannot seal the keys that exist today: TypeORM builds migrations itself, without arguments, and
 * the master key is the process's configuration (or, for `npm start`, a file it generates in DATA_DIR), not the
 * database's. So openDatabase() seals every plaintext key right after the migrations, under the same lock, before
 * any role starts; from then on every key is written sealed.
 */
export class SealedSigningKeys1764850000000 implements MigrationInterface {
  name = 'SealedSigningKeys1764850000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE signing_keys
        ALTER COLUMN secret DROP NOT NULL,
        ALTER COLUMN encryption DROP DEFAULT,
        ADD COLUMN master_key_id text,
        ADD COLUMN iv bytea,
        ADD COLUMN ciphertext bytea,
        ADD COLUMN auth_tag bytea`);
    await db.query(`
      ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_sealed CHECK (
        (encryption = 'none' AND secret IS NOT NULL AND ciphertext IS NULL)
        OR (encryption = 'aes-256-gcm' AND secret IS NULL AND master_key_id IS NOT NULL
            AND octet_length(iv) = 12 AND octet_length(auth_tag) = 16 AND ciphertext IS NOT NULL))`);
  }

  async down(db: QueryRunner): Promise<void> {
    const [{ sealed }] = (await db.query(`SELECT count(*)::int AS sealed FROM signing_keys WHERE encryption <> 'none'`)) as { sealed: number }[];
    if (sealed > 0) throw new Error(`${sealed} signing keys are sealed; reverting would lose them (open them with the master key first)`);
    await db.query(`ALTER TABLE signing_keys DROP CONSTRAINT signing_keys_sealed`);
    await db.query(`
      ALTER TABLE signing_keys
        DROP COLUMN master_key_id, DROP COLUMN iv, DROP COLUMN ciphertext, DROP COLUMN auth_tag,
        ALTER COLUMN encryption SET DEFAULT 'none',
        ALTER COLUMN secret SET NOT NULL`);
  }
}
