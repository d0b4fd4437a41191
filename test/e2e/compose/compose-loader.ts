import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '../../..');
export const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');

export interface Service {
  image?: string;
  profiles?: string[];
  entrypoint?: string[];
  command?: string[];
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  build?: unknown;
  pull_policy?: string;
  restart?: string;
  ports?: { host_ip?: string; target: number; published?: string }[];
  volumes?: { type: string; source: string; target: string; read_only?: boolean }[];
}

export interface ComposeProject {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

/** Go's own settings, and nothing of this process's configuration: the file sees only the variables a test gives. */
const goEnvironment = () => Object.fromEntries(Object.entries(process.env).filter(([name]) => name === 'PATH' || name === 'HOME' || name.startsWith('GO')));

/**
 * The compose-spec loader program (test/compose), built once per test file with `go build` (its modules from the
 * module proxy on a cold Go cache) into a temporary folder that removeComposeChecker (afterAll) removes; each load
 * then runs the binary.
 */
const checkerDir = mkdtempSync(join(tmpdir(), 'plude-compose-check-'));
let checker: Promise<string> | undefined;
const composeChecker = (): Promise<string> =>
  (checker ??= new Promise((resolve, reject) => {
    const binary = join(checkerDir, 'compose-check');
    execFile('go', ['build', '-o', binary, '.'], { cwd: join(ROOT, 'test/compose'), env: goEnvironment(), maxBuffer: 16 << 20 }, (err, _stdout, stderr) =>
      err ? reject(new Error(`go build of test/compose failed: ${stderr || err.message}`)) : resolve(binary),
    );
  }));
export const removeComposeChecker = () => rmSync(checkerDir, { recursive: true, force: true });

/**
 * docker-compose.yml as the compose-spec loader (github.com/compose-spec/compose-go/v2, what Docker Compose runs)
 * reads it with `variables` set, and the variables of `envFile` (a .env, read with Compose's dotenv parser) when
 * given: interpolated, validated against the spec's schema and normalised. Rejects with the loader's message when
 * the file is invalid.
 */
export async function loadCompose(variables: Record<string, string>, file = COMPOSE_FILE, envFile?: string): Promise<ComposeProject> {
  const binary = await composeChecker();
  return new Promise((resolve, reject) => {
    execFile(binary, envFile ? [file, envFile] : [file], { env: { ...goEnvironment(), ...variables }, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`the compose-spec loader refused docker-compose.yml: ${stderr || err.message}`)) : resolve(JSON.parse(stdout) as ComposeProject),
    );
  });
}
