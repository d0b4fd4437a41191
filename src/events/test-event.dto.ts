import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, Matches } from 'class-validator';
import { EVENT_TYPE } from '../domain/event-type';

export class SendTestEventRequest {
  @ApiProperty({ pattern: EVENT_TYPE.source, example: 'invoice.paid', description: 'The event type of the test: any, whatever the subscription’s filter' })
  @Matches(EVENT_TYPE, { message: 'type must be 1-128 characters of letters, digits and . _ : - (e.g. invoice.paid)' })
  type: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'The event’s data; left out: the example the catalog declares for the type (422 when it declares none)',
    example: { invoice: 'in_42', amount: 4200 },
  })
  @IsOptional()
  @IsObject({ message: 'data must be a JSON object' })
  data?: Record<string, unknown>;
}

export class TestEventResponse {
  @ApiProperty({ example: 'evt_01J…', description: 'The test event (GET /events/{id}: `test` is true)' })
  eventId: string;

  @ApiProperty({ example: 'ntf_01J…', description: 'Its one notification, to this subscription (GET /notifications/{id})' })
  notificationId: string;

  @ApiProperty({ example: 'sub_01J…' })
  subscriptionId: string;

  @ApiProperty({ example: 'invoice.paid' })
  type: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ enum: [true], description: 'Always true: its POST carries `webhook-test: true`' })
  test: true;
}
