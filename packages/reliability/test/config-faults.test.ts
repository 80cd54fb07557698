/**
 * Configuration faults: for every `CorsConfigError` code, every adapter refuses to start. The
 * child process builds the app the way it does for the other suites (middleware first, then
 * listen); the build must throw before any server listens, with a message that names the
 * option and the fix.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ProblemCode } from '@corsica/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerChild } from './support/child.js';
import { CONFIG_FAULTS } from './support/config-faults.js';
import { writeResults } from './support/results.js';
import type { AdapterName } from './support/scenarios.js';
import { ADAPTERS } from './support/scenarios.js';

/** The codes as the core declares them: the `ProblemCode` union in `packages/core/src/config/problems.ts`. */
function declaredCodes(): string[] {
  const source = readFileSync(fileURLToPath(new URL('../../core/src/config/problems.ts', import.meta.url)), 'utf8');
  const union = /export type ProblemCode =([^;]+);/.exec(source);
  if (union === null) throw new Error('reliability: no `export type ProblemCode = ...;` in packages/core/src/config/problems.ts');
  return [...union[1]!.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}

const CODES = Object.keys(CONFIG_FAULTS) as ProblemCode[];
const ROWS = ADAPTERS.flatMap((adapter) => CODES.map((code) => ({ adapter, code, ...CONFIG_FAULTS[code] })));
const refused: Partial<Record<AdapterName, number>> = {};

let child: ServerChild;

beforeAll(async () => {
  child = await ServerChild.spawn('config-fault child');
});

afterAll(async () => {
  await child?.kill();
  writeResults('config-faults', { codes: CODES.length, adapters: refused });
});

describe('every CorsConfigError code', () => {
  it('has a faulty configuration here, and nothing else does', () => {
    expect([...CODES].sort()).toEqual(declaredCodes().sort());
  });
});

describe.each(ADAPTERS)('%s refuses to start with a faulty configuration', (adapter) => {
  it.each(ROWS.filter((r) => r.adapter === adapter))('[$code] $desc', async ({ code, path, option }) => {
    const attempt = await child.configFault(adapter, code);
    expect(attempt.started, 'the server started').toBe(false);
    expect(attempt.listening, 'a server is listening after the failed start').toBe(false);
    expect(attempt.name).toBe('CorsConfigError');
    const problem = attempt.problems?.find((p) => p.code === code);
    expect(problem, `no ${code} problem in ${JSON.stringify(attempt.problems)}`).toBeDefined();
    expect(problem!.path).toBe(path);
    const message = attempt.message ?? '';
    expect(message.startsWith('corsica:')).toBe(true);
    expect(message).toContain(`[${code}]`);
    expect(message).toContain(option);
    expect(problem!.fix.length).toBeGreaterThan(10);
    expect(message).toContain(`Fix: ${problem!.fix}`);
    refused[adapter] = (refused[adapter] ?? 0) + 1;
  });

  it('starts through the same path with a valid configuration (the control row)', async () => {
    const attempt = await child.configFault(adapter, 'valid');
    expect(attempt.message).toBeUndefined();
    expect(attempt.started).toBe(true);
    expect(child.alive).toBe(true);
  });
});
