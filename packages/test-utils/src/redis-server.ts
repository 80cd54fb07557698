/**
 * A real Redis for tests: Debian's `redis-server` on a free port of 127.0.0.1, with no
 * persistence (`--save '' --appendonly no`), stopped (or killed) by the test.
 * @module
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { acceptsConnections, freePort } from './net.js';

export { freePort } from './net.js';

const BINARY = process.env.REDIS_SERVER ?? 'redis-server';

/**
 * Reports whether `redis-server` can run here (`apt-get install redis-server`). With
 * CORSICA_REQUIRE_REDIS=1 (CI sets it) a missing server is an error, not a skipped suite.
 */
export function hasRedisServer(): boolean {
  const found = spawnSync(BINARY, ['--version'], { stdio: 'ignore' }).status === 0;
  if (!found && process.env.CORSICA_REQUIRE_REDIS === '1') throw new Error('redis-server is required (CORSICA_REQUIRE_REDIS=1) but not found: apt-get install redis-server');
  return found;
}


/**
 * One redis-server process. `start()` resolves once it accepts connections; `kill()` is a crash
 * (SIGKILL), `stop()` a clean shutdown; `start()` again brings it back, empty, on the same port.
 *
 * @example
 * ```ts
 * const redis = await RedisServer.start();
 * // ... redis.url ...
 * await redis.stop();
 * ```
 */
export class RedisServer {
  private proc: ChildProcess | undefined;
  private output = '';

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(extraArgs: readonly string[] = []): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.start(extraArgs);
    return server;
  }

  async start(extraArgs: readonly string[] = []): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', ...extraArgs];
    const proc = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    proc.stdout?.on('data', (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-4000);
    });
    proc.stderr?.on('data', (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-4000);
    });
    const deadline = Date.now() + 10_000;
    while (!(await acceptsConnections(this.port))) {
      if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start on port ${this.port}: ${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** A crash: SIGKILL, no goodbye to clients. */
  async kill(): Promise<void> {
    await this.end('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.end('SIGTERM');
  }

  private async end(signal: NodeJS.Signals): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill(signal);
    await exited;
  }
}

