import { waitFor } from '../../support/wait';
import { controlCharacterUrls, ssrfForms } from '../../support/ssrf-forms';
import { useTestApp } from '../../support/test-app';

/** A public address that no test ever sends to: its subscription's URL is changed in the database before any publish. */
const PUBLIC_BUT_NEVER_CONTACTED = 'https://93.184.215.14/hooks';

describe('private targets, an environment at a time (ALLOW_PRIVATE_TARGETS off)', () => {
  const t = useTestApp({ env: { ALLOW_PRIVATE_TARGETS: 'false' } });

  const environment = (allowPrivateTargets?: boolean) => t.app.newEnvironment({ allowPrivateTargets });

  it('the admin API creates, shows and changes whether an environment allows them', async () => {
    const loose = await environment(true);
    expect(loose.created).toEqual({
      id: loose.id,
      allowPrivateTargets: true,
      defaultRateLimit: null,
      defaultMaxInFlight: null,
      displayName: null,
      accentColor: null,
      logoUrl: null,
      createdAt: expect.any(String),
    });
    const strict = await environment();
    expect(strict.created).toMatchObject({ allowPrivateTargets: false });

    expect((await t.app.admin.request('GET', `/admin/environments/${loose.id}`)).body).toEqual(loose.created);
    const changed = await t.app.admin.request('PATCH', `/admin/environments/${loose.id}`, { allowPrivateTargets: false });
    expect(changed).toMatchObject({ status: 200, body: { ...loose.created, allowPrivateTargets: false } });
    expect((await t.app.admin.request('GET', `/admin/environments/${loose.id}`)).body.allowPrivateTargets).toBe(false);
    // An empty PATCH changes nothing.
    expect((await t.app.admin.request('PATCH', `/admin/environments/${loose.id}`, {})).body.allowPrivateTargets).toBe(false);
  });

  it.each([
    ['POST', '/admin/environments', { id: 'env-bad-flag', allowPrivateTargets: 'yes' }, 400, 'allowPrivateTargets must be true or false'],
    ['PATCH', '/admin/environments/sandbox-nope', { allowPrivateTargets: true }, 404, 'environment sandbox-nope not found'],
    ['GET', '/admin/environments/nope', undefined, 404, 'environment nope not found'],
    ['GET', '/admin/environments/NOT%00VALID', undefined, 404, 'not found'],
    ['PATCH', '/admin/environments/nope', { colour: 'red' }, 400, 'property colour should not exist'],
  ])('%s %s gets a 4xx that says why', async (method, path, body, status, message) => {
    const response = await t.app.admin.request(method, path, body);
    expect(response.status).toBe(status);
    expect(response.body.message).toContain(message);
  });

  it('needs the admin token', async () => {
    const anonymous = t.app.admin.as({});
    expect((await anonymous.request('GET', '/admin/environments/whatever')).status).toBe(401);
    expect((await anonymous.request('PATCH', '/admin/environments/whatever', { allowPrivateTargets: true })).status).toBe(401);
  });

  it('an environment that allows them subscribes 127.0.0.1 and gets its deliveries; another in the same process is refused at subscribe and at delivery', async () => {
    const loose = await environment(true);
    const strict = await environment(false);

    const subscribed = await loose.api.subscribe(t.receiver.url('/allowed'));
    expect(subscribed.status).toBe(200);
    expect((await loose.api.publish('invoice.paid', { n: 1 })).status).toBe(202);
    await t.receiver.arrived('/allowed');

    const refused = await strict.api.subscribe(t.receiver.url('/refused'));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'private_target', message: expect.stringContaining('does not allow private targets') });
    const moved = await strict.api.subscribe(PUBLIC_BUT_NEVER_CONTACTED);
    expect(moved.status).toBe(200);
    const patched = await strict.api.request('PATCH', `/webhooks/subscriptions/${moved.body.id}`, { url: t.receiver.url('/patched') });
    expect(patched).toMatchObject({ status: 400, body: { error: 'private_target' } });

    // The stored URL now names the local host (as if the check had been passed some other way): the sender refuses
    // it by name before any lookup. Names that resolve to private addresses at connect time (DNS rebinding) are
    // refused by the sender's lookup: test/unit/http-sender.spec.ts.
    const rebound = t.receiver.url('/rebound').replace('127.0.0.1', 'localhost');
    await t.app.db.query(`UPDATE subscriptions SET url = $2 WHERE id = $1`, [moved.body.id, rebound]);
    const published = await strict.api.publish('invoice.paid', { n: 2 });
    expect(published.status).toBe(202);
    const event = await waitFor(
      () => strict.api.request('GET', `/events/${published.body.id}`),
      (r) => r.body.notifications?.length === 1,
    );
    const notificationId = event.body.notifications[0].id as string;
    const attempts = await waitFor(
      () => strict.api.request('GET', `/notifications/${notificationId}/attempts`),
      (r) => r.body.length >= 1,
    );
    expect(attempts.body[0]).toMatchObject({ number: 1, succeeded: false, statusCode: null, error: 'refused: localhost is a local name' });
    expect(t.receiver.forPath('/rebound')).toEqual([]);
    expect(t.receiver.forPath('/allowed')).toHaveLength(1);
  });

  it('refuses every private address form at subscribe and at a URL change (400 private_target), and stores none', async () => {
    const strict = await environment(false);
    const moved = await strict.api.subscribe(PUBLIC_BUT_NEVER_CONTACTED);
    expect(moved.status).toBe(200);
    const answers: Record<string, unknown> = {};
    for (const { url } of ssrfForms) {
      const subscribed = await strict.api.subscribe(url);
      const patched = await strict.api.request('PATCH', `/webhooks/subscriptions/${moved.body.id}`, { url });
      answers[url] = [subscribed.status, subscribed.body.error, patched.status, patched.body.error];
    }
    expect(answers).toEqual(Object.fromEntries(ssrfForms.map(({ url }) => [url, [400, 'private_target', 400, 'private_target']])));
    const listed = await strict.api.request('GET', '/webhooks/subscriptions');
    expect(listed.body.items.map((item: { url: string }) => item.url)).toEqual([PUBLIC_BUT_NEVER_CONTACTED]);
  });

  it('refuses a URL with a raw space or control character (400 invalid_url) instead of storing what the URL parser makes of it', async () => {
    const loose = await environment(true);
    for (const { url } of controlCharacterUrls) {
      const refused = await loose.api.subscribe(url);
      expect([url, refused.status, refused.body.error, refused.body.message]).toEqual([
        url,
        400,
        'invalid_url',
        expect.stringMatching(/^url must not contain spaces or control characters/),
      ]);
    }
    // The same URL without the line break is accepted: the refusal is the character's, not the host's.
    expect((await loose.api.subscribe(t.receiver.url('/clean'))).status).toBe(200);
    expect((await loose.api.subscribe(t.receiver.url('/clean').replace('127.0.0.1', '127.0.0.1\r\n'))).status).toBe(400);
    expect((await loose.api.request('GET', '/webhooks/subscriptions')).body.items).toHaveLength(1);
  });

  it('a change of the setting applies to the next subscribe', async () => {
    const later = await environment();
    expect((await later.api.subscribe(t.receiver.url('/later'))).status).toBe(400);
    await t.app.admin.request('PATCH', `/admin/environments/${later.id}`, { allowPrivateTargets: true });
    expect((await later.api.subscribe(t.receiver.url('/later'))).status).toBe(200);
  });
});
