import { randomBytes } from 'node:crypto';
import { columnsContaining } from '../../support/column-search';
import { issueToken } from '../../support/environments';
import { useTestApp } from '../../support/test-app';
import { waitFor } from '../../support/wait';

/** The receiver answers with the request's own body: each attempt's stored response body holds the event's data. */
const echo = (status: number) => (_: number, request: { body: string }) => ({ status, body: request.body });

describe('DELETE /events/:id/data: erasing one event’s data on request', () => {
  const t = useTestApp({
    responder: (index, request) =>
      request.path === '/slow' ? { ...echo(500)(index, request), delayMs: 1_500 } : echo(request.path === '/failing' ? 500 : 200)(index, request),
  });

  it('cancels its pending notification before any further attempt, then leaves its data in no column of any table', async () => {
    const { api, id: environmentId } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/fine'));
    await api.subscribe(t.receiver.url('/failing'));
    const secret = `erase-me-${randomBytes(8).toString('hex')}`;
    const published = await api.publish('person.updated', { email: `${secret}@example.com`, note: secret });
    expect(published.status).toBe(202);
    const eventId: string = published.body.id;
    // One notification delivered (its answer, the data, stored), the other failing, retried, with its answers stored too.
    await t.receiver.arrived('/fine');
    await t.receiver.arrived('/failing', 2);
    const before = await waitFor(
      () => api.request('GET', `/events/${eventId}`),
      (r) => r.body.notifications.some((n: { status: string }) => n.status === 'succeeded'),
      { what: 'the /fine notification succeeded' },
    );
    const pending = before.body.notifications.find((n: { status: string }) => n.status === 'pending');
    expect(pending).toBeDefined();
    expect(await columnsContaining(t.app.db, [secret], [])).toEqual(expect.arrayContaining(['public.events.data', 'public.attempts.response_body']));

    const service = await issueToken(t.app.admin, environmentId, ['publish']);
    const erased = await service.api.request('DELETE', `/events/${eventId}/data`);
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ id: eventId, cancelledNotifications: 1, erasedAt: expect.any(String) });
    expect(erased.body.clearedResponseBodies).toBeGreaterThanOrEqual(3);
    const attemptsAtErasure = t.receiver.forPath('/failing').length;

    const after = await api.request('GET', `/events/${eventId}`);
    expect(after.body).toMatchObject({ id: eventId, type: 'person.updated', data: { erased: true, at: erased.body.erasedAt }, erasedAt: erased.body.erasedAt });
    expect(after.body.notifications.find((n: { id: string }) => n.id === pending.id).status).toBe('cancelled');
    expect(await columnsContaining(t.app.db, [secret], [])).toEqual([]);

    // Its workflow ends, cancelled: no attempt can follow.
    await waitFor(
      () => t.app.client.workflow.getHandle(pending.id).describe(),
      (d) => d.status.name !== 'RUNNING',
      { what: `the workflow of ${pending.id} closed` },
    );
    const attempts = await api.request('GET', `/notifications/${pending.id}/attempts`);
    expect(t.receiver.forPath('/failing').length).toBe(attemptsAtErasure);
    expect(attempts.body.length).toBe(attemptsAtErasure);
    expect(attempts.body.every((a: { responseBody: string | null }) => a.responseBody === null)).toBe(true);

    // Final: neither a redelivery nor a recovery sends it again.
    const succeeded = after.body.notifications.find((n: { status: string }) => n.status === 'succeeded');
    const redelivered = await api.request('POST', `/notifications/${succeeded.id}/redeliver`);
    expect(redelivered.status).toBe(409);
    expect(redelivered.body.message).toMatch(/erased/);
    const metrics = await (await fetch(`${t.app.api.url}/metrics`)).text();
    expect(metrics).toMatch(/^plude_events_erased_total [1-9]/m);
  });

  it('waits for an attempt in flight: its answer is recorded, then cleared with the rest', async () => {
    const { api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/slow'));
    const secret = `in-flight-${randomBytes(8).toString('hex')}`;
    const published = await api.publish('person.updated', { note: secret });
    await t.receiver.arrived((r) => r.path === '/slow' && r.body.includes(secret));
    const erased = await api.request('DELETE', `/events/${published.body.id}/data`);
    expect(erased.status).toBe(200);
    // Its answer came 1.5 s after the POST: the erasure waited for the attempt to be recorded (one body cleared),
    // rather than clearing none and leaving the echo to land after it.
    expect(erased.body).toMatchObject({ cancelledNotifications: 1, clearedResponseBodies: 1 });
    const event = await api.request('GET', `/events/${published.body.id}`);
    const attempts = await api.request('GET', `/notifications/${event.body.notifications[0].id}/attempts`);
    expect(attempts.body).toEqual([expect.objectContaining({ statusCode: 500, responseBody: null })]);
    expect(await columnsContaining(t.app.db, [secret], [])).toEqual([]);
  });

  it('a recovery leaves an erased event out; asking again changes nothing', async () => {
    const { api } = await t.app.newEnvironment();
    const subscribed = await api.subscribe(t.receiver.url('/failing'));
    const published = await api.publish('person.deleted', { id: 'p_1' });
    await t.receiver.arrived((r) => r.path === '/failing' && r.body.includes(published.body.id));
    const first = await api.request('DELETE', `/events/${published.body.id}/data`);
    expect(first.status).toBe(200);
    const again = await api.request('DELETE', `/events/${published.body.id}/data`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ erasedAt: first.body.erasedAt, cancelledNotifications: 0, clearedResponseBodies: 0 });
    const recovery = await api.request('POST', `/webhooks/subscriptions/${subscribed.body.id}/recover`, {
      since: new Date(Date.now() - 3_600_000).toISOString(),
    });
    expect(recovery.status).toBe(202);
    expect(recovery.body.notifications).toBe(0);
  });

  it('takes the admin token with X-environment, or a token with publish; not one without', async () => {
    const { api, id: environmentId } = await t.app.newEnvironment();
    const published = await api.publish('person.updated', { id: 'p_2' });
    const integrator = await issueToken(t.app.admin, environmentId, ['subscriptions']);
    const refused = await integrator.api.request('DELETE', `/events/${published.body.id}/data`);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/publish/);
    const admin = t.app.admin.as({ token: t.app.admin.auth.token, environment: environmentId });
    const byAdmin = await admin.request('DELETE', `/events/${published.body.id}/data`);
    expect(byAdmin.status).toBe(200);
    const elsewhere = t.app.admin.as({ token: t.app.admin.auth.token, environment: 'env-other' });
    expect((await elsewhere.request('DELETE', `/events/${published.body.id}/data`)).status).toBe(404);
    expect((await api.request('DELETE', '/events/evt_nonsense/data')).status).toBe(404);
  });
});
