/**
 * The test side of the child server process (`../child/server.ts`): spawns it with the
 * TypeScript hooks and `--expose-gc`, sends it commands over IPC, and watches it for a crash.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ProblemCode } from '@corsica/core';
import type { Command, StartAttempt, Started } from '../child/server.js';
import type { AdapterName, MemoryReading, ScenarioName, ServerCounters } from './scenarios.js';

const ENTRY = fileURLToPath(new URL('../child/server.ts', import.meta.url));
const HOOKS = fileURLToPath(new URL('../child/register.mjs', import.meta.url));
const STDERR_KEPT = 16_384;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * A running child server process.
 *
 * @example
 * ```ts
 * const child = await ServerChild.spawn('express fuzz child');
 * const { id, port } = await child.start('express', 'credentialed');
 * // ... traffic to 127.0.0.1:port ...
 * expect(child.alive).toBe(true);
 * await child.kill();
 * ```
 */
export class ServerChild {
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private stderr = '';
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  private constructor(
    readonly label: string,
    private readonly proc: ChildProcess,
  ) {
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_KEPT);
    });
    proc.stdout?.resume();
    proc.on('message', (message: { seq?: number; ok?: boolean; value?: unknown; error?: string }) => {
      if (message.seq === undefined) return;
      const pending = this.pending.get(message.seq);
      this.pending.delete(message.seq);
      if (message.ok) pending?.resolve(message.value);
      else pending?.reject(new Error(`${label}: ${message.error}`));
    });
    proc.on('exit', (code, signal) => {
      this.exit = { code, signal };
      for (const pending of this.pending.values()) pending.reject(new Error(`${label}: the child exited (${code ?? signal}) ${this.stderrTail()}`));
      this.pending.clear();
    });
  }

  /** Starts a child and waits until it can take commands. */
  static spawn(label: string): Promise<ServerChild> {
    const env = { ...process.env };
    // the child gets exactly the flags below, whatever the runner put there
    delete env.NODE_OPTIONS;
    // glibc's malloc returns freed blocks of 128 KB and up to the system at once: by default the
    // 200 KB header values of the soak raise its dynamic mmap threshold, and freed memory then
    // stays resident, which reads as growth that is the allocator's, not the server's
    env.GLIBC_TUNABLES = 'glibc.malloc.mmap_threshold=131072:glibc.malloc.trim_threshold=131072';
    const proc = fork(ENTRY, [], {
      // a fixed young generation: V8 grows it under load and shrinks it only lazily, which would
      // read as resident memory growth in the soak without being a leak
      execArgv: ['--conditions=@corsica/source', '--import', HOOKS, '--expose-gc', '--min-semi-space-size=16', '--max-semi-space-size=16'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env,
    });
    const child = new ServerChild(label, proc);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`${label}: the child did not start within 30 s ${child.stderrTail()}`));
      }, 30_000);
      proc.once('message', () => {
        clearTimeout(timer);
        resolve(child);
      });
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${label}: the child exited at start (${code ?? signal}) ${child.stderrTail()}`));
      });
    });
  }

  /** True while the process runs and has not crashed. */
  get alive(): boolean {
    return this.exit === undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** The end of what the child wrote to stderr, for failure messages. */
  stderrTail(): string {
    return this.stderr === '' ? '' : `\n--- child stderr (tail) ---\n${this.stderr.slice(-4000)}`;
  }

  private send<T>(command: Command, timeoutMs = 30_000): Promise<T> {
    if (!this.alive) return Promise.reject(new Error(`${this.label}: the child is not running ${this.stderrTail()}`));
    const seq = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new Error(`${this.label}: no answer to ${command.op} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(seq, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.proc.send({ seq, command });
    });
  }

  /** Answers when the child's event loop is free to answer: proof that it neither crashed nor hangs. */
  ping(timeoutMs = 5000): Promise<string> {
    return this.send({ op: 'ping' }, timeoutMs);
  }

  start(adapter: AdapterName, scenario: ScenarioName): Promise<Started> {
    return this.send({ op: 'start', adapter, scenario });
  }

  stop(id: number): Promise<void> {
    return this.send({ op: 'stop', id });
  }

  counters(id: number): Promise<ServerCounters> {
    return this.send({ op: 'counters', id });
  }

  /** The child's memory after two forced collections. */
  memory(): Promise<MemoryReading> {
    return this.send({ op: 'memory' });
  }

  /** Tries to start `adapter` with the faulty configuration of `code` (or the valid control one). */
  configFault(adapter: AdapterName, code: ProblemCode | 'valid'): Promise<StartAttempt> {
    return this.send({ op: 'config-fault', adapter, code });
  }

  /** Ends the child: SIGTERM, then SIGKILL if it is still there after 2 s. */
  async kill(): Promise<void> {
    if (this.exit !== undefined) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }
}
