import { Inject, Injectable, Logger } from '@nestjs/common';
import { CONFIG } from '../config/injection';
import { type Config, deliveryPolicyOf } from '../config/config';
import { conflict, DomainError, notFound, validationError } from '../domain/errors';
import { isId, newId } from '../domain/ids';
import { RecoveryRepository } from '../persistence/repositories/recovery.repository';
import { RecoveryWorkflows } from '../temporal/recovery-workflows';
import { type RecoverRequest, type RecoveryStarted, RecoveryView } from './recovery.dto';

const logger = new Logger('RecoveriesService');

@Injectable()
export class RecoveriesService {
  constructor(
    private readonly recoveries: RecoveryRepository,
    private readonly workflows: RecoveryWorkflows,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /**
   * Redelivers every notification of the subscription whose event was created in [since, until) and that expired or
   * was cancelled (pending ones are still being delivered), with no cap on the range or the count. The recovery is
   * recorded, then its workflow started; if Temporal cannot be reached it is marked failed and the caller told so
   * (503), and may simply ask again. A running recovery over an overlapping range is a 409.
   */
  async recover(environmentId: string, subscriptionId: string, request: RecoverRequest): Promise<RecoveryStarted> {
    const since = new Date(request.since);
    const until = request.until === undefined ? new Date() : new Date(request.until);
    if (Number.isNaN(since.getTime()) || Number.isNaN(until.getTime())) throw validationError('since and until must be valid times');
    if (since >= until) throw validationError('since must be before until (now, when until is left out)');
    const created = isId('sub', subscriptionId)
      ? await this.recoveries.create({
          id: newId('rcv'),
          environmentId,
          subscriptionId,
          since,
          until,
          windowMs: this.config.delivery.windowMs,
          policy: deliveryPolicyOf(this.config.delivery),
        })
      : ({ outcome: 'not_found' } as const);
    if (created.outcome === 'not_found') throw notFound('subscription', subscriptionId);
    if (created.outcome === 'overlapping')
      throw conflict(`recovery ${created.runningId} of this subscription is still running over an overlapping range`, { recoveryId: created.runningId });
    const { recovery } = created;
    try {
      await this.workflows.start(recovery);
    } catch (err) {
      await this.recoveries.markFailed(recovery.id);
      // Temporal's error text is for the log: the answer says what happened, never a dependency's message.
      logger.error(`recovery ${recovery.id} could not be started: ${(err as Error).message}`);
      throw new DomainError('unavailable', 'the recovery could not be started (Temporal is unavailable); nothing was redelivered, ask again');
    }
    return { id: recovery.id, notifications: recovery.total };
  }

  async get(environmentId: string, id: string): Promise<RecoveryView> {
    const progress = isId('rcv', id) ? await this.recoveries.findProgress(environmentId, id) : null;
    if (!progress) throw notFound('recovery', id);
    return RecoveryView.from(progress);
  }
}
