import { runCli } from '../../support/cli-harness';
import { StubApi } from '../../support/stub-api';

const SUB = 'sub_01KAAAAAAAAAAAAAAAAAAAAAAA';
const NTF = 'ntf_01KAAAAAAAAAAAAAAAAAAAAAAA';
const WAITING = 'ntf_01KBBBBBBBBBBBBBBBBBBBBBBB';

/** The ordering commands (issue 22) against a stub of the API: the requests they make, and what they print. */
describe('plude ordering commands (stub API)', () => {
  let api: StubApi;
  beforeAll(async () => (api = await StubApi.start()));
  afterAll(() => api.stop());
  beforeEach(() => api.reset());

  const plude = (...argv: string[]) => runCli(argv, { env: { PLUDE_URL: api.url, PLUDE_TOKEN: 'pwh_stub', PLUDE_ENVIRONMENT: 'staging' } });
  const notification = {
    id: NTF,
    eventId: 'evt_01KAAAAAAAAAAAAAAAAAAAAAAA',
    subscriptionId: SUB,
    status: 'skipped',
    held: null,
    attemptCount: 3,
    createdAt: '2025-12-01T09:00:00.000Z',
    nextAttemptAt: null,
    completedAt: '2025-12-01T09:01:00.000Z',
    expiresAt: '2025-12-04T09:00:00.000Z',
    attempts: [],
    orderingKey: 'in 42/a',
    waitsFor: null,
  };

  it('subscriptions ordering <id> <key> shows the head and how many wait, the key as one path segment', async () => {
    api.on('GET', `/webhooks/subscriptions/${SUB}/ordering/in%2042%2Fa`, {
      status: 200,
      body: { subscriptionId: SUB, orderingKey: 'in 42/a', head: { id: NTF, subscriptionId: SUB, status: 'pending', attemptCount: 7 }, waiting: 12 },
    });
    const { code, stdout } = await plude('subscriptions', 'ordering', SUB, 'in 42/a');
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^head: +${NTF} \\(pending, 7 attempts\\)$`, 'm'));
    expect(stdout).toMatch(/^waiting: +12$/m);
    expect(stdout).toMatch(new RegExp(`^unblock: +plude notifications skip ${NTF}$`, 'm'));
  });

  it('notifications skip <id> posts the skip and says so; get shows the key and what a waiting one waits for', async () => {
    api.on('POST', `/notifications/${NTF}/skip`, { status: 200, body: notification });
    const skipped = await plude('notifications', 'skip', NTF);
    expect(skipped.code).toBe(0);
    expect(skipped.stdout.trim()).toBe(`notification ${NTF} skipped`);
    expect(api.requests[0]).toMatchObject({ method: 'POST', path: `/notifications/${NTF}/skip` });

    api.on('GET', `/notifications/${WAITING}`, { status: 200, body: { ...notification, id: WAITING, status: 'pending', completedAt: null, waitsFor: NTF } });
    const shown = await plude('notifications', 'get', WAITING);
    expect(shown.stdout).toMatch(/^ordering key: +in 42\/a$/m);
    expect(shown.stdout).toMatch(new RegExp(`^waits for: +${NTF}, the first pending notification of its key$`, 'm'));
  });

  it('subscriptions create --ordering key subscribes with it; set-ordering patches it; anything else is wrong usage', async () => {
    api.on('PUT', '/webhooks/subscribe', {
      status: 200,
      body: { id: SUB, url: 'https://hooks.example/in', signatureKey: 'whsec_x', eventTypes: [], ordering: 'key', createdAt: '2025-12-01T09:00:00.000Z' },
    });
    const created = await plude('subscriptions', 'create', 'https://hooks.example/in', '--ordering', 'key');
    expect(created.code).toBe(0);
    expect(JSON.parse(api.requests[0].body)).toEqual({ url: 'https://hooks.example/in', ordering: 'key' });
    expect(created.stdout).toMatch(/^ordering: +by ordering key$/m);

    api.on('PATCH', `/webhooks/subscriptions/${SUB}`, { status: 200, body: { id: SUB, ordering: 'none' } });
    const set = await plude('subscriptions', 'set-ordering', SUB, 'none');
    expect(set.stdout.trim()).toBe(`subscription ${SUB} orders none`);
    expect(JSON.parse(api.requests[1].body)).toEqual({ ordering: 'none' });

    expect((await plude('subscriptions', 'create', 'https://hooks.example/in', '--ordering', 'fifo')).code).toBe(2);
  });
});
