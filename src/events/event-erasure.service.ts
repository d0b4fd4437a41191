import { Injectable, Logger } from '@nestjs/common';
import { notFound } from '../domain/errors';
import { isId } from '../domain/ids';
import { Metrics } from '../observability/metrics';
import { EventErasureRepository } from '../persistence/repositories/event-erasure.repository';
import { NotificationSignals } from '../temporal/notification-signals';
import { type EventErasedResponse, tombstoneOf } from './event-erasure.dto';

const logger = new Logger('EventErasure');

/** How often the erasure looks whether the attempts that were in flight have been recorded. */
const IN_FLIGHT_POLL_MS = 100;

@Injectable()
export class EventErasureService {
  constructor(
    private readonly erasures: EventErasureRepository,
    private readonly signals: NotificationSignals,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Erases an event's data on request: its pending notifications are cancelled first (no attempt starts after that,
   * and their workflows are cancelled), the attempts already in flight are waited for (at most their timeout), then
   * the data becomes the tombstone `{"erased": true, "at": "…"}` and every stored response body of its attempts is
   * cleared. Its ID, type and times remain; it can no longer be redelivered. Asking again does it again, harmlessly.
   */
  async erase(environmentId: string, id: string): Promise<EventErasedResponse> {
    const marked = isId('evt', id) ? await this.erasures.markErased(environmentId, id) : null;
    if (!marked) throw notFound('event', id);
    if (marked.cancelled.length > 0) await this.signals.cancel(marked.cancelled);
    if (marked.inFlightUntil) await this.attemptsLanded(id, marked.inFlightUntil);
    const cleared = await this.erasures.tombstone(id, tombstoneOf(marked.erasedAt));
    this.metrics.erased();
    logger.log(
      `event ${id} of environment ${environmentId} erased: ${marked.cancelled.length} pending notifications cancelled, ${cleared} response bodies cleared`,
    );
    return { id, erasedAt: marked.erasedAt.toISOString(), cancelledNotifications: marked.cancelled.length, clearedResponseBodies: cleared };
  }

  /** Until the event's attempts in flight are recorded, or `until`, when they have timed out. */
  private async attemptsLanded(eventId: string, until: Date): Promise<void> {
    while (Date.now() < until.getTime() && (await this.erasures.anyAttemptInFlight(eventId))) {
      await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_POLL_MS));
    }
  }
}
