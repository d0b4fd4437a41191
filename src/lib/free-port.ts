import { createServer } from 'node:net';

const HOST = '127.0.0.1';

/** A TCP port that was free on 127.0.0.1 a moment ago (bind :0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', rej);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close((err) => (err ? rej(err) : port ? res(port) : rej(new Error('no port assigned'))));
    });
  });
}
