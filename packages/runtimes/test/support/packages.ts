/**
 * The publishable packages and their tarballs, made by `pnpm pack` exactly as `pnpm publish`
 * makes them (`workspace:` ranges replaced, `publishConfig` applied).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT_DIR = fileURLToPath(new URL('../../../../', import.meta.url));
export const PACKAGES_DIR = join(ROOT_DIR, 'packages');

/** Folder name under packages/ → the entry points users import. */
export const PUBLISHABLE = {
  core: ['@corsica/core'],
  express: ['@corsica/express'],
  fastify: ['@corsica/fastify'],
  hono: ['@corsica/hono'],
  koa: ['@corsica/koa'],
  h3: ['@corsica/h3'],
  elysia: ['@corsica/elysia'],
  fetch: ['@corsica/fetch'],
  lambda: ['@corsica/lambda', '@corsica/lambda/middy'],
  next: ['@corsica/next'],
  conformance: ['@corsica/conformance', '@corsica/conformance/vitest'],
  cli: ['@corsica/cli'],
  redis: ['@corsica/redis'],
} as const;

export type PackageFolder = keyof typeof PUBLISHABLE;
export const FOLDERS = Object.keys(PUBLISHABLE) as PackageFolder[];
export const ENTRIES: string[] = Object.values(PUBLISHABLE).flat();

export interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly [field: string]: unknown;
}

export function readManifest(folder: string): Manifest {
  return JSON.parse(readFileSync(join(PACKAGES_DIR, folder, 'package.json'), 'utf8')) as Manifest;
}

/** pnpm itself: the one running this test when started by `pnpm run`, else the one on PATH. */
function pnpmCommand(): [string, string[]] {
  const execPath = process.env.npm_execpath;
  if (execPath !== undefined && /pnpm/.test(execPath)) return execPath.endsWith('.js') || execPath.endsWith('.cjs') ? [process.execPath, [execPath]] : [execPath, []];
  return ['pnpm', []];
}

/**
 * Packs every publishable package into `destination` with one recursive `pnpm pack` and returns
 * each tarball's path. Needs a prior build.
 */
export function packAll(destination: string): Map<PackageFolder, string> {
  const missing = FOLDERS.filter((folder) => !existsSync(join(PACKAGES_DIR, folder, 'dist')));
  if (missing.length > 0) {
    throw new Error(`corsica test setup: ${missing.map((f) => `packages/${f}/dist`).join(', ')} missing; run \`pnpm -r build\` before the package tests.`);
  }
  const [command, prefix] = pnpmCommand();
  const filters = FOLDERS.flatMap((folder) => ['--filter', readManifest(folder).name]);
  execFileSync(command, [...prefix, '-r', ...filters, 'pack', '--pack-destination', destination], { cwd: ROOT_DIR, stdio: 'pipe' });
  const tarballs = new Map<PackageFolder, string>();
  for (const folder of FOLDERS) {
    const { name, version } = readManifest(folder);
    const tarball = join(destination, `${name.replace('@', '').replace('/', '-')}-${version}.tgz`);
    if (!existsSync(tarball)) throw new Error(`corsica test setup: pnpm pack made no ${tarball}`);
    tarballs.set(folder, tarball);
  }
  return tarballs;
}

/** The paths inside a tarball, without the leading `package/`, sorted. */
export function tarballFiles(tarball: string): string[] {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/^package\//, ''))
    .sort();
}

/** The package.json inside a tarball. */
export function tarballManifest(tarball: string): Manifest {
  return JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as Manifest;
}
