import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a real server (PostgreSQL here), so a test can take the server away from a running
 * product the way a network or a crash would: `stall()` stops forwarding bytes in both directions (a
 * statement in flight hangs), `resume()` delivers what was held back; `cut()` closes every connection and
 * refuses new ones (ECONNREFUSED), `restore()` listens again on the same port.
 */
export interface TcpProxy {
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's. */
  via(url: string): string;
  stall(): void;
  resume(): void;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let stalled = false;
  let server: Server;

  const pipeWhenFlowing = (from: Socket, to: Socket) => {
    from.on('data', (chunk) => {
      if (!to.write(chunk)) from.pause();
    });
    to.on('drain', () => {
      if (!stalled) from.resume();
    });
  };

  const accept = (client: Socket) => {
    const upstream = connect(target);
    const pair = { client, upstream };
    pairs.add(pair);
    if (stalled) {
      client.pause();
      upstream.pause();
    }
    pipeWhenFlowing(client, upstream);
    pipeWhenFlowing(upstream, client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  };

  const listen = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const s = createServer(accept);
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve(s));
    });

  server = await listen(0);
  const port = (server.address() as { port: number }).port;

  const closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
  const destroyAll = () => {
    for (const p of pairs) {
      p.client.destroy();
      p.upstream.destroy();
    }
    pairs.clear();
  };

  return {
    port,
    via(url: string) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    stall() {
      stalled = true;
      for (const p of pairs) {
        p.client.pause();
        p.upstream.pause();
      }
    },
    resume() {
      stalled = false;
      for (const p of pairs) {
        p.client.resume();
        p.upstream.resume();
      }
    },
    async cut() {
      const closed = closeServer();
      destroyAll();
      await closed;
    },
    async restore() {
      server = await listen(port);
    },
    async close() {
      const closed = server.listening ? closeServer() : Promise.resolve();
      destroyAll();
      await closed;
    },
  };
}
