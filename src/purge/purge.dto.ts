import { ApiProperty } from '@nestjs/swagger';
import type { PurgeCounts } from '../domain/purge';

/** Rows by kind. */
export class PurgeCountsView implements PurgeCounts {
  @ApiProperty({ type: 'integer', minimum: 0 })
  events: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  notifications: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  attempts: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Response bodies cleared before their attempts go (RESPONSE_BODY_RETENTION)' })
  responseBodies: number;
}

/** GET /admin/purge: what a purge started now would delete (`plude purge --dry-run`). */
export class PurgePreview {
  @ApiProperty({ example: 2_592_000_000, description: 'RETENTION, in milliseconds' })
  retentionMs: number;

  @ApiProperty({ description: 'RESPONSE_BODY_RETENTION, in milliseconds' })
  responseBodyRetentionMs: number;

  @ApiProperty({ type: PurgeCountsView })
  wouldDelete: PurgeCountsView;
}

/** POST /admin/purge: a purge started now (`plude purge --now`), or none because one is running. */
export class PurgeTriggered {
  @ApiProperty({ example: 'plude-purge-plude-webhooks', description: 'The Temporal Schedule (the Web UI’s Schedules page)' })
  scheduleId: string;

  @ApiProperty({ description: 'true: a purge was already running, so none was started' })
  alreadyRunning: boolean;
}
