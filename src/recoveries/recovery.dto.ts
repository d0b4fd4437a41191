import { IsOptional, IsString, Matches } from 'class-validator';
import type { RecoveryProgress } from '../persistence/repositories/recovery.repository';

/** An ISO-8601 time with its zone (Z or an offset): a time without one means something else on every machine. */
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:\d\d)$/;
const ISO_MESSAGE = (name: string) => `${name} must be an ISO-8601 time with its zone, e.g. 2026-01-02T03:04:05Z`;

export class RecoverRequest {
  /** The first event creation time of the range (inclusive). */
  @IsString({ message: ISO_MESSAGE('since') })
  @Matches(ISO_TIME, { message: ISO_MESSAGE('since') })
  since: string;

  /** The end of the range (exclusive); now when left out. */
  @IsOptional()
  @IsString({ message: ISO_MESSAGE('until') })
  @Matches(ISO_TIME, { message: ISO_MESSAGE('until') })
  until?: string;
}

export class RecoveryStarted {
  id: string;
  /** How many notifications of the range had not succeeded: the recovery redelivers them. */
  notifications: number;
}

export class RecoveryView {
  id: string;
  subscriptionId: string;
  since: string;
  until: string;
  /** `running` while redeliveries are being started, `completed` once all are, `failed` if it never started. */
  status: string;
  /** Notifications of the range that had not succeeded when the recovery was accepted. */
  total: number;
  /** Redelivered, their workflow started (or already done). */
  started: number;
  /** What became of the redeliveries so far. */
  succeeded: number;
  expired: number;
  pending: number;
  createdAt: string;
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
