import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

export type BareShape = 'activity' | 'local';

/**
 * Starts a bare baseline in its own process: a worker and a client on one connection, eager starts.
 * `publish(tag)` starts one workflow (its ID is the tag) and resolves once the start returned.
 */
export async function startBareProcess(
  env: Record<string, string>,
  url: string,
): Promise<{ pid: number; publish(tag: string): Promise<void>; stop(): Promise<void> }> {
  const child: ChildProcess = fork(path.resolve(__dirname, 'process.js'), { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const waiting = new Map<string, { resolve: () => void; reject: (err: Error) => void }>();
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (message: { ready?: boolean; started?: string; failed?: string; error?: string }) => {
      if (message.ready) return resolve();
      const id = (message.started ?? message.failed) as string;
      const waiter = waiting.get(id);
      waiting.delete(id);
      if (message.failed) waiter?.reject(new Error(message.error));
      else waiter?.resolve();
    });
    child.once('exit', (code) => reject(new Error(`bare baseline exited with ${code}`)));
  });
  await ready;
  return {
    pid: child.pid as number,
    publish: (tag) =>
      new Promise<void>((resolve, reject) => {
        waiting.set(tag, { resolve, reject });
        const body = JSON.stringify({ id: tag, type: 'bench.event', createdAt: new Date().toISOString(), environment: 'bench', data: { tag } });
        child.send({ id: tag, url, body });
      }),
    async stop() {
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    },
  };
}
