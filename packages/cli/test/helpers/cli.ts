/** Running the command line in-process and as the built binary. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/index.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
/** The built executable; the test command builds every package before running vitest. */
export const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
export const hasBuild = (): boolean => existsSync(BIN);

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `run(args)` in this process, with fixtures as the working directory. */
export async function cli(args: readonly string[], cwd: string = FIXTURES): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd });
  return { code, stdout, stderr };
}

/**
 * `node dist/bin.js ...args` as a child process. Asynchronous on purpose: the servers it talks to
 * live in this process and must keep answering while it runs.
 */
export function bin(args: readonly string[], cwd: string = FIXTURES): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : -1;
      resolve({ code, stdout, stderr });
    });
  });
}
