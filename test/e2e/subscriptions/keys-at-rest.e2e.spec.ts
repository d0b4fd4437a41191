import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { masterKeyId } from '../../../src/crypto/key-ring';
import { newId } from '../../../src/domain/ids';
import { generateSigningSecret } from '../../../src/domain/signature';
import { MIGRATIONS } from '../../../src/persistence/data-source';
import { SealedSigningKeys1764850000000 } from '../../../src/persistence/migrations/1764850000000-sealed-signing-keys';
import { columnsContaining } from '../../support/column-search';
import { waitFor } from '../../support/wait';
import { createScratchDatabase, type ScratchDatabase, suiteAdminUrl } from '../../support/scratch-database';
import { ENCRYPTION_KEY, startTestApp, type TestApp, useTestApp } from '../../support/test-app';
import { issueToken } from '../../support/environments';

describe('signing keys sealed at rest', () => {
  const t = useTestApp();

  it('after subscribing, rotating and delivering, no column of any table holds a key, its base64 body or its bytes', async () => {
    const { api } = await t.app.newEnvironment();
    const url = t.receiver.url('/at-rest');
    const subscribed = await api.subscribe(url);
    const rotated = await api.request('POST', `/webhooks/subscriptions/${subscribed.body.id}/rotate-key`, { overlap: '1h' });
    expect(rotated.status).toBe(200);
    await api.publish('key.sealed', { n: 1 });
    const [request] = await t.receiver.arrived('/at-rest');
    expect(() => new Webhook(subscribed.body.signatureKey).verify(request.body, request.headers)).not.toThrow();
    await waitFor(
      () =>
        t.app.db.query(`SELECT count(*)::int AS n FROM attempts a JOIN notifications n ON n.id = a.notification_id WHERE n.subscription_id = $1`, [
          subscribed.body.id,
        ]),
      ([{ n }]) => n === 1,
    );

    const keys = [subscribed.body.signatureKey as string, rotated.body.signatureKey as string];
    const bodies = keys.map((key) => key.slice('whsec_'.length));
    const raw = bodies.map((body) => Buffer.from(body, 'base64'));
    expect(await columnsContaining(t.app.db, [...keys, ...bodies, ...raw.map((b) => b.toString('hex'))], raw)).toEqual([]);

    // The search finds what is there: the URL as text, a stored ciphertext as bytes.
    const [{ ciphertext }] = await t.app.db.query(`SELECT ciphertext FROM signing_keys WHERE id = $1`, [rotated.body.id]);
    expect(await columnsContaining(t.app.db, [url], [])).toEqual(['public.attempts.url', 'public.notifications.url', 'public.subscriptions.url']);
    expect(await columnsContaining(t.app.db, [], [ciphertext])).toEqual(['public.signing_keys.ciphertext']);
    const [stored] = await t.app.db.query(`SELECT encryption, secret, master_key_id FROM signing_keys WHERE id = $1`, [rotated.body.id]);
    expect(stored).toEqual({ encryption: 'aes-256-gcm', secret: null, master_key_id: t.app.keyRing.currentId });
  });

  describe('on a database of the previous version, then with a new master key', () => {
    const legacy = { environment: 'legacy', subscription: newId('sub'), key: generateSigningSecret() };
    const newKey = randomBytes(32).toString('base64');
    let scratch: ScratchDatabase;
    let app: TestApp | undefined;

    beforeAll(async () => {
      scratch = await createScratchDatabase(suiteAdminUrl(), 'plude_keys');
      const previous = new DataSource({
        type: 'postgres',
        url: scratch.url,
        migrations: MIGRATIONS.slice(0, MIGRATIONS.indexOf(SealedSigningKeys1764850000000)),
      });
      await previous.initialize();
      await previous.runMigrations();
      await previous.query(`INSERT INTO environments (id) VALUES ($1)`, [legacy.environment]);
      await previous.query(`INSERT INTO subscriptions (id, environment_id, url) VALUES ($1, $2, $3)`, [
        legacy.subscription,
        legacy.environment,
        t.receiver.url('/legacy'),
      ]);
      await previous.query(`INSERT INTO signing_keys (id, subscription_id, secret) VALUES ($1, $2, $3)`, [newId('key'), legacy.subscription, legacy.key]);
      await previous.destroy();
    });
    afterEach(async () => {
      await app?.close();
      app = undefined;
    });
    afterAll(() => scratch?.drop());

    const start = (env: Record<string, string>) => startTestApp({ DATABASE_URL: scratch.url, NODE_EXTRA_CA_CERTS: t.receiver.caFile, ...env });
    const storedKeys = () => app!.db.query(`SELECT encryption, secret, master_key_id FROM signing_keys WHERE subscription_id = $1`, [legacy.subscription]);

    /** A delivery to the legacy subscription, verified with the key it had before the upgrade. */
    async function deliversWithLegacyKey(): Promise<void> {
      const { api } = await issueToken(app!.admin, legacy.environment);
      const published = await api.publish('legacy.event', { n: Math.random() });
      const [request] = await t.receiver.arrived((r) => r.path === '/legacy' && JSON.parse(r.body).id === published.body.id);
      expect(new Webhook(legacy.key).verify(request.body, request.headers)).toMatchObject({ id: published.body.id });
    }

    it('seals the plaintext keys at start, right after the migrations, and they still sign', async () => {
      app = await start({});
      expect(await storedKeys()).toEqual([{ encryption: 'aes-256-gcm', secret: null, master_key_id: app.keyRing.currentId }]);
      expect(await columnsContaining(app.db, [legacy.key, legacy.key.slice(6)], [Buffer.from(legacy.key.slice(6), 'base64')])).toEqual([]);
      await deliversWithLegacyKey();
    });

    it('refuses to start with a master key that opens none of the live keys, naming both master keys', async () => {
      const started = start({ ENCRYPTION_KEY: newKey });
      await expect(started).rejects.toThrow(`sealed 1 by master key ${masterKeyId(Buffer.from(ENCRYPTION_KEY, 'base64'))}`);
      await expect(started).rejects.toThrow(`ENCRYPTION_KEY is master key ${masterKeyId(Buffer.from(newKey, 'base64'))}`);
    });

    it('rotates the master key: with the old one as ENCRYPTION_KEY_PREVIOUS, every key is sealed again under the new one', async () => {
      app = await start({ ENCRYPTION_KEY: newKey, ENCRYPTION_KEY_PREVIOUS: ENCRYPTION_KEY });
      expect(await storedKeys()).toEqual([{ encryption: 'aes-256-gcm', secret: null, master_key_id: masterKeyId(Buffer.from(newKey, 'base64')) }]);
      await deliversWithLegacyKey();
      await app.close();

      app = await start({ ENCRYPTION_KEY: newKey });
      await deliversWithLegacyKey();
      const { api } = await issueToken(app.admin, legacy.environment);
      expect((await api.request('POST', `/webhooks/subscriptions/${legacy.subscription}/rotate-key`, { overlap: '0s' })).status).toBe(200);
    });
  });
});
