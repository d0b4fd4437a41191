import { asBody } from '../support/api-client';
import { promises as dns } from 'node:dns';
import { hostname } from 'node:os';
import fc from 'fast-check';
import { eventBodies, headers, subscribeBodies } from '../support/input-arbitraries';
import { ssrfForms } from '../support/ssrf-forms';
import { chaosCase } from './support/chaos-case';
import { row, settleAndCount, subscribeReceivers } from './support/case-kit';
import { useChaosDeployment } from './support/deployment';
import { Canary } from './support/receivers';
import { Ledger } from './support/ledger';
import type { ChaosEnvironment, Topology } from './support/topology';

/** Hostile input at the API of 2 × start:api (and 2 × start:worker behind them). */
describe('hostile input', () => {
  const chaos = useChaosDeployment();
  let canary: Canary;

  beforeAll(async () => {
    canary = await Canary.start();
    chaos.onStop(() => canary.stop());
  });

  /** Sends as given; fails on a 5xx or a 4xx without a message; the status. */
  async function send(method: string, path: string, headerValues: Record<string, string | undefined>, body?: string | Uint8Array, api = 0) {
    const defined = Object.fromEntries(Object.entries(headerValues).filter((entry): entry is [string, string] => entry[1] !== undefined));
    const response = await fetch(`${chaos.topology.apis[api % chaos.topology.apis.length].url}${path}`, { method, headers: defined, body: asBody(body) });
    const text = await response.text();
    const context = `${method} ${path} ${JSON.stringify(defined)} body=${JSON.stringify(typeof body === 'string' ? body.slice(0, 200) : body)}`;
    if (response.status >= 500) throw new Error(`answered ${response.status} ${text} to ${context}`);
    if (response.status >= 400 && typeof (JSON.parse(text) as { message?: unknown }).message !== 'string')
      throw new Error(`${response.status} without a message: ${text} to ${context}`);
    return response.status;
  }

  const credentials = (env: ChaosEnvironment) => ({ token: env.token, environment: env.id });

  chaosCase(
    'Z1',
    'property-based fuzzing',
    'fast-check: 300 publishes and 150 subscribes with any body, content type and auth headers, spread over both API processes',
    async () => {
      const [publisher, subscriber, other] = [
        await chaos.topology.newEnvironment(),
        await chaos.topology.newEnvironment(),
        await chaos.topology.newEnvironment(),
      ];
      const statuses = new Map<number, number>();
      const count = (status: number) => void statuses.set(status, (statuses.get(status) ?? 0) + 1);
      let n = 0;
      await fc.assert(
        fc.asyncProperty(headers(credentials(publisher), credentials(other)), eventBodies, async (h, body) =>
          count(await send('POST', '/events', h, body, n++)),
        ),
        { numRuns: 300 },
      );
      await fc.assert(
        fc.asyncProperty(headers(credentials(subscriber), credentials(other)), subscribeBodies, async (h, body) =>
          count(await send('PUT', '/webhooks/subscribe', h, body, n++)),
        ),
        { numRuns: 150 },
      );
      expect([...statuses.keys()]).toEqual(expect.arrayContaining([202, 200, 400, 401, 415]));
      const summary = [...statuses]
        .sort(([a], [b]) => a - b)
        .map(([status, times]) => `${times} × ${status}`)
        .join(', ');
      return { counted: `450 requests: ${summary}; 0 × 5xx` };
    },
  );

  chaosCase(
    'Z2',
    'SSRF matrix',
    'every refused address form at subscribe; the same forms, subscribed while the environment allowed private targets and then no longer, at delivery; a host name that resolves to a private address',
    async () => {
      const port = String(canary.port);
      // Every form on the canary's port (so a form that reached 127.0.0.1 would hit it), and this machine's own name,
      // which its resolver answers with a private address (/etc/hosts: 127.0.0.1): the DNS case in real processes.
      const forms = ssrfForms.map((form) => ({ ...form, url: (p: string) => Object.assign(new URL(form.url), { port: p }).toString() }));
      const own = await dns.lookup(hostname(), { all: true }).catch(() => []);
      if (own.length > 0)
        forms.push({ what: `this machine's name, resolving to ${own.map((a) => a.address).join(', ')}`, url: (p) => `https://${hostname()}:${p}/hooks` });
      const strict = await chaos.topology.newEnvironment({ allowPrivateTargets: false });
      const refusedAtSubscribe: string[] = [];
      for (const form of forms) {
        const response = await strict.clients[refusedAtSubscribe.length % 2].subscribe(form.url(port));
        expect({ url: form.url(port), status: response.status }).toEqual({ url: form.url(port), status: 400 });
        refusedAtSubscribe.push(form.url(port));
      }
      // At delivery: the environment allowed private targets when it subscribed, and no longer does when it publishes.
      const lax = await chaos.topology.newEnvironment({ allowPrivateTargets: true });
      // The URL parser makes one URL of several forms (2130706433, 0x7f000001, 0177.0.0.1 and 127.1 are 127.0.0.1).
      const distinct = [...new Set(forms.map((form) => new URL(form.url(port)).href))];
      const subscribed: string[] = [];
      const refusedWhileAllowed: string[] = [];
      for (const url of distinct) {
        const response = await lax.clients[0].subscribe(url);
        if (response.status === 200 || response.status === 201) subscribed.push(response.body.id);
        else refusedWhileAllowed.push(`${url}: ${response.status} ${response.body?.message}`);
      }
      expect(refusedWhileAllowed).toEqual([]);
      expect((await chaos.topology.admin.request('PATCH', `/admin/environments/${lax.id}`, { allowPrivateTargets: false })).status).toBe(200);
      const ledger = new Ledger();
      const published = await ledger.publish(lax, 'z2.ssrf', { n: 1 });
      expect(published.body.notifications).toBe(distinct.length);
      const { rows } = await waitForAttempts(chaos.topology, published.body.id, distinct.length);
      const notRefused = rows.filter((r) => !/refused|private/i.test(r.error ?? ''));
      expect(notRefused).toEqual([]);
      expect({ connections: canary.connections, hits: canary.hits }).toEqual({ connections: 0, hits: 0 });
      for (const id of subscribed) await lax.clients[0].request('DELETE', `/webhooks/subscriptions/${id}`);
      return {
        counted: `${forms.length} forms refused at subscribe (400); the ${distinct.length} URLs they make refused at delivery (attempt error "refused"); no connection reached the target`,
      };
    },
  );

  chaosCase('Z3', 'header injection', 'CR/LF in subscription URLs and event types; a percent-encoded CR/LF in a URL path delivered', async () => {
    const env = await chaos.topology.newEnvironment();
    const injections = [
      'https://127.0.0.1/a\r\nX-Injected: yes',
      'https://127.0.0.1/a\nX-Injected: yes',
      'https://127.0.0.1\r\nHost: evil.example/',
      'https://127.0.0.1/a\tb',
    ];
    for (const url of injections) expect({ url, status: (await env.clients[0].subscribe(url)).status }).toEqual({ url, status: 400 });
    const types = ['a\r\nX-Injected: yes', 'a\nb', 'a b', 'a:\u0000'];
    for (const type of types) {
      expect({ type, status: (await env.clients[0].request('POST', '/events', { type, data: {} })).status }).toEqual({ type, status: 400 });
      expect({ type, status: (await chaos.topology.admin.request('PUT', `/event-types/${encodeURIComponent(type)}`, { description: 'x' })).status }).toEqual({
        type,
        status: 400,
      });
    }
    const { keys } = await subscribeReceivers(env, chaos.fleet, 'z3%0d%0aX-Injected:%20yes-', [() => 200]);
    const ledger = new Ledger();
    await ledger.publish(env, 'z3.encoded', { n: 1 });
    const counted = await settleAndCount(chaos.topology, ledger, chaos.fleet, keys, 60_000);
    const delivered = chaos.fleet.observations.filter((o) => String(o.body).includes('"z3.encoded"'));
    expect(delivered.length).toBeGreaterThan(0);
    for (const o of delivered) expect(Object.keys(o.headers)).not.toContain('x-injected');
    return row(
      counted,
      `${injections.length} URLs and ${types.length} event types refused (400) on both routes; the encoded CR/LF stayed in the path, no injected header arrived`,
    );
  });

  chaosCase('Z4', '__proto__ in data', 'an event whose data has __proto__ and constructor.prototype keys, published and delivered', async () => {
    const env = await chaos.topology.newEnvironment();
    const { keys } = await subscribeReceivers(env, chaos.fleet, 'z4-', [() => 200]);
    const data = '{"__proto__":{"polluted":true,"isAdmin":true},"constructor":{"prototype":{"polluted":true}},"a":1}';
    const response = await fetch(`${env.clients[0].baseUrl}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.token}`, 'x-environment': env.id, 'x-version': '2022-03' },
      body: `{"type":"z4.proto","data":${data}}`,
    });
    expect(response.status).toBe(202);
    const published = (await response.json()) as { id: string; notifications: number };
    const ledger = new Ledger();
    ledger.accepted.set(published.id, published.notifications);
    const counted = await settleAndCount(chaos.topology, ledger, chaos.fleet, keys, 60_000);
    const delivered = chaos.fleet.observations.find((o) => String(o.body).includes(published.id))!;
    expect(delivered.body).toContain(`"data":${data}`);
    const stored = await fetch(`${env.clients[1].baseUrl}/events/${published.id}`, {
      headers: { authorization: `Bearer ${env.token}`, 'x-environment': env.id },
    });
    expect(await stored.text()).toContain(data);
    // The API processes were not polluted: a fresh object still has no such property in what they answer.
    const listed = await env.clients[0].request('GET', '/webhooks/subscriptions');
    expect(JSON.stringify(listed.body)).not.toContain('polluted');
    expect((await env.clients[1].request('POST', '/events', { data: {} })).status).toBe(400);
    return row(counted, 'delivered and stored byte for byte; no polluted property in later answers');
  });
});

/** The first attempt of each of the event's notifications. */
async function waitForAttempts(topology: Topology, eventId: string, count: number) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const result = await topology.db.query<{ error: string | null }>(
      'SELECT a.error FROM attempts a JOIN notifications n ON n.id = a.notification_id WHERE n.event_id = $1 AND a.number = 1',
      [eventId],
    );
    if (result.rows.length >= count) return result;
    if (Date.now() > deadline) throw new Error(`only ${result.rows.length} of ${count} first attempts within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
