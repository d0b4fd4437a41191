import { runCli } from '../../support/cli-harness';
import { StubApi } from '../../support/stub-api';

const TOKEN = 'pwh_stub-token';
const SERVICE_TOKEN = 'pwh_stub-service-token';
const ADMIN = 'adm_stub-admin-token';
const SUB = 'sub_01KAAAAAAAAAAAAAAAAAAAAAAA';
const subscription = {
  id: SUB,
  url: 'https://hooks.example/in',
  eventTypes: [],
  status: 'active',
  disabledReason: null,
  createdAt: '2025-12-01T09:00:00.000Z',
  updatedAt: '2025-12-01T09:00:00.000Z',
};

/** The command layer against a stub of the API: the requests each command makes, and what it prints. */
describe('plude commands (stub API)', () => {
  let api: StubApi;
  beforeAll(async () => (api = await StubApi.start()));
  afterAll(() => api.stop());
  beforeEach(() => api.reset());

  const plude = (...argv: string[]) =>
    runCli(argv, {
      env: { PLUDE_URL: api.url, PLUDE_TOKEN: TOKEN, PLUDE_SERVICE_TOKEN: SERVICE_TOKEN, PLUDE_ENVIRONMENT: 'staging', PLUDE_ADMIN_TOKEN: ADMIN },
    });

  it('sends the API token, the environment and the version on API routes', async () => {
    api.on('GET', `/webhooks/subscriptions/${SUB}`, { status: 200, body: subscription });
    const { code, stdout } = await plude('subscriptions', 'get', SUB);
    expect(code).toBe(0);
    const [request] = api.requests;
    expect(request.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'x-environment': 'staging', 'x-version': '2022-03' });
    expect(stdout).toContain(`subscription:  ${SUB}`);
    expect(stdout).toContain('event types:   every type');
  });

  it('get shows the rate limit, the cap in flight and the breaker (issue 20)', async () => {
    const limited = {
      ...subscription,
      rateLimit: 5,
      maxInFlight: 10,
      breaker: { state: 'open', until: '2025-12-01T09:05:00.000Z', consecutiveFailures: 3 },
    };
    api.on('GET', `/webhooks/subscriptions/${SUB}`, { status: 200, body: limited });
    const shown = await plude('subscriptions', 'get', SUB);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^rate limit: +5 a second$/m);
    expect(shown.stdout).toMatch(/^in flight: +at most 10$/m);
    expect(shown.stdout).toMatch(/^breaker: +open until 2025-12-01T09:05:00\.000Z \(3 failures in a row\)$/m);

    const unlimited = { ...subscription, rateLimit: 0, maxInFlight: null, breaker: { state: 'half-open', until: null, consecutiveFailures: 0 } };
    api.on('GET', `/webhooks/subscriptions/${SUB}`, { status: 200, body: unlimited });
    const defaults = (await plude('subscriptions', 'get', SUB)).stdout;
    expect(defaults).toMatch(/^rate limit: +no limit$/m);
    expect(defaults).toMatch(/^in flight: +the default$/m);
    expect(defaults).toMatch(/^breaker: +half-open: one probe out$/m);
  });

  it('prints the API JSON with --json, for scripts', async () => {
    api.on('GET', `/webhooks/subscriptions/${SUB}`, { status: 200, body: subscription });
    const { code, stdout } = await plude('subscriptions', 'get', SUB, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(subscription);
  });

  it('lists subscriptions a page at a time, and says how to get the next', async () => {
    api.on('GET', '/webhooks/subscriptions?limit=1&after=sub_prev', { status: 200, body: { items: [subscription], nextCursor: SUB } });
    const { code, stdout } = await plude('subscriptions', 'list', '--limit', '1', '--after', 'sub_prev');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ID +STATUS +URL +EVENT TYPES +CREATED\n/);
    expect(stdout).toContain(`${SUB}  active  https://hooks.example/in  *`);
    expect(stdout).toContain(`more: plude subscriptions list --after ${SUB}`);
  });

  it.each([
    ['pause', 'paused'],
    ['resume', 'active'],
  ])('%s is a PATCH of the status', async (command, status) => {
    api.on('PATCH', `/webhooks/subscriptions/${SUB}`, { status: 200, body: { ...subscription, status } });
    const { code, stdout } = await plude('subscriptions', command, SUB);
    expect(code).toBe(0);
    expect(JSON.parse(api.requests[0].body)).toEqual({ status });
    expect(api.requests[0].headers['content-type']).toBe('application/json');
    expect(stdout).toBe(`subscription ${SUB} is ${status}\n`);
  });

  it('deletes a subscription, and rotates a key with or without an overlap', async () => {
    api.on('DELETE', `/webhooks/subscriptions/${SUB}`, { status: 204 });
    api.on('POST', `/webhooks/subscriptions/${SUB}/rotate-key`, { status: 200, body: { id: 'key_1', signatureKey: 'whsec_new', createdAt: 'now' } });
    expect(await plude('subscriptions', 'delete', SUB, '--json')).toMatchObject({ code: 0, stdout: `{\n  "id": "${SUB}",\n  "deleted": true\n}\n` });
    expect((await plude('subscriptions', 'rotate-key', SUB)).stdout).toContain('signature key:  whsec_new');
    await plude('subscriptions', 'rotate-key', SUB, '--overlap', '0s');
    const [, withoutBody, withOverlap] = api.requests;
    expect([withoutBody.body, withoutBody.headers['content-type']]).toEqual(['', undefined]);
    expect(JSON.parse(withOverlap.body)).toEqual({ overlap: '0s' });
  });

  it("changes a subscription's URL, event types and limits, each limit back to the environment's default with default", async () => {
    const limited = { ...subscription, url: 'https://hooks.example/moved', eventTypes: ['invoice.paid'], rateLimit: 2.5, maxInFlight: 4 };
    api.on('PATCH', `/webhooks/subscriptions/${SUB}`, { status: 200, body: limited });
    const shown = await plude(
      'subscriptions',
      'update',
      SUB,
      '--notification-url',
      'https://hooks.example/moved',
      '--event-type',
      'invoice.paid',
      '--rate-limit',
      '2.5',
      '--max-in-flight',
      '4',
    );
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^url: +https:\/\/hooks\.example\/moved$/m);
    expect(shown.stdout).toMatch(/^rate limit: +2\.5 a second$/m);
    expect(shown.stdout).toMatch(/^in flight: +at most 4$/m);
    await plude('subscriptions', 'update', SUB, '--every-type', '--rate-limit', 'default', '--max-in-flight', '0');
    expect(api.requests.map((r) => JSON.parse(r.body))).toEqual([
      { url: 'https://hooks.example/moved', eventTypes: ['invoice.paid'], rateLimit: 2.5, maxInFlight: 4 },
      { eventTypes: [], rateLimit: null, maxInFlight: 0 },
    ]);
    expect(api.requests.every((r) => r.method === 'PATCH' && r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('archives an event type with the service token', async () => {
    api.on('DELETE', '/event-types/invoice.paid', { status: 204 });
    expect(await plude('event-types', 'archive', 'invoice.paid')).toMatchObject({
      code: 0,
      stdout: 'event type invoice.paid archived: publishing it is refused until plude event-types put invoice.paid\n',
    });
    expect(api.requests.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([['DELETE', '/event-types/invoice.paid', `Bearer ${SERVICE_TOKEN}`]]);
  });

  it("publishes an event with the service token, the user's data exactly as typed, and an idempotency key", async () => {
    api.on('POST', '/events', { status: 202, body: { id: 'evt_1', type: 'invoice.paid', createdAt: 'now', notifications: 2 } });
    const data = '{"amount": 12345678901234567890, "b": 1, "a": 2}';
    const { code, stdout } = await plude('events', 'publish', 'invoice.paid', '--data', data, '--idempotency-key', 'k-1');
    expect(code).toBe(0);
    expect(api.requests[0].body).toBe(`{"type":"invoice.paid","data":${data}}`);
    expect(api.requests[0].headers['idempotency-key']).toBe('k-1');
    expect(api.requests[0].headers).toMatchObject({ authorization: `Bearer ${SERVICE_TOKEN}`, 'x-environment': 'staging' });
    expect(stdout).toBe('event evt_1 (invoice.paid) published: 2 notifications\n');
  });

  it('declares an event type with the service token, and lists the catalog with the integrator token', async () => {
    api.on('PUT', '/event-types/invoice.paid', { status: 200, body: { name: 'invoice.paid', description: 'Paid' } });
    api.on('GET', '/webhooks/event-types', { status: 200, body: { items: [{ name: 'invoice.paid', description: 'Paid' }] } });
    expect((await plude('event-types', 'put', 'invoice.paid', '--description', 'Paid')).code).toBe(0);
    expect((await plude('event-types', 'list')).stdout).toContain('invoice.paid');
    expect(api.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${SERVICE_TOKEN}`, `Bearer ${TOKEN}`]);
  });

  it('says where a service token would be when there is none, exit 2', async () => {
    const { code, stderr } = await runCli(['events', 'publish', 'a.b', '--data-dir', '/nothing-here'], {
      env: { PLUDE_URL: api.url, PLUDE_TOKEN: TOKEN, PLUDE_ENVIRONMENT: 'staging' },
    });
    expect([code, stderr]).toEqual([
      2,
      'plude: no service token: set PLUDE_SERVICE_TOKEN or --service-token, or run it where npm start keeps it (/nothing-here/service-token)\n',
    ]);
    expect(api.requests).toEqual([]);
  });

  it('shows a notification with its attempts', async () => {
    api.on('GET', '/notifications/ntf_1', {
      status: 200,
      body: {
        id: 'ntf_1',
        eventId: 'evt_1',
        subscriptionId: SUB,
        status: 'pending',
        held: null,
        attemptCount: 1,
        createdAt: 't0',
        nextAttemptAt: 't2',
        completedAt: null,
        expiresAt: 't9',
        attempts: [
          {
            number: 1,
            url: 'https://receiver.example/hooks',
            startedAt: 't1',
            durationMs: 12,
            succeeded: false,
            statusCode: 503,
            error: 'receiver answered HTTP 503',
            nextAttemptAt: 't2',
          },
        ],
      },
    });
    const { code, stdout } = await plude('notifications', 'get', 'ntf_1');
    expect(code).toBe(0);
    expect(stdout).toContain('status:        pending');
    expect(stdout).toMatch(/#  STARTED  TOOK  OUTCOME   NEXT ATTEMPT  URL\n1  t1       12ms  HTTP 503  t2            https:\/\/receiver.example\/hooks/);
  });

  it('prints each attempt’s request headers with --headers, the signature included, and says when an older one has none', async () => {
    const attempt = {
      url: 'https://receiver.example/hooks',
      startedAt: 't1',
      durationMs: 12,
      succeeded: false,
      statusCode: 503,
      error: null,
      nextAttemptAt: 't2',
    };
    const sent = { 'webhook-signature': 'v1,c2lnbmVk', 'webhook-id': 'ntf_1', 'webhook-timestamp': '1765630000', 'content-type': 'application/json' };
    api.on('GET', '/notifications/ntf_1', {
      status: 200,
      body: {
        id: 'ntf_1',
        eventId: 'evt_1',
        subscriptionId: SUB,
        status: 'pending',
        held: null,
        attemptCount: 2,
        createdAt: 't0',
        nextAttemptAt: 't2',
        completedAt: null,
        expiresAt: 't9',
        attempts: [
          { ...attempt, number: 1, requestHeaders: null },
          { ...attempt, number: 2, requestHeaders: sent },
        ],
      },
    });
    const { code, stdout } = await plude('notifications', 'get', 'ntf_1', '--headers');
    expect(code).toBe(0);
    expect(stdout).toContain(
      [
        '',
        'attempt 1 request headers: not recorded',
        '',
        'attempt 2 request headers:',
        '  content-type: application/json',
        '  webhook-id: ntf_1',
        '  webhook-timestamp: 1765630000',
        '  webhook-signature: v1,c2lnbmVk',
        '',
      ].join('\n'),
    );
    expect((await plude('notifications', 'get', 'ntf_1')).stdout).not.toContain('request headers');
  });

  it('creates, shows and changes environments with the admin token', async () => {
    const environment = { id: 'production', allowPrivateTargets: false, defaultRateLimit: null, defaultMaxInFlight: 3, createdAt: 'now' };
    api.on('POST', '/admin/environments', { status: 201, body: environment });
    api.on('GET', '/admin/environments/production', { status: 200, body: environment });
    api.on('PATCH', '/admin/environments/production', { status: 200, body: { ...environment, allowPrivateTargets: true } });
    const created = (await plude('environments', 'create', 'production')).stdout;
    expect(created).toContain('private targets:  refused (unless ALLOW_PRIVATE_TARGETS=true)');
    expect(created).toContain('default rate:     the platform default\ndefault cap:      3 in flight');
    await plude('environments', 'create', 'production', '--allow-private-targets');
    expect((await plude('environments', 'get', 'production', '--json')).stdout).toBe(`${JSON.stringify(environment, null, 2)}\n`);
    expect((await plude('environments', 'update', 'production', '--allow-private-targets')).stdout).toContain('private targets:  allowed');
    await plude('environments', 'update', 'production', '--no-allow-private-targets');
    await plude('environments', 'update', 'production', '--default-rate-limit', '2.5', '--default-max-in-flight', 'default');
    expect((await plude('environments', 'update', 'production', '--default-rate-limit', 'fast')).stderr).toMatch(/a number ≥ 0 \(0: no limit\), or "default"/);
    expect(api.requests.map((r) => [r.method, r.headers.authorization, r.body])).toEqual([
      ['POST', `Bearer ${ADMIN}`, '{"id":"production"}'],
      ['POST', `Bearer ${ADMIN}`, '{"id":"production","allowPrivateTargets":true}'],
      ['GET', `Bearer ${ADMIN}`, ''],
      ['PATCH', `Bearer ${ADMIN}`, '{"allowPrivateTargets":true}'],
      ['PATCH', `Bearer ${ADMIN}`, '{"allowPrivateTargets":false}'],
      ['PATCH', `Bearer ${ADMIN}`, '{"defaultRateLimit":2.5,"defaultMaxInFlight":null}'],
    ]);
    expect(api.requests.every((r) => r.headers['x-environment'] === undefined)).toBe(true);
  });

  it("brands an environment's portal, and puts each setting back with default", async () => {
    const environment = { id: 'production', allowPrivateTargets: false, defaultRateLimit: null, defaultMaxInFlight: null, createdAt: 'now' };
    const branded = { ...environment, displayName: 'Acme Billing', accentColor: '#0a7d52', logoUrl: 'https://cdn.example/acme.svg' };
    api.on('PATCH', '/admin/environments/production', { status: 200, body: branded });
    const shown = await plude(
      'environments',
      'update',
      'production',
      '--logo-url',
      'https://cdn.example/acme.svg',
      '--display-name',
      'Acme Billing',
      '--accent-color',
      '#0a7d52',
    );
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('portal name:      Acme Billing\nportal colour:    #0a7d52\nportal logo:      https://cdn.example/acme.svg\n');
    api.on('PATCH', '/admin/environments/production', { status: 200, body: { ...environment, displayName: null, accentColor: null, logoUrl: null } });
    const reset = await plude('environments', 'update', 'production', '--display-name', 'default', '--accent-color', 'default', '--logo-url', 'default');
    expect(reset.stdout).toContain("portal name:      the environment's ID\nportal colour:    the portal's own\nportal logo:      none\n");
    expect(api.requests.map((r) => [r.headers.authorization, r.body])).toEqual([
      [`Bearer ${ADMIN}`, '{"displayName":"Acme Billing","accentColor":"#0a7d52","logoUrl":"https://cdn.example/acme.svg"}'],
      [`Bearer ${ADMIN}`, '{"displayName":null,"accentColor":null,"logoUrl":null}'],
    ]);
  });

  it('makes a portal link for --environment and ends its sessions, with the admin token or a service token', async () => {
    const link = { id: 'pss_1', url: 'https://webhooks.example/portal/enter?link=ppl_secret', expiresAt: '2026-12-06T15:00:00.000Z' };
    api.on('POST', '/admin/environments/staging/portal-sessions', { status: 201, body: link });
    api.on('DELETE', '/admin/environments/staging/portal-sessions', { status: 204 });
    api.on('DELETE', '/admin/environments/staging/portal-sessions/pss_1', { status: 204 });
    const made = await plude('portal', 'link', '--ttl', '5m');
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/^link: +https:\/\/webhooks\.example\/portal\/enter\?link=ppl_secret\nsession: +pss_1\nexpires: +2026-12-06T15:00:00\.000Z\n/);
    expect(made.stdout).toContain('plude portal revoke pss_1 ends it');
    expect(JSON.parse((await plude('portal', 'link', '--with-service-token', '--json')).stdout)).toEqual(link);
    expect(await plude('portal', 'revoke', 'pss_1')).toMatchObject({ code: 0, stdout: 'portal session pss_1 ended\n' });
    expect(await plude('portal', 'revoke', '--with-service-token')).toMatchObject({
      code: 0,
      stdout: 'every portal session and unused link of environment staging ended\n',
    });
    expect(api.requests.map((r) => [r.method, r.path, r.headers.authorization, r.body])).toEqual([
      ['POST', '/admin/environments/staging/portal-sessions', `Bearer ${ADMIN}`, '{"ttl":"5m"}'],
      ['POST', '/admin/environments/staging/portal-sessions', `Bearer ${SERVICE_TOKEN}`, '{}'],
      ['DELETE', '/admin/environments/staging/portal-sessions/pss_1', `Bearer ${ADMIN}`, ''],
      ['DELETE', '/admin/environments/staging/portal-sessions', `Bearer ${SERVICE_TOKEN}`, ''],
    ]);
  });

  it('registers, shows and deletes the operational webhook with the admin token', async () => {
    const registered = {
      url: 'https://platform.example/ops',
      signatureKey: 'whsec_ops',
      allowPrivateTargets: false,
      status: 'disabled',
      disabledReason: 'gone',
      createdAt: 'then',
    };
    api.on('PUT', '/admin/operational-webhook', { status: 200, body: registered });
    api.on('GET', '/admin/operational-webhook', { status: 200, body: { ...registered, status: 'active', disabledReason: null } });
    api.on('DELETE', '/admin/operational-webhook', { status: 204 });
    const set = await plude('operational-webhook', 'set', 'https://platform.example/ops', '--allow-private-targets');
    expect(set.stdout).toMatch(/^url: +https:\/\/platform\.example\/ops\nstatus: +disabled \(gone\)\nsignature key: +whsec_ops\n/);
    expect((await plude('operational-webhook', 'get')).stdout).toMatch(/^status: +active$/m);
    expect(await plude('operational-webhook', 'delete')).toMatchObject({ code: 0, stdout: 'operational webhook deleted\n' });
    expect(api.requests.map((r) => [r.method, r.headers.authorization, r.body])).toEqual([
      ['PUT', `Bearer ${ADMIN}`, '{"url":"https://platform.example/ops","allowPrivateTargets":true}'],
      ['GET', `Bearer ${ADMIN}`, ''],
      ['DELETE', `Bearer ${ADMIN}`, ''],
    ]);
  });

  it("issues, lists and revokes the environment's tokens", async () => {
    const issued = { token: 'pwh_new', id: 'tok_1', environmentId: 'staging', scopes: ['subscriptions'], createdAt: 'now' };
    api.on('POST', '/admin/environments/staging/tokens', { status: 201, body: issued });
    api.on('GET', '/admin/environments/staging/tokens', {
      status: 200,
      body: [{ id: 'tok_1', prefix: 'pwh_new', scopes: ['subscriptions', 'publish'], createdAt: 'then', lastUsedAt: null, revokedAt: null }],
    });
    api.on('DELETE', '/admin/environments/staging/tokens/tok_1', { status: 204 });
    const created = (await plude('tokens', 'create')).stdout;
    expect(created).toContain('token:        pwh_new');
    expect(created).toContain('scopes:       subscriptions');
    await plude('tokens', 'create', '--scopes', 'subscriptions, publish');
    expect((await plude('tokens', 'list')).stdout).toBe(
      'ID     PREFIX   SCOPES                 CREATED  LAST USED  REVOKED\ntok_1  pwh_new  subscriptions,publish  then     -          -\n',
    );
    expect(await plude('tokens', 'revoke', 'tok_1')).toMatchObject({ code: 0, stdout: 'token tok_1 revoked\n' });
    const [withoutScopes, withScopes] = api.requests;
    expect([withoutScopes.body, withoutScopes.headers.authorization]).toEqual(['', `Bearer ${ADMIN}`]);
    expect(JSON.parse(withScopes.body)).toEqual({ scopes: ['subscriptions', 'publish'] });
  });

  it('issues, lists and revokes service tokens', async () => {
    const issued = { token: 'pwh_svc', id: 'tok_2', name: 'billing', scopes: ['publish'], environments: ['eu', 'us'], createdAt: 'now' };
    api.on('POST', '/admin/tokens', { status: 201, body: issued });
    api.on('GET', '/admin/tokens', {
      status: 200,
      body: [
        {
          id: 'tok_2',
          name: 'billing',
          prefix: 'pwh_svc',
          scopes: ['publish', 'catalog'],
          environments: null,
          createdAt: 'then',
          lastUsedAt: null,
          revokedAt: null,
        },
      ],
    });
    api.on('DELETE', '/admin/tokens/tok_2', { status: 204 });
    const created = (await plude('service-tokens', 'create', 'billing', '--scopes', 'publish', '--environments', 'eu,us')).stdout;
    expect(created).toContain('token:         pwh_svc');
    expect(created).toContain('environments:  eu, us');
    await plude('service-tokens', 'create', 'catalog');
    expect((await plude('service-tokens', 'list')).stdout).toContain('tok_2  billing  pwh_svc  publish,catalog  every environment  then');
    expect(await plude('service-tokens', 'revoke', 'tok_2')).toMatchObject({ code: 0, stdout: 'service token tok_2 revoked\n' });
    const [first, second] = api.requests;
    expect(JSON.parse(first.body)).toEqual({ name: 'billing', scopes: ['publish'], environments: ['eu', 'us'] });
    expect(JSON.parse(second.body)).toEqual({ name: 'catalog', scopes: ['publish', 'catalog'] });
    expect(api.requests.every((r) => r.headers.authorization === `Bearer ${ADMIN}` && r.headers['x-environment'] === undefined)).toBe(true);
  });

  it('exits 1 with the API’s own message when it refuses', async () => {
    api.on('GET', '/notifications/ntf_gone', { status: 404, body: { statusCode: 404, error: 'not_found', message: 'notification ntf_gone not found' } });
    expect(await plude('notifications', 'get', 'ntf_gone')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'plude: HTTP 404 not_found: notification ntf_gone not found\n',
    });
  });

  it.each([
    [['subscriptions', 'list', '--limit', '0'], /--limit <n>' argument '0' is invalid/],
    [['subscriptions', 'get'], /missing required argument 'id'/],
    [['subscriptions', 'frobnicate'], /unknown command 'frobnicate'/],
    [['events', 'publish', 'a.b', '--data', '[1]'], /--data must be a JSON object/],
    [['events', 'publish', 'a.b', '--data', '{'], /--data is not valid JSON/],
    [['environments', 'update', 'x'], /nothing to change/],
    [['subscriptions', 'update', SUB], /nothing to change/],
    [['subscriptions', 'update', SUB, '--every-type', '--event-type', 'a.b'], /--event-type or --every-type, not both/],
    [['subscriptions', 'update', SUB, '--max-in-flight', '-1'], /a number ≥ 0 \(0: no limit\), or "default"/],
    [['subscriptions'], /Usage: plude subscriptions/],
    [[], /Usage: plude /],
  ])('exits 2 for wrong usage: plude %j', async (argv, message) => {
    const { code, stderr } = await plude(...argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(api.requests).toEqual([]);
  });

  it('has --help on every command, exit 0', async () => {
    for (const argv of [
      [],
      ['listen'],
      ['subscriptions'],
      ['subscriptions', 'rotate-key'],
      ['recover'],
      ['event-types', 'put'],
      ['tokens', 'revoke'],
      ['service-tokens', 'create'],
      ['portal', 'link'],
      ['subscriptions', 'update'],
      ['event-types', 'archive'],
      ['operational-webhook', 'set'],
    ]) {
      const { code, stdout } = await plude(...argv, '--help');
      expect([argv, code]).toEqual([argv, 0]);
      expect(stdout).toMatch(new RegExp(`^Usage: plude ${argv.join(' ')}`));
    }
  });
});
