import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { ApiClient } from '../support/api-client';
import { ADMIN_TOKEN, ENCRYPTION_KEY } from '../support/test-app';
import { chaosCase } from './support/chaos-case';
import { row, settleAndCount, subscribeReceivers } from './support/case-kit';
import { useChaosDeployment } from './support/deployment';
import { failFirst } from './support/fleet';
import { Ledger } from './support/ledger';
import type { ChaosEnvironment } from './support/topology';

/** A6's header deadline: short, to keep the case short (the default is 20 s). */
const A6_HEADERS_TIMEOUT_MS = 10_000;

/**
 * Who may do what, on 2 × start:api and 2 × start:worker logging at LOG_LEVEL=verbose (A3 reads every line), with a
 * header deadline of 10 s (A6).
 */
describe('auth', () => {
  const chaos = useChaosDeployment({ env: { LOG_LEVEL: 'verbose', HTTP_HEADERS_TIMEOUT: `${A6_HEADERS_TIMEOUT_MS / 1000}s` } });
  let mine: ChaosEnvironment;
  let theirs: ChaosEnvironment;
  /** Every secret and payload of the run, which A3 looks for in the logs. */
  const secrets = new Map<string, string>([
    ['admin token', ADMIN_TOKEN],
    ['master key', ENCRYPTION_KEY],
  ]);

  beforeAll(async () => {
    [mine, theirs] = [await chaos.topology.newEnvironment(), await chaos.topology.newEnvironment()];
    secrets.set('API token', mine.token).set('other API token', theirs.token);
  });

  chaosCase('A1', 'one 401 for every bad token', '9 kinds of bad credentials on POST /events and GET /webhooks/subscriptions', async () => {
    const revoked = await chaos.topology.admin.request('POST', `/admin/environments/${mine.id}/tokens`);
    await chaos.topology.admin.request('DELETE', `/admin/environments/${mine.id}/tokens/${revoked.body.id}`);
    const kinds: Record<string, Record<string, string>> = {
      'no Authorization': {},
      'Basic scheme': { authorization: 'Basic dXNlcjpwYXNz' },
      'Bearer without a token': { authorization: 'Bearer ' },
      'malformed token': { authorization: 'Bearer not-a-token' },
      'unknown well-formed token': { authorization: `Bearer pwh_${randomBytes(32).toString('base64url')}` },
      'revoked token': { authorization: `Bearer ${revoked.body.token}` },
      'token missing its last character': { authorization: `Bearer ${mine.token.slice(0, -1)}` },
      'the admin token': { authorization: `Bearer ${ADMIN_TOKEN}` },
      'lower-case scheme and junk': { authorization: `bearer ${mine.token}x` },
    };
    const bodies = new Set<string>();
    let requests = 0;
    for (const [kind, auth] of Object.entries(kinds)) {
      for (const [method, path, body] of [
        ['POST', '/events', '{"type":"a1.x","data":{}}'],
        ['GET', '/webhooks/subscriptions', undefined],
      ] as const) {
        const api = chaos.topology.apis[requests++ % chaos.topology.apis.length];
        const response = await fetch(`${api.url}${path}`, {
          method,
          body,
          headers: { 'content-type': 'application/json', 'x-environment': mine.id, 'x-version': '2022-03', ...auth },
        });
        expect({ kind, status: response.status }).toEqual({ kind, status: 401 });
        bodies.add(await response.text());
      }
    }
    expect(bodies.size).toBe(1);
    return { counted: `${requests} requests, ${Object.keys(kinds).length} kinds, 1 distinct 401 body` };
  });

  chaosCase('A2', 'another environment’s resources are 404', 'every route that takes an ID, with the other environment’s IDs and a valid token', async () => {
    // Their subscription, event, notification and recovery.
    const { keys, ids } = await subscribeReceivers(theirs, chaos.fleet, 'a2-', [() => 200]);
    const ledger = new Ledger();
    const published = await ledger.publish(theirs, 'a2.theirs', { n: 1 });
    await settleAndCount(chaos.topology, ledger, chaos.fleet, keys, 60_000);
    const { rows } = await chaos.topology.db.query<{ id: string }>('SELECT id FROM notifications WHERE event_id = $1', [published.body.id]);
    const recovery = await theirs.clients[0].request('POST', `/webhooks/subscriptions/${ids[0]}/recover`, {
      since: '2000-01-01T00:00:00Z',
      until: '2000-01-02T00:00:00Z',
    });
    expect(recovery.status).toBe(202);
    const [sub, evt, ntf, rec] = [ids[0], published.body.id, rows[0].id, recovery.body.id];
    const routes: [string, string, unknown?][] = [
      ['GET', `/events/${evt}`],
      ['GET', `/notifications/${ntf}`],
      ['GET', `/notifications/${ntf}/attempts`],
      ['POST', `/notifications/${ntf}/redeliver`, {}],
      ['GET', `/webhooks/subscriptions/${sub}`],
      ['PATCH', `/webhooks/subscriptions/${sub}`, { status: 'paused' }],
      ['POST', `/webhooks/subscriptions/${sub}/rotate-key`, {}],
      ['POST', `/webhooks/subscriptions/${sub}/recover`, { since: '2000-01-01T00:00:00Z', until: '2000-01-02T00:00:00Z' }],
      ['GET', `/recoveries/${rec}`],
      ['DELETE', `/webhooks/subscriptions/${sub}`],
    ];
    for (const [method, path, body] of routes) {
      const response = await (path.startsWith('/event-types/') ? mine.catalog : mine.clients)[0].request(method, path, body);
      expect({ route: `${method} ${path}`, status: response.status }).toEqual({ route: `${method} ${path}`, status: 404 });
    }
    // Nothing of theirs changed: the subscription is still active. (Event types are the platform's, in no environment.)
    expect((await theirs.clients[0].request('GET', `/webhooks/subscriptions/${sub}`)).body.status).toBe('active');
    const listed = await mine.clients[0].request('GET', '/webhooks/subscriptions');
    expect(listed.body.items).toEqual([]);
    return { counted: `${routes.length} routes answered 404; their subscription untouched` };
  });

  chaosCase(
    'A4',
    'per-token rate limit',
    'a third start:api with RATE_LIMIT=5/s; 20 requests at once with one token, then with a second token of the same environment',
    async () => {
      const limited = await chaos.topology.addProcess('api', { RATE_LIMIT: '5/s' });
      const second = await chaos.topology.admin.request('POST', `/admin/environments/${mine.id}/tokens`);
      secrets.set('second API token', second.body.token);
      const client = (token: string) => new ApiClient(limited.url, { token, environment: mine.id, version: '2022-03' });
      const burst = await Promise.all(Array.from({ length: 20 }, () => client(mine.token).request('GET', '/webhooks/subscriptions')));
      const limitedAnswers = burst.filter((r) => r.status === 429);
      expect(burst.filter((r) => r.status === 200).length).toBeGreaterThan(0);
      expect(limitedAnswers.length).toBeGreaterThan(0);
      expect(burst.every((r) => r.status === 200 || r.status === 429)).toBe(true);
      for (const r of limitedAnswers) {
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(typeof r.body.message).toBe('string');
      }
      // Another token is not throttled by the first one's burst.
      expect((await client(second.body.token).request('GET', '/webhooks/subscriptions')).status).toBe(200);
      // After Retry-After the first token passes again.
      await new Promise((resolve) => setTimeout(resolve, Number(limitedAnswers[0].headers.get('retry-after')) * 1000));
      expect((await client(mine.token).request('GET', '/webhooks/subscriptions')).status).toBe(200);
      return {
        counted: `20 at once: ${burst.length - limitedAnswers.length} × 200, ${limitedAnswers.length} × 429 with Retry-After ${limitedAnswers[0].headers.get('retry-after')} s`,
      };
    },
  );

  chaosCase(
    'A5',
    'a flood of unknown tokens does not hold the pool',
    '2,000 GETs with random well-formed pwh_ tokens, 50 in flight over the 2 APIs, from 200 loopback addresses (10 each: a flood spread over many addresses, which AUTH_FAILURE_LIMIT, at its default of 10/s in bursts of 20 per address, lets through); a publish with a live token at every 400 answers',
    async () => {
      // Subscribed to A5's own types only: A3's events, in the same environment, must not reach it.
      const subscribed = await mine.clients[0].subscribe(
        chaos.fleet.receiver('a5-1', () => 200),
        ['a5.before', 'a5.during'],
      );
      expect([200, 201]).toContain(subscribed.status);
      const keys = new Map([[subscribed.body.id as string, [subscribed.body.signatureKey as string]]]);
      const ledger = new Ledger();
      for (let n = 0; n < 3; n++) expect((await ledger.publish(mine, 'a5.before', { n })).status).toBe(202);
      const before = [...ledger.publishMs];

      const total = 2_000;
      const statuses = new Map<number, number>();
      const publishes: Promise<{ status: number; ms: number; floodAnsweredThen: number }>[] = [];
      let sent = 0;
      let answered = 0;
      const flooder = async () => {
        while (sent < total) {
          const n = sent++;
          const token = `pwh_${randomBytes(32).toString('base64url')}`;
          if (n === 0) secrets.set('unknown token of A5', token);
          const api = chaos.topology.apis[n % chaos.topology.apis.length];
          const status = await getFrom(`127.0.1.${1 + (n % 200)}`, `${api.url}/webhooks/subscriptions`, token, mine.id);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (++answered % 400 === 0 && answered < total) {
            publishes.push(ledger.publish(mine, 'a5.during', { answered }).then((a) => ({ status: a.status, ms: a.ms, floodAnsweredThen: answered })));
          }
        }
      };
      const floodStarted = performance.now();
      await Promise.all(Array.from({ length: 50 }, flooder));
      const floodSeconds = (performance.now() - floodStarted) / 1000;
      const during = await Promise.all(publishes);

      expect(Object.fromEntries(statuses)).toEqual({ 401: total });
      expect(during.map((p) => p.status)).toEqual([202, 202, 202, 202]);
      // Answered while the flood still ran, and promptly: generous bounds (a publish waits for no pool slot, the
      // flood's lookups wait for one of 4 lookup slots), against a flood that takes seconds.
      expect(during[0].floodAnsweredThen).toBeLessThan(total);
      const slowest = Math.max(...during.map((p) => p.ms));
      expect(slowest).toBeLessThan(3_000);

      const counted = await settleAndCount(chaos.topology, ledger, chaos.fleet, keys, 60_000);
      const ms = (values: number[]) => values.map((v) => Math.round(v)).join('/');
      return row(
        counted,
        `${total} × 401 in ${floodSeconds.toFixed(1)} s; publishes during it answered 202 in ${ms(during.map((p) => p.ms))} ms (before it: ${ms(before)} ms)`,
      );
    },
  );

  chaosCase(
    'A6',
    'slow headers are cut at the deadline and hold nothing up',
    `200 connections (100 per API) that send a request line, then one byte of a header every 5 s; a publish with a live token once all are open; HTTP_HEADERS_TIMEOUT=${A6_HEADERS_TIMEOUT_MS / 1000}s`,
    async () => {
      const subscribed = await mine.clients[0].subscribe(
        chaos.fleet.receiver('a6-1', () => 200),
        ['a6.during'],
      );
      expect([200, 201]).toContain(subscribed.status);
      const keys = new Map([[subscribed.body.id as string, [subscribed.body.signatureKey as string]]]);
      const ledger = new Ledger();

      const count = 200;
      const opened: Promise<void>[] = [];
      const cut = Array.from({ length: count }, (_, n) => {
        const api = new URL(chaos.topology.apis[n % chaos.topology.apis.length].url);
        let connected!: () => void;
        opened.push(new Promise<void>((resolve) => (connected = resolve)));
        return new Promise<{ ms: number; answer: string }>((resolve, reject) => {
          const started = performance.now();
          const chunks: Buffer[] = [];
          let drip: NodeJS.Timeout | undefined;
          const socket = connect(Number(api.port), api.hostname, () => {
            socket.write(`POST /events HTTP/1.1\r\nHost: ${api.host}\r\nX-slow: `);
            drip = setInterval(() => socket.write('a'), 5_000);
            connected();
          });
          socket.on('data', (chunk: Buffer) => chunks.push(chunk));
          socket.on('error', reject);
          socket.on('close', () => {
            clearInterval(drip);
            resolve({ ms: performance.now() - started, answer: Buffer.concat(chunks).toString('utf8') });
          });
        });
      });
      await Promise.all(opened);
      const published = await ledger.publish(mine, 'a6.during', { n: 1 });
      expect(published.status).toBe(202);
      const closed = await Promise.all(cut);

      // Cut by the server at the header deadline (408), checked every second: never before it, and not long after.
      expect(closed.filter((c) => !c.answer.startsWith('HTTP/1.1 408 ')).map((c) => c.answer.slice(0, 40))).toEqual([]);
      const times = closed.map((c) => c.ms);
      expect(Math.min(...times)).toBeGreaterThanOrEqual(A6_HEADERS_TIMEOUT_MS - 500);
      expect(Math.max(...times)).toBeLessThan(A6_HEADERS_TIMEOUT_MS + 5_000);
      expect(published.ms).toBeLessThan(3_000);

      const counted = await settleAndCount(chaos.topology, ledger, chaos.fleet, keys, 60_000);
      return row(
        counted,
        `${count} × 408 after ${(Math.min(...times) / 1000).toFixed(1)}-${(Math.max(...times) / 1000).toFixed(1)} s; a publish while all were open answered 202 in ${Math.round(published.ms)} ms`,
      );
    },
  );

  chaosCase(
    'A3',
    'no secret in any log line',
    'the run of this file (subscribe, deliveries with retries, a key rotation, A1, A2, A4, A5) at LOG_LEVEL=verbose; every line of every process searched',
    async () => {
      const marker = `payload-marker-${randomBytes(6).toString('hex')}`;
      const { keys, ids } = await subscribeReceivers(mine, chaos.fleet, 'a3-', [failFirst(1), () => ({ status: 200, headers: { 'x-receiver': 'a3' } })]);
      for (const [id, [key]] of keys) secrets.set(`signing key of ${id}`, key);
      const rotated = await mine.clients[0].request('POST', `/webhooks/subscriptions/${ids[0]}/rotate-key`, {});
      expect(rotated.status).toBe(200);
      secrets.set('rotated signing key', rotated.body.signatureKey);
      keys.get(ids[0])!.push(rotated.body.signatureKey);
      const ledger = new Ledger();
      for (let n = 0; n < 10; n++) await ledger.publish(mine, 'a3.secret', { marker, n });
      secrets.set('payload', marker);
      const counted = await settleAndCount(chaos.topology, ledger, chaos.fleet, keys, 120_000);
      const processes = chaos.topology.processes;
      const lines = processes.flatMap((p) => p.lines);
      expect(lines.length).toBeGreaterThan(100);
      const leaks = [...secrets].flatMap(([what, secret]) => lines.filter((line) => line.includes(secret)).map((line) => `${what}: ${line.slice(0, 300)}`));
      expect(leaks).toEqual([]);
      return row(counted, `${lines.length} log lines of ${processes.length} processes, ${secrets.size} secrets, 0 found`);
    },
  );
});

/** The status of GET `url` with `token`, sent from the loopback address `from` on a connection of its own. */
function getFrom(from: string, url: string, token: string, environmentId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { localAddress: from, agent: false, headers: { authorization: `Bearer ${token}`, 'x-environment': environmentId, 'x-version': '2022-03' } },
      (incoming) => {
        incoming.resume();
        incoming.on('end', () => resolve(incoming.statusCode ?? 0));
      },
    );
    outgoing.on('error', reject).end();
  });
}
