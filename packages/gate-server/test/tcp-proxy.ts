/**
 * A TCP proxy in front of a real server (PostgreSQL here), for taking the database away from a
 * gate-server without stopping the shared database: `cut()` closes every open connection and
 * refuses new ones (as a stopped server does), `restore()` listens on the same port again.
 */
import { type AddressInfo, createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<number> {
    const server = createServer((client) => {
      const upstream = tcpConnect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  /** Every connection reset, new ones refused (ECONNREFUSED) until `restore()`. */
  async cut(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.resetAndDestroy();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  restore(): Promise<number> {
    return this.start();
  }
}

/** `postgres://…@host:port/db` with host and port replaced by the proxy's. */
export function throughProxy(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}
