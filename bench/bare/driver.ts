import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Publish } from '../measure';

/** Starts the bare baseline in its own process; `publish` starts one bare workflow and resolves once started. */
export async function startBareProcess(env: Record<string, string>, url: string): Promise<{ publish: Publish; stop(): Promise<void> }> {
  const child: ChildProcess = fork(path.resolve(__dirname, 'process.js'), { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const waiting = new Map<string, { resolve: () => void; reject: (err: Error) => void }>();
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (message: { ready?: boolean; started?: string; error?: string }) => {
      if (message.ready) return resolve();
      const id = message.started ?? [...waiting.keys()][0];
      const waiter = waiting.get(id);
      waiting.delete(id);
      if (message.error) waiter?.reject(new Error(message.error));
      else waiter?.resolve();
    });
    child.once('exit', (code) => reject(new Error(`bare baseline exited with ${code}`)));
  });
  await ready;
  const prefix = randomBytes(4).toString('hex');
  let n = 0;
  return {
    publish: (type, data) =>
      new Promise<void>((resolve, reject) => {
        const id = `bare-${prefix}-${n++}`;
        waiting.set(id, { resolve, reject });
        const body = JSON.stringify({ id, type, createdAt: new Date().toISOString(), environment: 'bench', data });
        child.send({ id, url, body });
      }),
    async stop() {
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    },
  };
}
