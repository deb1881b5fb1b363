import { createServer, type Server, type Socket, connect } from 'node:net';

/**
 * A TCP proxy between the services of a stack and the shared MongoDB-compatible server, so a
 * test can take the database away from them (and only them) and give it back: `cut()` drops
 * every open connection and refuses new ones until the returned `restore()` listens again on
 * the same port.
 */
export class DatabaseProxy {
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;

  private constructor(
    private readonly target: URL,
    private port: number,
  ) {}

  static async start(targetUri: string): Promise<DatabaseProxy> {
    const proxy = new DatabaseProxy(new URL(targetUri), 0);
    await proxy.listen();
    return proxy;
  }

  /** The target's URI with the proxy's address in place of the server's. */
  get uri(): string {
    const uri = new URL(this.target.href);
    uri.host = `127.0.0.1:${this.port}`;
    return uri.href;
  }

  /** Closes every connection and stops accepting new ones; returns what brings it back. */
  async cut(): Promise<() => Promise<void>> {
    await this.close();
    return () => this.listen();
  }

  async stop(): Promise<void> {
    await this.close();
  }

  private listen(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(Number(this.target.port || 27017), this.target.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('close', end);
      upstream.on('close', end);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  }

  private async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
