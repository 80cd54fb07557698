/**
 * The documentation's code never drifts from the API: every ```ts / ```js / ```mjs block of
 * README.md, docs/ and the packages' READMEs is type-checked (one tsc run over all of them), and
 * the blocks marked `run` are run with node. See test/support/blocks.ts for the info-string flags.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic, WrittenBlock } from './support/blocks.js';
import { atPage, isCode, runBlock, typeCheck, writeBlocks } from './support/blocks.js';
import type { Fence } from './support/markdown.js';
import { DOCS_PACKAGE, allFences, fencesOf, where } from './support/markdown.js';

/**
 * The only pages allowed `nocheck` blocks: page → how many, and why (the page says it too).
 * Keep this list short: a block that cannot compile usually needs a prelude, not an exemption.
 */
const NOCHECK_ALLOWED: ReadonlyMap<string, { readonly blocks: number; readonly why: string }> = new Map([
  ['packages/test-utils/README.md', { blocks: 1, why: 'a test file of an adapter package: its relative imports resolve only inside that package' }],
]);

const fences = allFences();
const code = fences.filter(isCode);
const checked = code.filter((f) => !f.flags.has('nocheck'));
const runnable = checked.filter((f) => f.flags.has('run'));

let scratch = '';
let written: WrittenBlock[] = [];
let diagnostics: Diagnostic[] = [];

beforeAll(async () => {
  scratch = mkdtempSync(join(DOCS_PACKAGE, '.blocks-'));
  written = writeBlocks(scratch, fences);
  diagnostics = await typeCheck(scratch);
}, 240_000);

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

const blockOf = (fence: Fence): WrittenBlock => written.find((w) => w.fence === fence)!;

/** The ```text output block right after a `run` block, if any. */
function expectedOutput(fence: Fence): string | undefined {
  const next = fences[fences.indexOf(fence) + 1];
  return next !== undefined && next.file === fence.file && next.lang === 'text' && next.flags.has('output') ? next.body : undefined;
}

describe('code blocks', () => {
  it('are found in the README, the docs and the packages’ READMEs', () => {
    const files = new Set(checked.map((f) => f.file));
    for (const file of ['README.md', 'docs/security.md', 'docs/guides/express.md', 'docs/recipes.md']) expect(files, file).toContain(file);
    expect(checked.length).toBeGreaterThan(50);
  });

  it('skip checking only where the allowlist says why', () => {
    const skipped = new Map<string, number>();
    for (const fence of code.filter((f) => f.flags.has('nocheck'))) skipped.set(fence.file, (skipped.get(fence.file) ?? 0) + 1);
    const unexplained = [...skipped].filter(([file, n]) => n > (NOCHECK_ALLOWED.get(file)?.blocks ?? 0));
    expect(unexplained.map(([file, n]) => `${file}: ${n} nocheck block(s)`)).toEqual([]);
  });

  it('produce no tsc error outside the blocks themselves', () => {
    const stray = diagnostics.filter((d) => !written.some((w) => w.path === d.path));
    expect(stray.map((d) => `${d.path || '(tsc)'}:${d.line}: ${d.text}`)).toEqual([]);
  });

  it.each(checked.map((fence) => [where(fence), fence] as const))('%s type-checks', (_name, fence) => {
    const block = blockOf(fence);
    const errors = diagnostics.filter((d) => d.path === block.path).map((d) => atPage(block, d));
    expect(errors).toEqual([]);
  });
});

describe('runnable blocks', () => {
  it('include the quick starts that need no server', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(4);
    expect(runnable.map((f) => f.file)).toContain('docs/security.md');
  });

  it.each(runnable.map((fence) => [where(fence), fence] as const))('%s runs with node and prints what the page shows', async (_name, fence) => {
    const block = blockOf(fence);
    // a block that does not compile has already failed above; running it would only add noise
    if (diagnostics.some((d) => d.path === block.path)) return;
    const result = await runBlock(block);
    expect(result.stderr, `${where(fence)} wrote to stderr`).toBe('');
    expect(result.code, `${where(fence)} exited with ${result.code}`).toBe(0);
    const output = expectedOutput(fence);
    if (output !== undefined) expect(result.stdout.trimEnd()).toBe(output.trimEnd());
  }, 40_000);
});

describe('the checker itself', () => {
  const page = [
    '# A page',
    '',
    '```ts prelude=policy',
    "const reason: number = policy.decide({ method: 'GET' }).reason;",
    '```',
    '',
    '```ts',
    "import { createPolicy } from '@corsica/core';",
    "createPolicy({ origin: ['https://app.example.com'] });",
    '```',
  ].join('\n');

  it('reports a broken block at its line in the page, and passes the sound one', async () => {
    const dir = mkdtempSync(join(DOCS_PACKAGE, '.blocks-self-'));
    try {
      const blocks = writeBlocks(dir, fencesOf(page, 'docs/example.md'));
      const found = await typeCheck(dir);
      const reported = found.map((d) => atPage(blocks.find((b) => b.path === d.path)!, d));
      expect(reported).toHaveLength(1);
      expect(reported[0]).toMatch(/^docs\/example\.md:4: error TS2322: Type '.+' is not assignable to type 'number'\./);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses a prelude it does not know', () => {
    const dir = mkdtempSync(join(DOCS_PACKAGE, '.blocks-self-'));
    try {
      expect(() => writeBlocks(dir, fencesOf('```ts prelude=requets\nrequest;\n```\n', 'docs/x.md'))).toThrow(/unknown prelude "requets"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
