import type { MigrationInterface, QueryRunner } from 'typeorm';
import { OPERATIONAL_EVENT_TYPE_DECLARATIONS } from '../../domain/operational-event-types';
import { OPERATIONS_ENVIRONMENT_ID } from '../../domain/operational-events';

/**
 * Operational webhooks (issue 20): the hidden environment that holds the operational events and the one subscription
 * to the platform's operational webhook (an ID the API refuses: src/domain/operational-events.ts), and the operational
 * event types in the platform catalog. A type the catalog already has under one of these names is left as it is.
 */
export class OperationalWebhooks1765200000000 implements MigrationInterface {
  name = 'OperationalWebhooks1765200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`INSERT INTO environments (id) VALUES ($1) ON CONFLICT (id) DO NOTHING`, [OPERATIONS_ENVIRONMENT_ID]);
    for (const type of OPERATIONAL_EVENT_TYPE_DECLARATIONS) {
      await db.query(`INSERT INTO event_types (name, description, schema, example) VALUES ($1, $2, $3::json, $4::json) ON CONFLICT (name) DO NOTHING`, [
        type.name,
        type.description,
        JSON.stringify(type.schema),
        JSON.stringify(type.example),
      ]);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM event_types WHERE name = ANY ($1::text[])`, [OPERATIONAL_EVENT_TYPE_DECLARATIONS.map((type) => type.name)]);
    await db.query(`DELETE FROM environments WHERE id = $1`, [OPERATIONS_ENVIRONMENT_ID]);
  }
}
