import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every attempt goes to its subscription's current URL (issue 19), so each attempt records the URL it was made to.
 * Until now every attempt went to its notification's URL: the rows already there get that one. A notification also
 * says until when an attempt of it is in flight, so that deleting its subscription can wait for that attempt and
 * answer only when no POST can follow.
 */
export class AttemptsToCurrentUrl1765090000000 implements MigrationInterface {
  name = 'AttemptsToCurrentUrl1765090000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE attempts ADD COLUMN url text`);
    await db.query(`UPDATE attempts a SET url = n.url FROM notifications n WHERE n.id = a.notification_id`);
    await db.query(`ALTER TABLE attempts ALTER COLUMN url SET NOT NULL`);
    await db.query(`ALTER TABLE notifications ADD COLUMN attempt_in_flight_until timestamptz`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE notifications DROP COLUMN attempt_in_flight_until`);
    await db.query(`ALTER TABLE attempts DROP COLUMN url`);
  }
}
