/**
 * The examples in examples/ never rot: one per framework and runtime, each type-checked against
 * the packages' sources with `tsc -p examples/tsconfig.json`.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PACKAGES_DIR, ROOT_DIR } from './support/packages.js';

const run = promisify(execFile);
const EXAMPLES = join(ROOT_DIR, 'examples');
const TSC = join(PACKAGES_DIR, 'runtimes', 'node_modules', 'typescript', 'bin', 'tsc');

/** Each example's entry file, and the Corsica package it must use. */
const ENTRIES = [
  ['express/index.ts', '@corsica/express'],
  ['fastify/index.ts', '@corsica/fastify'],
  ['koa/index.ts', '@corsica/koa'],
  ['hono-node/index.ts', '@corsica/hono'],
  ['hono-workers/index.ts', '@corsica/hono'],
  ['fetch-workers/index.ts', '@corsica/fetch'],
  ['fetch-deno/main.ts', '@corsica/fetch'],
  ['fetch-bun/index.ts', '@corsica/fetch'],
  ['nextjs/app/api/items/route.ts', '@corsica/fetch'],
  ['nestjs/src/main.ts', '@corsica/express'],
  ['lambda/index.ts', '@corsica/lambda'],
  ['lambda/middy.ts', '@corsica/lambda/middy'],
  ['nextjs-proxy/proxy.ts', '@corsica/next'],
  ['nestjs-fastify/src/main.ts', '@corsica/fastify'],
  ['h3/index.ts', '@corsica/h3'],
  ['elysia/index.ts', '@corsica/elysia'],
] as const;

describe('examples', () => {
  it.each(ENTRIES)('%s uses %s and is listed in examples/README.md', (file, pkg) => {
    expect(existsSync(join(EXAMPLES, file)), file).toBe(true);
    expect(readFileSync(join(EXAMPLES, file), 'utf8')).toContain(`from '${pkg}'`);
    expect(readFileSync(join(EXAMPLES, 'README.md'), 'utf8')).toContain(`(${file})`);
  });

  it('exports OPTIONS from every Next.js route file, so withCors answers the preflights', () => {
    for (const file of ['nextjs/app/api/items/route.ts', 'nextjs/app/api/items/[id]/route.ts']) {
      expect(readFileSync(join(EXAMPLES, file), 'utf8'), file).toMatch(/export const OPTIONS = withCors\(/);
    }
  });

  it('all type-check with tsc against the packages, with no error', async () => {
    const output = await run(process.execPath, [TSC, '-p', join(EXAMPLES, 'tsconfig.json'), '--pretty', 'false'], { cwd: EXAMPLES, encoding: 'utf8' }).then(
      () => '',
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
    );
    expect(output.split('\n').filter((line) => line.trim() !== '')).toEqual([]);
  }, 120_000);
});
