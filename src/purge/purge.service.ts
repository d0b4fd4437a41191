import { Inject, Injectable } from '@nestjs/common';
import type { Config } from '../config/config';
import { CONFIG } from '../config/injection';
import { DomainError } from '../domain/errors';
import { PurgeRepository } from '../persistence/repositories/purge.repository';
import { PurgeSchedule } from '../temporal/purge-schedule';
import type { PurgePreview, PurgeTriggered } from './purge.dto';

@Injectable()
export class PurgeService {
  constructor(
    private readonly purges: PurgeRepository,
    private readonly schedule: PurgeSchedule,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** What a purge started now would delete, with this process's RETENTION and RESPONSE_BODY_RETENTION. */
  async preview(): Promise<PurgePreview> {
    const { retentionMs, responseBodyRetentionMs } = this.config.retention;
    return { retentionMs, responseBodyRetentionMs, wouldDelete: await this.purges.preview(retentionMs, responseBodyRetentionMs) };
  }

  /** Triggers the purge's schedule now; a 409 when there is none (PURGE_INTERVAL=0, or no worker has started yet). */
  async trigger(): Promise<PurgeTriggered> {
    const triggered = await this.schedule.trigger();
    if (!triggered) throw new DomainError('conflict', `there is no purge schedule ${this.schedule.scheduleId} (PURGE_INTERVAL=0, or no worker has started)`);
    return triggered;
  }
}
