/**
 * docs/api/ is what `scripts/api.mjs` generates from the sources' TSDoc comments, byte for byte:
 * the reference is regenerated into a temporary folder and compared with the committed one.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './support/markdown.js';

// plain JavaScript, so that the script runs with node alone; typed through its JSDoc (checkJs)
const { ENTRIES, generateApi, pageOf } = await import('../scripts/api.mjs');

const COMMITTED = join(ROOT, 'docs', 'api');
const REGENERATE = 'node packages/docs/scripts/api.mjs';
let scratch = '';
let fresh = '';

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'corsica-api-'));
  fresh = join(scratch, 'api');
  await generateApi(fresh);
}, 120_000);

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

const list = (dir: string): string[] => readdirSync(dir).sort();

describe('docs/api', () => {
  it('has one page per public entry point, and an index', () => {
    expect(list(fresh)).toEqual(['README.md', ...ENTRIES.map(([, name]) => pageOf(name))].sort());
    expect(readFileSync(join(fresh, 'core.md'), 'utf8')).toContain('### createPolicy()');
  });

  it(`holds the same files as a fresh generation (run \`${REGENERATE}\`)`, () => {
    expect(list(COMMITTED)).toEqual(list(fresh));
  });

  it.each(ENTRIES.map(([, name]) => pageOf(name)).concat('README.md'))(`%s is up to date with the TSDoc comments (run \`${REGENERATE}\`)`, (file) => {
    expect(readFileSync(join(COMMITTED, file), 'utf8')).toBe(readFileSync(join(fresh, file), 'utf8'));
  });
});
