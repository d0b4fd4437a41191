import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { attemptOutcome } from '../src/domain/delivery';

/** The worker's tracer (a no-op until the process sets tracing up: src/observability/tracing.ts). */
const tracer = trace.getTracer('plude-webhooks');

/** What an attempt's span names: IDs only. Never the URL (its path or query may hold a secret), a header or the body. */
export interface AttemptIds {
  notificationId: string;
  subscriptionId: string;
  eventId: string;
  /** The attempt's number, 1, 2, 3 … across the notification's attempts. */
  attempt: number;
}

interface Answered {
  statusCode: number | null;
  timedOut: boolean;
}

/**
 * The attempt's POST as an HTTP client span (`POST webhook`), child of the activity's span (its run, one per attempt):
 * its status code or failure class, its duration, and the notification's IDs. The receiver gets the span's W3C
 * `traceparent` (and `tracestate`) among the POST's headers; they are not signed (the signature covers
 * id.timestamp.body). With tracing off the span is a no-op one and no header is added.
 */
export async function inAttemptSpan<T extends Answered>(
  ids: AttemptIds,
  headers: Record<string, string>,
  post: (headers: Record<string, string>) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(
    'POST webhook',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': 'POST',
        'plude.notification_id': ids.notificationId,
        'plude.subscription_id': ids.subscriptionId,
        'plude.event_id': ids.eventId,
        'plude.attempt': ids.attempt,
      },
    },
    async (span) => {
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      try {
        const answer = await post({ ...headers, ...carrier });
        const outcome = attemptOutcome(answer.statusCode, answer.timedOut);
        if (answer.statusCode !== null) span.setAttribute('http.response.status_code', answer.statusCode);
        span.setAttribute('plude.attempt.outcome', outcome);
        // The outcome's class, never the error's text (a network error names addresses).
        if (outcome !== '2xx') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
        return answer;
      } finally {
        span.end();
      }
    },
  );
}
