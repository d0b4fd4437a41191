import { NOTIFICATION_ID, notificationListPage, SUBSCRIPTION_ID, testEventSent } from '../../support/api-answers';
import { runCli } from '../../support/cli-harness';
import { StubApi } from '../../support/stub-api';

const OLDER = 'ntf_01KBBBBBBBBBBBBBBBBBBBBBBB';

/** plude notifications list and plude subscriptions test (issue 25) against a stub of the API. */
describe('plude notifications list, subscriptions test (stub API)', () => {
  let api: StubApi;
  beforeAll(async () => (api = await StubApi.start()));
  afterAll(() => api.stop());
  beforeEach(() => api.reset());

  const plude = (...argv: string[]) => runCli(argv, { env: { PLUDE_URL: api.url, PLUDE_TOKEN: 'pwh_stub', PLUDE_ENVIRONMENT: 'staging' } });

  it('notifications list passes its filters as the query, prints a table, and the command for the next page', async () => {
    const page = notificationListPage(
      [
        { id: NOTIFICATION_ID, status: 'succeeded', eventType: 'invoice.paid', test: true },
        { id: OLDER, status: 'succeeded', eventType: 'invoice.paid' },
      ],
      true,
    );
    api.on('GET', `/notifications?limit=2&status=succeeded&eventType=invoice.paid&subscriptionId=${SUBSCRIPTION_ID}`, { status: 200, body: page });
    const { code, stdout } = await plude(
      'notifications',
      'list',
      '--status',
      'succeeded',
      '--event-type',
      'invoice.paid',
      '--subscription',
      SUBSCRIPTION_ID,
      '--limit',
      '2',
    );
    expect(code).toBe(0);
    expect(api.requests[0].path).toBe(`/notifications?limit=2&status=succeeded&eventType=invoice.paid&subscriptionId=${SUBSCRIPTION_ID}`);
    expect(stdout).toMatch(new RegExp(`^${NOTIFICATION_ID} +succeeded \\(test\\) +1 +invoice\\.paid +${SUBSCRIPTION_ID} `, 'm'));
    expect(stdout).toMatch(new RegExp(`^${OLDER} +succeeded +1 `, 'm'));
    expect(stdout).toContain(`more: plude notifications list --status succeeded --event-type invoice.paid --subscription ${SUBSCRIPTION_ID} --after ${OLDER}`);
  });

  it('notifications list with no notifications says so; a bad status or limit is wrong usage, before any request', async () => {
    api.on('GET', '/notifications?limit=50', { status: 200, body: notificationListPage([]) });
    expect((await plude('notifications', 'list')).stdout.trim()).toBe('no notifications');
    expect(api.requests[0].path).toBe('/notifications?limit=50');
    const bad = await plude('notifications', 'list', '--status', 'lost');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/one of pending, succeeded, expired, cancelled, skipped/);
    expect((await plude('notifications', 'list', '--limit', '500')).code).not.toBe(0);
    expect(api.requests).toHaveLength(1);
  });

  it('subscriptions test <id> <type> posts the type (and --data as given) and says where to follow it', async () => {
    api.on('POST', `/webhooks/subscriptions/${SUBSCRIPTION_ID}/test`, { status: 202, body: testEventSent('invoice.paid') });
    const sent = await plude('subscriptions', 'test', SUBSCRIPTION_ID, 'invoice.paid');
    expect(sent.code).toBe(0);
    expect(JSON.parse(api.requests[0].body)).toEqual({ type: 'invoice.paid' });
    expect(sent.stdout).toContain(`test event evt_01KDDDDDDDDDDDDDDDDDDDDDDD (invoice.paid) sent to ${SUBSCRIPTION_ID}`);
    expect(sent.stdout).toContain(`follow it: plude notifications get ${NOTIFICATION_ID}`);

    await plude('subscriptions', 'test', SUBSCRIPTION_ID, 'invoice.paid', '--data', '{"amount": 12345678901234567890}');
    expect(api.requests[1].body).toBe('{"type":"invoice.paid","data":{"amount": 12345678901234567890}}');
  });
});
