import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { waitFor } from '../../support/wait';
import { BUILT, ensureBuilt, ROOT } from '../../support/built';
import { runCli } from '../../support/cli-harness';
import { PortalReader } from '../../support/portal';
import { ADMIN_TOKEN, useTestApp } from '../../support/test-app';

/** plude's commands against the real API, worker, Temporal and PostgreSQL (run in this process, and once as a process). */
describe('plude against the real stack', () => {
  // Built first, if it must be: the build blocks this process, whose app would meanwhile drop its idle connections
  // (a fetch on one of them then fails with ECONNRESET).
  beforeAll(() => ensureBuilt(), 180_000);
  const t = useTestApp();

  const as = (environment: string, token?: string, serviceToken?: string) => {
    const env = {
      PLUDE_URL: t.app.api.url,
      PLUDE_ADMIN_TOKEN: ADMIN_TOKEN,
      PLUDE_ENVIRONMENT: environment,
      ...(token ? { PLUDE_TOKEN: token } : {}),
      ...(serviceToken ? { PLUDE_SERVICE_TOKEN: serviceToken } : {}),
    };
    return (...argv: string[]) => runCli(argv, { env });
  };
  const json = async (run: Promise<{ code: number; stdout: string; stderr: string }>) => {
    const { code, stdout, stderr } = await run;
    expect([code, stderr]).toEqual([0, '']);
    return JSON.parse(stdout);
  };

  it('an operator creates an environment, gives it a token, lists and revokes tokens', async () => {
    const id = `cli-${randomBytes(4).toString('hex')}`;
    const admin = as(id);
    expect(await json(admin('environments', 'create', id, '--json'))).toEqual({
      id,
      allowPrivateTargets: false,
      defaultRateLimit: null,
      defaultMaxInFlight: null,
      displayName: null,
      accentColor: null,
      logoUrl: null,
      createdAt: expect.any(String),
    });
    expect((await admin('environments', 'update', id, '--allow-private-targets')).stdout).toContain('private targets:  allowed');
    expect((await admin('environments', 'get', id)).stdout).toMatch(new RegExp(`^environment: +${id}\\nprivate targets: +allowed\\n`));

    const issued = await json(admin('tokens', 'create', '--json'));
    expect(issued).toMatchObject({ token: expect.stringMatching(/^pwh_/), environmentId: id, scopes: ['subscriptions'] });
    const integrator = as(id, issued.token);
    expect((await integrator('subscriptions', 'list')).stdout).toBe('no subscriptions\n');
    const listed = await json(admin('tokens', 'list', '--json'));
    expect(listed).toEqual([expect.objectContaining({ id: issued.id, lastUsedAt: expect.any(String), revokedAt: null })]);
    // The integrator's token does not publish: the refusal names the scope.
    expect(await as(id, undefined, issued.token)('events', 'publish', 'a.b')).toMatchObject({
      code: 1,
      stderr: 'plude: HTTP 403 forbidden: this API token lacks the publish scope, which POST /events requires (it holds: subscriptions)\n',
    });
    const publisher = await json(admin('tokens', 'create', '--scopes', 'subscriptions,publish', '--json'));
    expect(publisher.scopes).toEqual(['subscriptions', 'publish']);
    expect((await as(id, undefined, publisher.token)('events', 'publish', 'a.b')).code).toBe(0);
    expect(await admin('tokens', 'create', '--scopes', 'catalog')).toMatchObject({ code: 1, stderr: expect.stringContaining('HTTP 400 validation') });

    expect((await admin('tokens', 'revoke', issued.id)).code).toBe(0);
    expect(await integrator('subscriptions', 'list')).toMatchObject({ code: 1, stderr: expect.stringContaining('HTTP 401 unauthorized') });
    expect(await admin('environments', 'create', id)).toMatchObject({ code: 1, stderr: `plude: HTTP 409 conflict: environment ${id} already exists\n` });
  });

  it('an operator issues, lists and revokes service tokens; one declares and publishes in its environments only', async () => {
    const { id, token } = await t.app.newEnvironment({ scopes: ['subscriptions'] });
    const elsewhere = await t.app.newEnvironment();
    const admin = as(id);
    const issued = await json(admin('service-tokens', 'create', `cli ${id}`, '--environments', id, '--json'));
    expect(issued).toMatchObject({ token: expect.stringMatching(/^pwh_/), scopes: ['publish', 'catalog'], environments: [id] });
    const service = as(id, token, issued.token);
    expect((await service('event-types', 'put', 'cli.declared', '--description', 'Declared by a service')).code).toBe(0);
    expect((await service('event-types', 'list')).stdout).toContain('cli.declared'); // with the integrator token
    expect((await service('events', 'publish', 'cli.declared')).stdout).toMatch(/^event evt_\w+ \(cli\.declared\) published: 0 notifications\n$/);
    expect(await as(elsewhere.id, undefined, issued.token)('events', 'publish', 'cli.declared')).toMatchObject({
      code: 1,
      stderr: 'plude: HTTP 403 forbidden: X-environment must name an environment this service token may use\n',
    });
    const listed = await json(admin('service-tokens', 'list', '--json'));
    expect(listed).toContainEqual(expect.objectContaining({ id: issued.id, name: `cli ${id}`, environments: [id], revokedAt: null }));
    expect((await admin('service-tokens', 'list')).stdout).toMatch(new RegExp(`\\n${issued.id} +cli ${id} +pwh_\\S+ +publish,catalog +${id} `));
    expect(await admin('service-tokens', 'revoke', issued.id)).toMatchObject({ code: 0, stdout: `service token ${issued.id} revoked\n` });
    expect(await service('events', 'publish', 'cli.declared')).toMatchObject({ code: 1, stderr: expect.stringContaining('HTTP 401 unauthorized') });
  });

  it("an operator brands an environment's portal, hands out a link, and ends the session it opened", async () => {
    const { id } = await t.app.newEnvironment();
    const admin = as(id);
    const branded = await json(admin('environments', 'update', id, '--display-name', 'CLI Billing', '--accent-color', '#0A7D52', '--json'));
    expect(branded).toMatchObject({ displayName: 'CLI Billing', accentColor: '#0a7d52', logoUrl: null });
    expect(await admin('environments', 'update', id, '--accent-color', 'green')).toMatchObject({
      code: 1,
      stderr: 'plude: HTTP 400 validation: accentColor must be a colour like #0a7d52 (#rrggbb), or null\n',
    });

    const link = await json(admin('portal', 'link', '--ttl', '5m', '--json'));
    expect(link.url).toMatch(new RegExp(`^${t.app.api.url}/portal/enter\\?link=ppl_`));
    const reader = new PortalReader(t.app.api.url);
    expect((await reader.open(link.url)).status).toBe(200);
    const page = await reader.get('/portal/subscriptions');
    expect(page.status).toBe(200);
    expect(page.html).toContain('CLI Billing');

    expect(await admin('portal', 'revoke', link.id)).toMatchObject({ code: 0, stdout: `portal session ${link.id} ended\n` });
    const ended = await reader.get('/portal/subscriptions');
    expect([ended.status, ended.headers.get('location')]).toEqual([303, '/portal/sign-in?ended=1']);
    // A service token without the portal scope gets the API's refusal; the name goes back to the environment's ID.
    const publisher = await json(admin('service-tokens', 'create', `cli portal ${id}`, '--environments', id, '--json'));
    const refused = await as(id, undefined, publisher.token)('portal', 'link', '--with-service-token');
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/^plude: HTTP 403 forbidden: .*lacks the portal scope/) });
    expect((await json(admin('environments', 'update', id, '--display-name', 'default', '--json'))).displayName).toBeNull();
  });

  it('an operator registers the operational webhook, moves it keeping its key, and deletes it', async () => {
    const admin = as('sandbox');
    expect(await admin('operational-webhook', 'set', 'http://platform.example/ops')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^plude: HTTP 400 \S+: .*https/),
    });
    const registered = await json(admin('operational-webhook', 'set', t.receiver.url('/cli-ops'), '--allow-private-targets', '--json'));
    expect(registered).toMatchObject({
      url: t.receiver.url('/cli-ops'),
      signatureKey: expect.stringMatching(/^whsec_/),
      allowPrivateTargets: true,
      status: 'active',
    });
    const moved = await json(admin('operational-webhook', 'set', t.receiver.url('/cli-ops-moved'), '--allow-private-targets', '--json'));
    expect(moved).toMatchObject({ url: t.receiver.url('/cli-ops-moved'), signatureKey: registered.signatureKey });
    expect((await admin('operational-webhook', 'get')).stdout).toMatch(new RegExp(`^url: +${t.receiver.url('/cli-ops-moved')}\nstatus: +active\n`));
    expect(await admin('operational-webhook', 'delete')).toMatchObject({ code: 0, stdout: 'operational webhook deleted\n' });
    expect(await admin('operational-webhook', 'get')).toMatchObject({ code: 1, stderr: expect.stringContaining('HTTP 404') });
  });

  it('an integrator subscribes, a service publishes, and both follow the notification', async () => {
    const environment = await t.app.newEnvironment({ scopes: ['subscriptions'] });
    const { id, token } = environment;
    const plude = as(id, token, (await environment.service()).auth.token);
    const url = t.receiver.url('/cli');
    const subscribed = await json(plude('subscriptions', 'create', url, '--event-type', 'invoice.paid', '--json'));
    expect(subscribed).toMatchObject({ id: expect.stringMatching(/^sub_/), url, signatureKey: expect.stringMatching(/^whsec_/), eventTypes: ['invoice.paid'] });

    const data = '{"invoice": "in_42", "amount": 12345678901234567890}';
    const published = await plude('events', 'publish', 'invoice.paid', '--data', data, '--idempotency-key', `cli-${id}`);
    expect(published).toMatchObject({ code: 0, stdout: expect.stringMatching(/^event evt_\w+ \(invoice\.paid\) published: 1 notification\n$/) });
    const eventId = /evt_\w+/.exec(published.stdout)![0];
    const [request] = await t.receiver.arrived('/cli');
    expect(request.body).toContain(`"data":${data}`);

    const event = await waitFor(
      () => plude('events', 'get', eventId, '--json'),
      (r) => r.stdout.includes('"status":"succeeded"'),
    );
    expect(event.stdout).toContain(`"data":${data}`); // the publisher's text, big number and all
    const notificationId = /ntf_\w+/.exec(event.stdout)![0];
    const shown = await plude('notifications', 'get', notificationId);
    expect(shown.stdout).toMatch(/status: +succeeded\n/);
    expect(shown.stdout).toMatch(/\n1  \S+ +\d+ms +HTTP 200/);
  });

  it('manages a subscription: list, get, pause, resume, rotate its key, delete', async () => {
    const { id, token } = await t.app.newEnvironment();
    const plude = as(id, token);
    const { id: subscriptionId } = await json(plude('subscriptions', 'create', t.receiver.url('/cli-managed'), '--json'));
    expect((await plude('subscriptions', 'list')).stdout).toMatch(new RegExp(`\\n${subscriptionId}  active  ${t.receiver.url('/cli-managed')}  \\*  `));
    expect((await plude('subscriptions', 'pause', subscriptionId)).stdout).toBe(`subscription ${subscriptionId} is paused\n`);
    expect((await json(plude('subscriptions', 'get', subscriptionId, '--json'))).status).toBe('paused');
    expect((await plude('subscriptions', 'resume', subscriptionId)).stdout).toBe(`subscription ${subscriptionId} is active\n`);
    const rotated = await json(plude('subscriptions', 'rotate-key', subscriptionId, '--overlap', '1h', '--json'));
    expect(rotated).toMatchObject({ id: expect.stringMatching(/^key_/), signatureKey: expect.stringMatching(/^whsec_/) });
    expect((await plude('subscriptions', 'delete', subscriptionId)).stdout).toBe(`subscription ${subscriptionId} deleted\n`);
    expect(await plude('subscriptions', 'get', subscriptionId)).toMatchObject({
      code: 1,
      stderr: `plude: HTTP 404 not_found: subscription ${subscriptionId} not found\n`,
    });
  });

  it("changes a subscription's URL, event types and rate limit, and archives an event type", async () => {
    const environment = await t.app.newEnvironment();
    const plude = as(environment.id, environment.token, (await environment.service()).auth.token);
    const { id: subscriptionId } = await json(plude('subscriptions', 'create', t.receiver.url('/cli-update'), '--json'));
    const updated = await json(
      plude(
        'subscriptions',
        'update',
        subscriptionId,
        '--notification-url',
        t.receiver.url('/cli-updated'),
        '--event-type',
        'cli.updated',
        '--rate-limit',
        '5',
        '--json',
      ),
    );
    expect(updated).toMatchObject({ url: t.receiver.url('/cli-updated'), eventTypes: ['cli.updated'], rateLimit: 5 });
    expect((await plude('subscriptions', 'update', subscriptionId, '--every-type', '--rate-limit', 'default')).stdout).toMatch(/^event types: +every type$/m);
    expect(await json(plude('subscriptions', 'get', subscriptionId, '--json'))).toMatchObject({ eventTypes: [], rateLimit: null });
    expect(await plude('subscriptions', 'update', subscriptionId, '--notification-url', 'http://plain.example/hooks')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^plude: HTTP 400 \S+: .*https/),
    });

    const type = `cli.archived.${environment.id.replace(/[^a-z0-9]/g, '')}`;
    expect((await plude('event-types', 'put', type, '--description', 'Archived by the CLI test')).code).toBe(0);
    expect((await plude('events', 'publish', type)).code).toBe(0);
    expect((await plude('event-types', 'archive', type)).code).toBe(0);
    expect(await plude('events', 'publish', type)).toMatchObject({ code: 1, stderr: expect.stringContaining('HTTP 422') });
  });

  it('runs as a process: bin/plude.js, its output and its exit codes', async () => {
    const { id, token } = await t.app.newEnvironment();
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, PLUDE_URL: t.app.api.url, PLUDE_TOKEN: token, PLUDE_ENVIRONMENT: id };
    const plude = (...argv: string[]) =>
      promisify(execFile)(BUILT.bin, argv, { cwd: ROOT, env }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
      );
    expect(await plude('subscriptions', 'list', '--json')).toEqual({ code: 0, stdout: '{\n  "items": [],\n  "nextCursor": null\n}\n', stderr: '' });
    expect(await plude('notifications', 'get', 'ntf_nope')).toMatchObject({ code: 1, stderr: 'plude: HTTP 404 not_found: notification ntf_nope not found\n' });
    expect(await plude('subscriptions', 'list', '--limit', 'many')).toMatchObject({ code: 2, stderr: expect.stringContaining("argument 'many' is invalid") });
  });
});
