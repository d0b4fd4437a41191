import { ApiProperty } from '@nestjs/swagger';
import type { AttemptEntity } from '../persistence/entities';
import { DELIVERY_TRIGGERS, type DeliveryTrigger } from '../domain/statuses';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** One attempt of a notification, as GET /notifications/:id and GET /notifications/:id/attempts show it. */
export class AttemptResponse {
  @ApiProperty({ type: 'integer', minimum: 1, description: '1, 2, 3 …' })
  number: number;

  @ApiProperty({ type: String, format: 'uri', description: 'Where the POST went: the subscription’s URL when the attempt started' })
  url: string;

  @ApiProperty({ format: 'date-time' })
  startedAt: string;

  @ApiProperty({ format: 'date-time' })
  endedAt: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  durationMs: number;

  @ApiProperty({ description: 'A 2xx within the delivery window' })
  succeeded: boolean;

  @ApiProperty({ type: 'integer', nullable: true, description: 'The receiver’s HTTP status; null when none came (timeout, network error)' })
  statusCode: number | null;

  @ApiProperty({ type: String, nullable: true, example: 'timeout after 10000ms' })
  error: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The first RESPONSE_BODY_LIMIT bytes of what the receiver answered' })
  responseBody: string | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'What the receiver asked for with Retry-After on a 429 or 503, in milliseconds' })
  retryAfterMs: number | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When this attempt’s failure scheduled the next one; null after a success or after the last attempt',
  })
  nextAttemptAt: string | null;

  @ApiProperty({
    enum: [...DELIVERY_TRIGGERS],
    description: 'What the attempt delivered for: initial, the event’s publish, or redeliver, a redelivery (numbering goes on across both)',
  })
  trigger: DeliveryTrigger;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    nullable: true,
    example: {
      'content-type': 'application/json',
      'user-agent': 'plude-webhooks',
      'webhook-id': 'ntf_01J…',
      'webhook-timestamp': '1765630000',
      'webhook-signature': 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
    },
    description:
      'The headers the POST carried, by lowercase name: content-type, user-agent, webhook-id, webhook-timestamp, webhook-signature, and webhook-test and traceparent when sent; null for an attempt recorded before they were',
  })
  requestHeaders: Record<string, string> | null;

  static from(attempt: AttemptEntity): AttemptResponse {
    return {
      number: attempt.number,
      url: attempt.url,
      startedAt: attempt.startedAt.toISOString(),
      endedAt: attempt.endedAt.toISOString(),
      durationMs: attempt.durationMs,
      succeeded: attempt.succeeded,
      statusCode: attempt.statusCode,
      error: attempt.error,
      responseBody: attempt.responseBody,
      retryAfterMs: attempt.retryAfterMs,
      nextAttemptAt: iso(attempt.nextAttemptAt),
      trigger: attempt.trigger,
      requestHeaders: attempt.requestHeaders ?? null,
    };
  }
}
