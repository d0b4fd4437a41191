import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTemporalDevServer } from '../../../src/dev/dev-server';
import { obtainTemporalCli } from '../../../src/dev/temporal-cli';
import { freePort } from '../../../src/lib/free-port';

/**
 * A Temporal CLI that fails its first `failures` starts as the CLI does when a port it picked was taken meanwhile
 * (a panic, exit 2), then runs the real one; each start is counted in `starts`.
 */
async function flakyCli(dir: string, realCli: string, failures: number): Promise<{ path: string; starts: () => Promise<number> }> {
  const counter = join(dir, 'starts');
  await writeFile(counter, '');
  const path = join(dir, 'temporal');
  await writeFile(
    path,
    `#!/bin/sh
echo x >> '${counter}'
if [ "$(wc -l < '${counter}')" -le ${failures} ]; then
  echo 'panic: listen tcp 127.0.0.1:40000: bind: address already in use' >&2
  echo 'goroutine 1 [running]:' >&2
  exit 2
fi
exec '${realCli}' "$@"
`,
  );
  await chmod(path, 0o755);
  return { path, starts: async () => (await readFile(counter, 'utf8')).split('\n').filter(Boolean).length };
}

describe('npm start’s Temporal dev server', () => {
  let dir: string;
  let realCli: string;

  beforeAll(async () => {
    realCli = await obtainTemporalCli(() => undefined);
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plude-dev-server-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is started once more when it exits on its own before it is ready, and the log says why', async () => {
    const cli = await flakyCli(dir, realCli, 1);
    const lines: string[] = [];
    const server = await startTemporalDevServer({
      cliPath: cli.path,
      port: await freePort(),
      namespace: 'default',
      searchAttributes: {},
      log: (line) => lines.push(line),
    });
    try {
      expect(await cli.starts()).toBe(2);
      expect(lines).toContainEqual(
        'temporal dev server exited before it was ready (code 2, signal null: panic: listen tcp 127.0.0.1:40000: bind: address already in use); starting it once more',
      );
    } finally {
      await server.stop();
    }
  });

  it('fails with the panic’s reason when it exits early twice', async () => {
    const cli = await flakyCli(dir, realCli, 2);
    await expect(
      startTemporalDevServer({ cliPath: cli.path, port: await freePort(), namespace: 'default', searchAttributes: {}, log: () => undefined }),
    ).rejects.toThrow('temporal dev server exited before it was ready (code 2, signal null: panic: listen tcp 127.0.0.1:40000: bind: address already in use)');
    expect(await cli.starts()).toBe(2);
  });
});
