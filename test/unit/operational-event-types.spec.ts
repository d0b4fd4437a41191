import { compileEventSchema } from '../../src/domain/event-schema';
import { ENVIRONMENT_ID } from '../../src/domain/environment-id';
import { OPERATIONAL_EVENT_TYPE_DECLARATIONS } from '../../src/domain/operational-event-types';
import { OPERATIONAL_EVENT_TYPES, OPERATIONS_ENVIRONMENT_ID, raisesOperationalEvents } from '../../src/domain/operational-events';

describe('operational event types', () => {
  it('declares every operational type once', () => {
    expect(OPERATIONAL_EVENT_TYPE_DECLARATIONS.map((type) => type.name).sort()).toEqual([...OPERATIONAL_EVENT_TYPES].sort());
  });

  it.each(OPERATIONAL_EVENT_TYPE_DECLARATIONS)('$name: the schema compiles and its example matches it', ({ schema, example }) => {
    expect(compileEventSchema(schema)(example)).toEqual([]);
  });

  it('a reason outside the declared ones does not match', () => {
    const disabled = OPERATIONAL_EVENT_TYPE_DECLARATIONS.find((type) => type.name === 'subscription.disabled');
    const check = compileEventSchema(disabled?.schema);
    expect(check({ ...disabled?.example, reason: 'manual' })).toEqual([expect.objectContaining({ instancePath: '/reason' })]);
  });

  it('the hidden environment is one no one can create, and raises nothing about itself', () => {
    expect(ENVIRONMENT_ID.test(OPERATIONS_ENVIRONMENT_ID)).toBe(false);
    expect(raisesOperationalEvents(OPERATIONS_ENVIRONMENT_ID)).toBe(false);
    expect(raisesOperationalEvents('production')).toBe(true);
  });
});
