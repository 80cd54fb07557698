/**
 * Figures the suites publish: each suite writes `results/<suite>.json`, and
 * `scripts/report.mjs` turns them into the tables of `docs/reliability.md`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const RESULTS = fileURLToPath(new URL('../../results/', import.meta.url));

/** Where and on what a run happened, so the doc can say which run its figures come from. */
export interface RunInfo {
  readonly finishedAt: string;
  readonly commit: string;
  readonly node: string;
  readonly platform: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly ci: boolean;
}

function runInfo(): RunInfo {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', '.'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], cwd: fileURLToPath(new URL('../../../', import.meta.url)) }).trim();
    if (dirty !== '') commit += ' + uncommitted changes';
  } catch {
    // not a git checkout: the commit stays unknown
  }
  return {
    finishedAt: new Date().toISOString(),
    commit,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    ci: process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false',
  };
}

/**
 * Writes a suite's figures (atomically, so the report never reads half a file).
 *
 * @example
 * ```ts
 * afterAll(() => writeResults('soak', { seconds: 30, adapters: figures }));
 * ```
 */
export function writeResults(suite: 'fuzz' | 'soak' | 'resolver-faults' | 'config-faults' | 'redis-fleet', data: Record<string, unknown>): void {
  mkdirSync(RESULTS, { recursive: true });
  const file = `${RESULTS}${suite}.json`;
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify({ suite, run: runInfo(), ...data }, null, 2)}\n`);
  renameSync(temp, file);
}
