import { DomainError } from '../../src/domain/errors';
import { EventSchemas } from '../../src/event-types/event-schemas';
import type { EventTypeRepository, PublishedType } from '../../src/persistence/repositories/event-type.repository';

/** The catalog as findForPublish answers: the schema only when the caller does not hold the version. */
function catalogOf(types: Map<string, { version: string; archived: boolean; schema: unknown }>) {
  const reads: string[] = [];
  const repository = {
    async findForPublish(name: string, knownVersion: string | null): Promise<PublishedType | null> {
      reads.push(name);
      const found = types.get(name);
      if (!found) return null;
      return found.version === knownVersion ? { version: found.version, archived: found.archived } : { ...found };
    },
  } as unknown as EventTypeRepository;
  return { schemas: new EventSchemas(repository), reads };
}

const integerPrice = { type: 'object', properties: { price: { type: 'integer' } } };

describe('EventSchemas: what a publish may check without a read', () => {
  it('knows nothing of a type before its first lookup; then its version, or that it is undeclared', async () => {
    const types = new Map([['invoice.paid', { version: 'v1', archived: false, schema: integerPrice }]]);
    const { schemas, reads } = catalogOf(types);
    expect(schemas.checkedVersion('invoice.paid', { price: 1 })).toBeUndefined();
    expect(schemas.checkedVersion('not.declared', {})).toBeUndefined();
    await schemas.checkPublish('invoice.paid', { price: 1 });
    await schemas.checkPublish('not.declared', {});
    expect(reads).toEqual(['invoice.paid', 'not.declared']);
    expect(schemas.checkedVersion('invoice.paid', { price: 2 })).toEqual({ version: 'v1' });
    expect(schemas.checkedVersion('not.declared', { anything: true })).toEqual({ version: null });
  });

  it('leaves data that fails the check it holds to a lookup, which refuses it only at the current version', async () => {
    const types = new Map([['invoice.paid', { version: 'v1', archived: false, schema: integerPrice }]]);
    const { schemas } = catalogOf(types);
    await schemas.checkPublish('invoice.paid', { price: 1 });
    expect(schemas.checkedVersion('invoice.paid', { price: 'one' })).toBeUndefined();
    await expect(schemas.checkPublish('invoice.paid', { price: 'one' })).rejects.toBeInstanceOf(DomainError);
    types.set('invoice.paid', { version: 'v2', archived: false, schema: { type: 'object', properties: { price: { type: 'string' } } } });
    await schemas.checkPublish('invoice.paid', { price: 'one' });
    expect(schemas.checkedVersion('invoice.paid', { price: 'two' })).toEqual({ version: 'v2' });
  });

  it('forgets an archived type, and a declared one stops being undeclared', async () => {
    const types = new Map<string, { version: string; archived: boolean; schema: unknown }>();
    const { schemas } = catalogOf(types);
    await schemas.checkPublish('order.shipped', {});
    types.set('order.shipped', { version: 'v1', archived: false, schema: null });
    await schemas.checkPublish('order.shipped', {});
    expect(schemas.checkedVersion('order.shipped', {})).toEqual({ version: 'v1' });
    types.set('order.shipped', { version: 'v1', archived: true, schema: null });
    await expect(schemas.checkPublish('order.shipped', {})).rejects.toThrow(/archived/);
    expect(schemas.checkedVersion('order.shipped', {})).toBeUndefined();
  });
});
