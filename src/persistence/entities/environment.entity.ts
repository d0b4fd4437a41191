import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('environments')
export class EnvironmentEntity {
  @PrimaryColumn('text')
  id: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
