import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

export interface AppProcess {
  url: string;
  stop(): Promise<void>;
}

/**
 * The shipped product, `node dist/src/main.js`, in its own process (as `npm start` runs it), pointed at the
 * bench's PostgreSQL and Temporal. The load generator and receiver stay in the bench process, as they would be
 * on other machines.
 */
export async function startAppProcess(env: Record<string, string>, port: number): Promise<AppProcess> {
  const main = path.resolve(__dirname, '../../dist/src/main.js');
  const child: ChildProcess = spawn(process.execPath, [...(process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean), main], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = once(child, 'exit');
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', () => output.includes('is ready') && resolve());
    void exited.then(([code]) => reject(new Error(`app exited with ${code} before it was ready:\n${output}`)));
  });
  await ready;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
