import { storeWithoutDispatch, useTestApp } from '../../support/test-app';

const INLINE = 100;

/** Issue 26: an event's notifications come in pages, so that an answer stays bounded however many there are. */
describe("an event's notifications, page by page", () => {
  const t = useTestApp();

  it(`GET /events/:id lists the first ${INLINE} and a cursor; GET /events/:id/notifications pages through the rest`, async () => {
    const { id: environmentId, api } = await t.app.newEnvironment();
    const urls = Array.from({ length: INLINE + 3 }, (_, n) => t.receiver.url(`/paged-${n}`));
    for (let n = 0; n < urls.length; n += 20) await Promise.all(urls.slice(n, n + 20).map((url) => api.subscribe(url)));
    // Stored, not dispatched: the page is what is read, not 103 deliveries.
    const { event, notifications } = await storeWithoutDispatch(t.app, environmentId, 'order.paid', { n: 1 });
    const all = notifications.map((n) => n.id).sort();
    expect(all).toHaveLength(INLINE + 3);

    const { body: shown } = await api.request('GET', `/events/${event.id}`);
    expect(shown.notifications.map((n: { id: string }) => n.id)).toEqual(all.slice(0, INLINE));
    expect(shown.notificationsNextCursor).toBe(all[INLINE - 1]);

    const rest = await api.request('GET', `/events/${event.id}/notifications?after=${shown.notificationsNextCursor}`);
    expect(rest.status).toBe(200);
    expect(rest.body.items.map((n: { id: string }) => n.id)).toEqual(all.slice(INLINE));
    expect(rest.body.nextCursor).toBeNull();
    expect(rest.body.items[0]).toMatchObject({ subscriptionId: expect.stringMatching(/^sub_/), status: 'pending', attemptCount: 0 });

    // Smaller pages, from the start: each page's cursor leads to the next, and together they are every notification.
    const paged: string[] = [];
    let after: string | null = null;
    do {
      const query: string = after === null ? '?limit=40' : `?limit=40&after=${after}`;
      const page = await api.request('GET', `/events/${event.id}/notifications${query}`);
      expect(page.body.items.length).toBeLessThanOrEqual(40);
      paged.push(...page.body.items.map((n: { id: string }) => n.id));
      after = page.body.nextCursor;
    } while (after !== null);
    expect(paged).toEqual(all);
  });

  it('an event with few notifications lists them all with a null cursor; bad paging input is a 400, another environment’s event a 404', async () => {
    const { api } = await t.app.newEnvironment();
    await api.subscribe(t.receiver.url('/few'));
    const published = await api.publish('order.paid', { n: 2 });
    const { body: shown } = await api.request('GET', `/events/${published.body.id}`);
    expect(shown.notifications).toHaveLength(1);
    expect(shown.notificationsNextCursor).toBeNull();

    expect((await api.request('GET', `/events/${published.body.id}/notifications?limit=0`)).status).toBe(400);
    expect((await api.request('GET', `/events/${published.body.id}/notifications?limit=101`)).status).toBe(400);
    expect((await api.request('GET', `/events/${published.body.id}/notifications?after=sub_1`)).status).toBe(400);
    const { api: other } = await t.app.newEnvironment();
    expect((await other.request('GET', `/events/${published.body.id}/notifications`)).status).toBe(404);
  });
});
