/**
 * Serving a test app from a child process (a real `bun` binary, say): the child prints one JSON
 * line with its port once it listens on 127.0.0.1, and is stopped with its whole process group.
 * @module
 */
import { spawn } from 'node:child_process';
import type { Started } from './http.js';

/** A started child server, with what it said about itself on its first line. */
export interface StartedChild extends Started {
  /** The child's first stdout line, parsed (at least `port`). */
  readonly info: { readonly port: number; readonly [key: string]: unknown };
}

/**
 * Runs `command args` in `cwd` with `env` added, waits for its first stdout line (JSON with
 * `port`) and returns where it listens. Rejects with the child's stderr when it exits first or
 * prints nothing within `timeout` ms.
 *
 * @example
 * ```ts
 * const server = await startChildServer(BUN, ['--conditions=@corsica/source', 'test/bun-server.ts'], { cwd, env: { CORSICA_OPTIONS: JSON.stringify(options) } });
 * ```
 */
export function startChildServer(command: string, args: readonly string[], { cwd, env = {}, timeout = 20_000 }: { cwd: string; env?: Record<string, string>; timeout?: number }): Promise<StartedChild> {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
      child.once('exit', () => resolve());
      // the negative pid reaches the runtime's own children too
      process.kill(-child.pid, 'SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`corsica test setup: ${command} printed no port within ${timeout} ms. Its stderr:\n${stderr.slice(-2000)}`));
    }, timeout);
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const newline = stdout.indexOf('\n');
      if (newline === -1) return;
      clearTimeout(timer);
      try {
        const info = JSON.parse(stdout.slice(0, newline)) as StartedChild['info'];
        resolve({ baseUrl: `http://127.0.0.1:${info.port}`, info, close: stop });
      } catch {
        void stop();
        reject(new Error(`corsica test setup: ${command} printed ${JSON.stringify(stdout.slice(0, 200))} instead of its JSON info line.`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`corsica test setup: ${command} exited (${code}) before listening. Its stderr:\n${stderr.slice(-2000)}`));
    });
  });
}
