/**
 * docs/security.md documents every configuration error and warning Corsica raises, and each
 * example in its tables really raises the code it stands next to. The codes are read from the
 * `ProblemCode` and `WarningCode` unions of packages/core/src/config/problems.ts, so a new code fails this
 * test until the page explains it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CorsConfigError, createPolicy, policyFromEnv } from '@corsica/core';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/markdown.js';

const PAGE = 'docs/security.md';
const page = readFileSync(join(ROOT, PAGE), 'utf8');

/** The members of a string-literal union type in errors.ts. */
function unionMembers(name: string): string[] {
  const source = readFileSync(join(ROOT, 'packages/core/src/config/problems.ts'), 'utf8');
  const body = new RegExp(`export type ${name} =([^;]+);`).exec(source)?.[1];
  if (body === undefined) throw new Error(`no ${name} union in packages/core/src/config/problems.ts`);
  return [...body.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}

/** One row of a code table: `| \`code\` | \`trigger\` | why |`. */
interface Row {
  readonly code: string;
  readonly trigger: string;
  readonly why: string;
  readonly line: number;
}

/** The rows of the table under the given `##` heading. */
function tableUnder(heading: string): Row[] {
  const lines = page.split('\n');
  const start = lines.indexOf(`## ${heading}`);
  if (start < 0) throw new Error(`${PAGE} has no "## ${heading}" section`);
  const rows: Row[] = [];
  for (let i = start + 1; i < lines.length && !lines[i]!.startsWith('## '); i++) {
    const m = /^\| `([A-Za-z.-]+)` \| `(.+?)` \| (.+) \|$/.exec(lines[i]!);
    if (m) rows.push({ code: m[1]!, trigger: m[2]!.replace(/\\\|/g, '|'), why: m[3]!, line: i + 1 });
  }
  return rows;
}

/**
 * Evaluates a trigger cell: an options object for `createPolicy`, or a `policyFromEnv(...)` call.
 * Returns the codes raised (problems) and the warnings of a policy that compiled.
 */
function raised(trigger: string): { problems: string[]; warnings: string[] } {
  const expression = trigger.startsWith('policyFromEnv(') ? trigger : `createPolicy(${trigger})`;
  try {
    const policy = new Function('createPolicy', 'policyFromEnv', `return ${expression};`)(
      (options: Record<string, unknown>) => createPolicy({ onWarning: false, ...options } as never),
      (env: Record<string, string>, base: Record<string, unknown> = {}) => policyFromEnv(env, { onWarning: false, ...base }),
    ) as { warnings: readonly { code: string }[] };
    return { problems: [], warnings: policy.warnings.map((w) => w.code) };
  } catch (error) {
    if (!(error instanceof CorsConfigError)) throw error;
    return { problems: error.problems.map((p) => p.code), warnings: [] };
  }
}

const problems = tableUnder('Every configuration error');
const warnings = tableUnder('Warnings');
/** Raised by the adapters' drop-in entry points, whose own tests (dropin.test.ts) trigger them. */
const dropInWarnings = tableUnder('Drop-in warnings');

describe(`${PAGE}`, () => {
  it.each(unionMembers('ProblemCode'))('documents the configuration error %s', (code) => {
    expect(problems.map((row) => row.code)).toContain(code);
  });

  it.each(unionMembers('WarningCode'))('documents the warning %s', (code) => {
    expect([...warnings, ...dropInWarnings].map((row) => row.code)).toContain(code);
  });

  it.each(dropInWarnings.map((row) => [row.code, row] as const))('says why the drop-in warning %s is raised', (code, row) => {
    expect(code.startsWith('dropin.')).toBe(true);
    expect(row.why.length, `${PAGE}:${row.line} says why`).toBeGreaterThan(30);
  });

  it.each(problems.map((row) => [row.code, row] as const))('shows an example that raises %s', (code, row) => {
    expect(row.why.length, `${PAGE}:${row.line} says why`).toBeGreaterThan(30);
    expect(raised(row.trigger).problems, `${PAGE}:${row.line}: ${row.trigger}`).toContain(code);
  });

  it.each(warnings.map((row) => [row.code, row] as const))('shows an example that warns %s', (code, row) => {
    expect(row.why.length, `${PAGE}:${row.line} says why`).toBeGreaterThan(30);
    expect(raised(row.trigger).warnings, `${PAGE}:${row.line}: ${row.trigger}`).toContain(code);
  });

  it('lists each code once', () => {
    const codes = [...problems, ...warnings, ...dropInWarnings].map((row) => row.code);
    expect(codes.length).toBe(new Set(codes).size);
  });
});
