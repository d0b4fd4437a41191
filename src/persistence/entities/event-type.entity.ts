import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An event type of the platform's catalog, the same for every environment: what it means, the JSON Schema (draft
 * 2020-12) its `data` must match at publish, and an example. Archived types stay listed; publishing one is refused.
 */
@Entity('event_types')
export class EventTypeEntity {
  @PrimaryColumn('text')
  name: string;

  @Column('text')
  description: string;

  /** The schema as declared (a `json` column keeps its key order for readers); null: any object is accepted. */
  @Column({ type: 'json', nullable: true })
  schema: unknown;

  /** An example `data` object (it matches the schema); null when none was given. */
  @Column({ type: 'json', nullable: true })
  example: Record<string, unknown> | null;

  @Column({ name: 'archived_at', type: 'timestamptz', nullable: true })
  archivedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
