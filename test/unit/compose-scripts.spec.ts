import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DOCKER = join(__dirname, '../../docker');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a docker/ script with sh, as the compose services do, with only `env` (and PATH) set. */
function runScript(script: string, env: Record<string, string>, args: string[] = [], path = process.env.PATH ?? ''): Promise<Run> {
  return new Promise((resolve) => {
    execFile('sh', [join(DOCKER, script), ...args], { env: { PATH: path, ...env }, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * A stand-in for the Temporal CLI on PATH, for the namespace job's script: it logs each call, and fails a step the
 * number of times FAIL_<step> says before it succeeds (steps: health, create, attributes, count). `namespace describe`
 * fails until a create has reached the "server" (a create that fails after reaching it, as an answer lost on the
 * way, leaves the namespace created), as the real server's would.
 */
const FAKE_TEMPORAL = `#!/bin/sh
echo "$*" >> "$FAKE_DIR/calls"
case "$*" in
  "operator cluster health"*) step=health ;;
  "operator namespace describe"*) [ -e "$FAKE_DIR/created" ]; exit $? ;;
  "operator namespace create"*) step=create; touch "$FAKE_DIR/created" ;;
  "operator search-attribute create"*) step=attributes ;;
  "workflow count"*) step=count ;;
  *) exit 0 ;;
esac
n=$(cat "$FAKE_DIR/$step.count" 2>/dev/null || echo 0)
echo $((n + 1)) > "$FAKE_DIR/$step.count"
eval "fail=\\\${FAIL_$step:-0}"
if [ "$n" -lt "$fail" ]; then echo "fake temporal: $step failed" >&2; exit 1; fi
`;

describe('docker/temporal-namespace.sh (the namespace job), against a Temporal CLI that fails', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'plude-namespace-job-'));
    writeFileSync(join(dir, 'temporal'), FAKE_TEMPORAL);
    chmodSync(join(dir, 'temporal'), 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const job = (env: Record<string, string>) =>
    runScript('temporal-namespace.sh', { FAKE_DIR: dir, RETRY_DELAY: '0', TEMPORAL_NAMESPACE: 'plude', ...env }, [], `${dir}:${process.env.PATH ?? ''}`);
  const calls = () => readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n');
  const callsOf = (prefix: string) => calls().filter((call) => call.startsWith(prefix));

  it('retries every step through transient failures, and ends once a visibility query on a plude attribute answers', async () => {
    const run = await job({ FAIL_health: '2', FAIL_create: '1', FAIL_attributes: '2', FAIL_count: '3' });
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain("Namespace 'plude' is ready");
    expect(callsOf('operator cluster health')).toHaveLength(3);
    // The first create failed after reaching the server: the next attempt found the namespace and updated it.
    expect(callsOf('operator namespace create')).toHaveLength(1);
    expect(callsOf('operator namespace update')).toEqual([expect.stringContaining('--retention')]);
    expect(callsOf('operator search-attribute create')).toHaveLength(3);
    expect(callsOf('operator search-attribute create')[0]).toMatch(/--name PludeEnvironment .*--name PludeEventType/);
    const counts = callsOf('workflow count');
    expect(counts).toHaveLength(4);
    expect(counts[3]).toMatch(/--namespace plude .*--query PludeEnvironment = /);
    // Nothing past the answering query but the listing of the attributes.
    expect(calls().slice(calls().lastIndexOf(counts[3]) + 1)).toEqual([expect.stringMatching(/^operator search-attribute list/)]);
  });

  it('gives up after RETRY_ATTEMPTS, naming the step, when visibility never answers: the job fails, it does not hang', async () => {
    const run = await job({ FAIL_count: '1000', RETRY_ATTEMPTS: '5' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("giving up on 'visibility query on PludeEnvironment' after 5 attempts");
    expect(callsOf('workflow count')).toHaveLength(5);
    expect(run.stdout).not.toContain('is ready');
  });

  it('gives up on a server that never answers, before creating anything', async () => {
    const run = await job({ FAIL_health: '1000', RETRY_ATTEMPTS: '3' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("giving up on 'cluster health' after 3 attempts");
    expect(calls()).toHaveLength(3);
    expect(existsSync(join(dir, 'created'))).toBe(false);
  });

  it('creates a missing namespace with the retention it is given, and registers the four attributes as Keyword', async () => {
    const run = await job({ TEMPORAL_NAMESPACE_RETENTION: '72h' });
    expect(run).toMatchObject({ code: 0 });
    expect(callsOf('operator namespace create')).toEqual([expect.stringMatching(/--namespace plude --retention 72h/)]);
    const create = callsOf('operator search-attribute create')[0];
    for (const name of ['PludeEnvironment', 'PludeSubscription', 'PludeEvent', 'PludeEventType']) expect(create).toContain(`--name ${name} --type Keyword`);
  });
});

describe('docker/check-passwords.sh (PostgreSQL’s entrypoint in compose)', () => {
  const start = (env: Record<string, string>) => runScript('check-passwords.sh', env, ['echo', 'postgres started']);
  const hex = (n: number) => Array.from({ length: n }, (_, i) => '0123456789abcdef'[(i * 7) % 16]).join('');

  // Compose gives it TEMPORAL_DB_PASSWORD as POSTGRES_PASSWORD (the postgres image's superuser password).
  it('starts PostgreSQL (runs the command it is given) with passwords from `openssl rand -hex 24` or any of A-Z a-z 0-9 - . _ ~', async () => {
    await expect(start({ POSTGRES_PASSWORD: hex(48), PLUDE_DB_PASSWORD: 'Aa0-._~' })).resolves.toMatchObject({ code: 0, stdout: 'postgres started\n' });
  });

  it.each([
    ['a base64 password (/ + =)', 'PLUDE_DB_PASSWORD', 'PLUDE_DB_PASSWORD', 'ab/cd+ef=='],
    ['a URL delimiter (@)', 'PLUDE_DB_PASSWORD', 'PLUDE_DB_PASSWORD', 'p@ss'],
    ['a double quote (YAML)', 'POSTGRES_PASSWORD', 'TEMPORAL_DB_PASSWORD', 'pa"ss'],
    ['a space', 'POSTGRES_PASSWORD', 'TEMPORAL_DB_PASSWORD', 'pa ss'],
    ['an empty one', 'PLUDE_DB_PASSWORD', 'PLUDE_DB_PASSWORD', ''],
  ])('refuses %s before PostgreSQL starts, naming the .env variable and how to make a good one', async (_what, name, envName, value) => {
    const run = await start({ POSTGRES_PASSWORD: 'temporal', PLUDE_DB_PASSWORD: 'plude', [name]: value });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${envName} `);
    expect(run.stderr).toContain('openssl rand -hex 24');
  });
});
