import { runCli } from '../../support/cli-harness';
import { StubApi } from '../../support/stub-api';

const SERVICE_TOKEN = 'pwh_stub-service-token';
const ADMIN = 'adm_stub-admin-token';
const EVENT = 'evt_01KAAAAAAAAAAAAAAAAAAAAAAA';

/** plude events erase and plude purge against a stub of the API: the requests they make, and what they print. */
describe('plude events erase, plude purge (stub API)', () => {
  let api: StubApi;
  beforeAll(async () => (api = await StubApi.start()));
  afterAll(() => api.stop());
  beforeEach(() => api.reset());

  const plude = (...argv: string[]) =>
    runCli(argv, {
      env: { PLUDE_URL: api.url, PLUDE_TOKEN: 'pwh_stub', PLUDE_SERVICE_TOKEN: SERVICE_TOKEN, PLUDE_ENVIRONMENT: 'staging', PLUDE_ADMIN_TOKEN: ADMIN },
    });

  it('events erase: DELETE /events/:id/data with the service token and the environment', async () => {
    const erased = { id: EVENT, erasedAt: '2026-12-05T01:00:00.000Z', cancelledNotifications: 1, clearedResponseBodies: 3 };
    api.on('DELETE', `/events/${EVENT}/data`, { status: 200, body: erased });
    const { code, stdout } = await plude('events', 'erase', EVENT);
    expect(code).toBe(0);
    expect(api.requests[0].headers).toMatchObject({ authorization: `Bearer ${SERVICE_TOKEN}`, 'x-environment': 'staging' });
    expect(stdout).toBe(`event ${EVENT} erased at 2026-12-05T01:00:00.000Z: 1 pending notifications cancelled, 3 response bodies cleared\n`);
    api.on('DELETE', `/events/${EVENT}/data`, { status: 404, body: { statusCode: 404, error: 'not_found', message: `event ${EVENT} not found` } });
    const missing = await plude('events', 'erase', EVENT);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('not found');
  });

  it('purge --dry-run: GET /admin/purge with the admin token, and what it would delete', async () => {
    const preview = {
      retentionMs: 2_592_000_000,
      responseBodyRetentionMs: 604_800_000,
      wouldDelete: { events: 10, notifications: 20, attempts: 31, responseBodies: 4 },
    };
    api.on('GET', '/admin/purge', { status: 200, body: preview });
    const { code, stdout } = await plude('purge', '--dry-run');
    expect(code).toBe(0);
    expect(api.requests[0].headers).toMatchObject({ authorization: `Bearer ${ADMIN}` });
    expect(stdout).toContain('a purge now would delete (RETENTION 30d, RESPONSE_BODY_RETENTION 7d):');
    expect(stdout).toMatch(/^events: +10$/m);
    expect(stdout).toMatch(/^attempts: +31$/m);
    expect(stdout).toMatch(/^response bodies: +4$/m);
    expect(JSON.parse((await plude('purge', '--dry-run', '--json')).stdout)).toEqual(preview);
  });

  it('purge --now: POST /admin/purge, and whether one was already running', async () => {
    api.on('POST', '/admin/purge', (_, index) => ({ status: 202, body: { scheduleId: 'plude-purge-plude-webhooks', alreadyRunning: index > 0 } }));
    expect((await plude('purge', '--now')).stdout).toMatch(/^purge started \(schedule plude-purge-plude-webhooks\)/);
    expect((await plude('purge', '--now')).stdout).toMatch(/^a purge is already running/);
    expect(api.made('POST', '/admin/purge')).toHaveLength(2);
  });

  it.each([[['purge']], [['purge', '--dry-run', '--now']]])('exits 2 without exactly one of --dry-run and --now: plude %j', async (argv) => {
    const { code, stderr } = await plude(...argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--dry-run or --now/);
    expect(api.requests).toEqual([]);
  });
});
