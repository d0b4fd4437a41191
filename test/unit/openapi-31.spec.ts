import type { OpenAPIObject } from '@nestjs/swagger';
import { toOpenApi31 } from '../../src/api/openapi-31';

describe('toOpenApi31', () => {
  it('turns nullable into a null type, for plain types, enums and references (a property’s too, typed object), and says 3.1.0', () => {
    const document = {
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: {},
      components: {
        schemas: {
          A: {
            type: 'object',
            properties: {
              at: { type: 'string', format: 'date-time', nullable: true },
              held: { type: 'string', enum: ['paused'], nullable: true },
              policy: { description: 'p', nullable: true, allOf: [{ $ref: '#/components/schemas/P' }] },
              live: { description: 'l', type: 'object', nullable: true, allOf: [{ $ref: '#/components/schemas/L' }] },
              plain: { type: 'integer' },
            },
          },
        },
      },
    } as unknown as OpenAPIObject;
    const converted = toOpenApi31(document) as unknown as { openapi: string; components: { schemas: { A: { properties: Record<string, unknown> } } } };
    expect(converted.openapi).toBe('3.1.0');
    expect(converted.components.schemas.A.properties).toEqual({
      at: { type: ['string', 'null'], format: 'date-time' },
      held: { type: ['string', 'null'], enum: ['paused', null] },
      policy: { description: 'p', anyOf: [{ allOf: [{ $ref: '#/components/schemas/P' }] }, { type: 'null' }] },
      live: { description: 'l', anyOf: [{ type: 'object', allOf: [{ $ref: '#/components/schemas/L' }] }, { type: 'null' }] },
      plain: { type: 'integer' },
    });
  });
});
