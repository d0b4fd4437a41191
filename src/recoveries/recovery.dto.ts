import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { RECOVERY_STATUSES, type RecoveryStatus } from '../domain/statuses';
import type { RecoveryProgress } from '../persistence/repositories/recovery.repository';

/** An ISO-8601 time with its zone (Z or an offset): a time without one means something else on every machine. */
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:\d\d)$/;
const ISO_MESSAGE = (name: string) => `${name} must be an ISO-8601 time with its zone, e.g. 2026-01-02T03:04:05Z`;

export class RecoverRequest {
  @ApiProperty({
    format: 'date-time',
    pattern: ISO_TIME.source,
    example: '2026-01-02T03:04:05Z',
    description: 'The range starts here (inclusive): events created from then on',
  })
  @IsString({ message: ISO_MESSAGE('since') })
  @Matches(ISO_TIME, { message: ISO_MESSAGE('since') })
  since: string;

  @ApiPropertyOptional({ format: 'date-time', pattern: ISO_TIME.source, description: 'The range ends here (exclusive); now when left out' })
  @IsOptional()
  @IsString({ message: ISO_MESSAGE('until') })
  @Matches(ISO_TIME, { message: ISO_MESSAGE('until') })
  until?: string;
}

export class RecoveryStarted {
  @ApiProperty({ example: 'rcv_01J…' })
  id: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'How many notifications of the range expired or were cancelled: the recovery redelivers them' })
  notifications: number;
}

export class RecoveryView {
  @ApiProperty({ example: 'rcv_01J…' })
  id: string;

  @ApiProperty({ example: 'sub_01J…' })
  subscriptionId: string;

  @ApiProperty({ format: 'date-time' })
  since: string;

  @ApiProperty({ format: 'date-time' })
  until: string;

  @ApiProperty({
    enum: [...RECOVERY_STATUSES],
    description: 'running while redeliveries are being started, completed once all are, failed if it never started',
  })
  status: RecoveryStatus;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Notifications of the range that had not succeeded when the recovery was accepted' })
  total: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Redelivered: their workflow started (or already done)' })
  started: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Redeliveries that succeeded so far' })
  succeeded: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Redeliveries that expired' })
  expired: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Redeliveries still pending' })
  pending: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  completedAt: string | null;

  static from({ recovery, started, succeeded, expired, pending }: RecoveryProgress): RecoveryView {
    return {
      id: recovery.id,
      subscriptionId: recovery.subscriptionId,
      since: recovery.rangeStart.toISOString(),
      until: recovery.rangeEnd.toISOString(),
      status: recovery.status,
      total: recovery.total,
      started,
      succeeded,
      expired,
      pending,
      createdAt: recovery.createdAt.toISOString(),
      completedAt: recovery.completedAt ? recovery.completedAt.toISOString() : null,
    };
  }
}
