import { type DevServerHandle, startTemporalDevServer } from '../../../src/dev/dev-server';
import { freePort } from '../../../src/lib/free-port';
import { SEARCH_ATTRIBUTES } from '../../../src/temporal/search-attributes';
import { obtainTemporalCli } from '../../../src/dev/temporal-cli';
import { waitFor } from '../../support/wait';
import { startTestApp, type TestApp } from '../../support/test-app';

const ready = async (app: TestApp) => {
  const response = await fetch(`${app.api.url}/health/ready`);
  return { status: response.status, body: (await response.json()) as Record<string, Record<string, { status: string; message?: string }>> };
};

/** Readiness against a Temporal server of its own, which the test stops: the suite's keeps serving the others. */
describe('GET /health/live and /health/ready', () => {
  let server: DevServerHandle | undefined;
  let app: TestApp | undefined;

  beforeAll(async () => {
    server = await startTemporalDevServer({
      cliPath: await obtainTemporalCli(() => undefined),
      port: await freePort(),
      uiPort: null,
      namespace: 'default',
      searchAttributes: SEARCH_ATTRIBUTES,
      log: () => undefined,
    });
    app = await startTestApp({ TEMPORAL_ADDRESS: server.address });
  });
  afterAll(async () => {
    await app?.close();
    await server?.stop();
  });

  it('are 200 while PostgreSQL and Temporal answer, naming each', async () => {
    const live = await fetch(`${app!.api.url}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    expect(await ready(app!)).toEqual({
      status: 200,
      body: expect.objectContaining({ status: 'ok', details: { postgres: { status: 'up' }, temporal: { status: 'up' } } }),
    });
  });

  it('ready is 503 once Temporal is down, saying it is Temporal and nothing of its error; live stays 200', async () => {
    await server!.stop();
    const answer = await waitFor(
      () => ready(app!),
      (r) => r.status !== 200,
      20_000,
    );
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ status: 'error', info: { postgres: { status: 'up' } }, error: { temporal: { status: 'down' } } });
    // Which dependency is down, not its error text (that goes to the log): the answer needs no authentication.
    expect(answer.body.error.temporal).toEqual({ status: 'down' });
    expect(answer.body.details.temporal).toEqual({ status: 'down' });
    expect((await fetch(`${app!.api.url}/health/live`)).status).toBe(200);
  });
});
