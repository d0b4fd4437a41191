import { ApiProperty } from '@nestjs/swagger';

/** What DELETE /events/:id/data did. */
export class EventErasedResponse {
  @ApiProperty({ example: 'evt_01J…' })
  id: string;

  @ApiProperty({ format: 'date-time', description: 'When the data was erased (the first time, if it was erased before)' })
  erasedAt: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Pending notifications of the event that were cancelled before the data went' })
  cancelledNotifications: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Attempts whose stored response body was cleared' })
  clearedResponseBodies: number;
}

/** The data an erased event keeps: `{"erased": true, "at": "…"}`. */
export const tombstoneOf = (erasedAt: Date): string => JSON.stringify({ erased: true, at: erasedAt.toISOString() });
