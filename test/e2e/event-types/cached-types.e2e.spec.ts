import { EventTypeRepository } from '../../../src/persistence/repositories/event-type.repository';
import { declareType, typePrefix } from '../../support/catalog';
import { countStatements } from '../../support/statements';
import { useTestApp } from '../../support/test-app';

/**
 * A publish of a type this process knows is checked with the schema it holds and stored in one statement, on condition
 * that the type is still at that version (EventRepository.insertIfTypeAt). These are the edges: the type changed by
 * someone else after this process cached it (another process: here the database itself, or a repository of its own).
 */
const t = useTestApp();

const priceOf = (type: string) => ({ type: 'object', properties: { price: { type } }, required: ['price'] });

const eventsOf = async (environmentId: string) =>
  (await t.app.db.query<{ count: number }[]>(`SELECT count(*)::int AS count FROM events WHERE environment_id = $1`, [environmentId]))[0].count;

/** The statements a publish makes on its path (the type's lookup, the insert), counted as the app's DataSource runs them. */
async function statementsOf(publish: () => Promise<unknown>): Promise<string[]> {
  const counter = countStatements(t.app.db);
  try {
    await publish();
    return counter.texts().filter((sql) => /FROM event_types|INSERT INTO events\b/.test(sql));
  } finally {
    counter.stop();
  }
}

describe('a publish of a type this process has cached', () => {
  it('makes one statement; the first publish of a type not seen here looks it up first, declared or not', async () => {
    const type = `${typePrefix()}.invoice.paid`;
    const { api } = await t.app.newEnvironment();
    await declareType(t.app.admin, type, { description: 'v1', schema: priceOf('integer') });
    const first = await statementsOf(async () => expect((await api.publish(type, { price: 1 })).status).toBe(202));
    expect(first).toEqual([expect.stringMatching(/FROM event_types/), expect.stringMatching(/INSERT INTO events/)]);
    const next = await statementsOf(async () => expect((await api.publish(type, { price: 2 })).status).toBe(202));
    expect(next).toEqual([expect.stringMatching(/guard AS \(.*FROM event_types.*INSERT INTO events/s)]);

    const undeclared = `${type}.not.declared`;
    expect(await statementsOf(async () => expect((await api.publish(undeclared, { any: 1 })).status).toBe(202))).toHaveLength(2);
    expect(await statementsOf(async () => expect((await api.publish(undeclared, { any: 2 })).status).toBe(202))).toHaveLength(1);
  });

  it('is judged by the schema declared since, here or by another process: a mismatch is a 422 with nothing stored', async () => {
    const type = `${typePrefix()}.price.changed`;
    const { id, api } = await t.app.newEnvironment();
    await declareType(t.app.admin, type, { description: 'v1', schema: priceOf('integer') });
    expect((await api.publish(type, { price: 12 })).status).toBe(202);
    await new EventTypeRepository(t.app.db).declare({ name: type, description: 'v2', schema: priceOf('string'), example: null });
    const before = await eventsOf(id);

    const refused = await api.publish(type, { price: 12 });
    expect([refused.status, refused.body.errors]).toEqual([422, [expect.objectContaining({ instancePath: '/price', keyword: 'type' })]]);
    expect(await eventsOf(id)).toBe(before);
    // Data that fails the v1 check this process held is checked again with v2, which it matches.
    expect((await api.publish(type, { price: '12.50' })).status).toBe(202);
    expect(await eventsOf(id)).toBe(before + 1);

    // Changed in the database alone (no declaration through any app): a new version all the same.
    await t.app.db.query(`UPDATE event_types SET schema = $2::json, updated_at = clock_timestamp() WHERE name = $1`, [
      type,
      JSON.stringify(priceOf('integer')),
    ]);
    expect((await api.publish(type, { price: '12.50' })).status).toBe(422);
    expect((await api.publish(type, { price: 13 })).status).toBe(202);
    expect(await eventsOf(id)).toBe(before + 2);
  });

  it('is refused (422, nothing stored) once another process has archived the type, and accepted once it is declared again', async () => {
    const type = `${typePrefix()}.order.shipped`;
    const { id, api } = await t.app.newEnvironment();
    await declareType(t.app.admin, type, { description: 'Shipped.', schema: priceOf('integer') });
    expect((await api.publish(type, { price: 1 })).status).toBe(202);
    await t.app.db.query(`UPDATE event_types SET archived_at = now() WHERE name = $1`, [type]);
    const before = await eventsOf(id);

    for (let i = 0; i < 2; i++) {
      const refused = await api.publish(type, { price: 1 });
      expect([refused.status, refused.body.message]).toEqual([422, expect.stringMatching(/archived/)]);
    }
    expect(await eventsOf(id)).toBe(before);
    await new EventTypeRepository(t.app.db).declare({ name: type, description: 'Shipped, again.', schema: null, example: null });
    expect((await api.publish(type, { price: 'any' })).status).toBe(202);
  });

  it('is checked against a type declared since this process found it undeclared', async () => {
    const type = `${typePrefix()}.account.created`;
    const { id, api } = await t.app.newEnvironment();
    expect((await api.publish(type, { price: 1 })).status).toBe(202);
    expect((await api.publish(type, { price: 2 })).status).toBe(202);
    await new EventTypeRepository(t.app.db).declare({ name: type, description: 'Declared elsewhere.', schema: priceOf('string'), example: null });
    const before = await eventsOf(id);

    expect((await api.publish(type, { price: 3 })).status).toBe(422);
    expect(await eventsOf(id)).toBe(before);
    expect((await api.publish(type, { price: 'three' })).status).toBe(202);
  });

  it('with an Idempotency-Key already taken, returns the first event and stores nothing new, as before the cache', async () => {
    const type = `${typePrefix()}.invoice.sent`;
    const { id, api } = await t.app.newEnvironment();
    await declareType(t.app.admin, type, { description: 'Sent.', schema: priceOf('integer') });
    const first = await api.publish(type, { price: 1 }, 'key-1');
    const again = await api.publish(type, { price: 1 }, 'key-1');
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.body).toEqual(first.body);
    expect(await eventsOf(id)).toBe(1);

    // The type changed since: the re-publish is judged by the new schema first, as any publish.
    await new EventTypeRepository(t.app.db).declare({ name: type, description: 'Sent, v2.', schema: priceOf('string'), example: null });
    expect((await api.publish(type, { price: 1 }, 'key-1')).status).toBe(422);
    const matching = await api.publish(type, { price: 'one' }, 'key-1');
    expect([matching.status, matching.body.id]).toEqual([202, first.body.id]);
    expect(await eventsOf(id)).toBe(1);
  });
});
