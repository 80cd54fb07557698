/**
 * What npm users download: each publishable package packed by `pnpm pack` (as `pnpm publish`
 * packs it) holds only what they need, points every entry at a file it holds, carries complete
 * metadata, and passes publint (strict) and Are The Types Wrong.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOLDERS, PACKAGES_DIR, ROOT_DIR, packAll, readManifest, tarballFiles, tarballManifest } from './support/packages.js';
import type { PackageFolder } from './support/packages.js';

const run = promisify(execFile);
const ATTW = join(PACKAGES_DIR, 'runtimes', 'node_modules', '.bin', 'attw');

/** Every path a tarball may hold: the build, the readme, the licence, the manifest. */
const ALLOWED = /^(?:LICENSE|README\.md|package\.json|(?:adapter|compat)\/package\.json|dist\/[\w.-]+\.(?:js|cjs|d\.ts|d\.cts|js\.map|cjs\.map))$/;

/** Every file path a manifest points at: exports (all conditions), main, module, types, bin. */
function entryFiles(manifest: Record<string, unknown>): string[] {
  const out = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') out.add(value.replace(/^\.\//, ''));
    else if (typeof value === 'object' && value !== null) for (const inner of Object.values(value)) walk(inner);
  };
  walk(manifest.exports);
  walk(manifest.bin);
  for (const field of ['main', 'module', 'types']) walk(manifest[field]);
  return [...out].sort();
}

function withoutSourceCondition(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== '@corsica/source').map(([key, inner]) => [key, withoutSourceCondition(inner)]));
}

describe('the packed tarballs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'corsica-tarballs-'));
  let tarballs = new Map<PackageFolder, string>();

  beforeAll(() => {
    tarballs = packAll(dir);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(FOLDERS)('the %s tarball holds only dist, README.md, LICENSE and package.json', (folder) => {
    const files = tarballFiles(tarballs.get(folder)!);
    expect(files.filter((file) => !ALLOWED.test(file))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts']));
  });

  it.each(FOLDERS)('the %s tarball holds every file its exports, main, types and bin point at', (folder) => {
    const tarball = tarballs.get(folder)!;
    const files = tarballFiles(tarball);
    const entries = entryFiles(tarballManifest(tarball));
    expect(entries.length).toBeGreaterThan(3);
    expect(entries.filter((file) => !files.includes(file))).toEqual([]);
  });

  it.each(FOLDERS)('the %s tarball carries the MIT licence of the repository', (folder) => {
    const licence = execFileSync('tar', ['-xzOf', tarballs.get(folder)!, 'package/LICENSE'], { encoding: 'utf8' });
    expect(licence).toBe(readFileSync(join(ROOT_DIR, 'LICENSE'), 'utf8'));
    expect(licence).toContain('Copyright (c) 2026 Corsica contributors');
  });

  it.each(FOLDERS)("the %s tarball's package.json is complete, with no workspace range and no source condition", (folder) => {
    const manifest = tarballManifest(tarballs.get(folder)!);
    const text = JSON.stringify(manifest);
    expect(text).not.toContain('workspace:');
    expect(text).not.toContain('@corsica/source');
    expect(text).not.toContain('src/');
    expect(manifest).toMatchObject({
      license: 'MIT',
      type: 'module',
      sideEffects: false,
      engines: { node: '>=20' },
      repository: { type: 'git', url: 'git+https://github.com/corsica-js/corsica.git', directory: `packages/${folder}` },
      publishConfig: { access: 'public', provenance: true },
    });
    expect(String(manifest.description).length).toBeGreaterThan(20);
    expect(manifest.keywords).toEqual(expect.arrayContaining(['cors']));
  });

  it.each(FOLDERS)('publint in strict mode reports nothing for the %s tarball', async (folder) => {
    const bytes = readFileSync(tarballs.get(folder)!);
    const tarball = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const { messages, pkg } = await publint({ pack: { tarball }, strict: true, level: 'suggestion' });
    expect(messages.map((m) => `${m.type} ${m.code}: ${formatMessage(m, pkg) ?? ''}`)).toEqual([]);
  });

  // attw reads the pnpm tarball itself: its own --pack runs `npm pack`, which would keep the
  // workspace: ranges and ignore publishConfig.exports, so it would not check what is published
  it.each(FOLDERS)('Are The Types Wrong finds no problem in the %s tarball', async (folder) => {
    const result = await run(ATTW, [tarballs.get(folder)!, '--format', 'ascii'], { encoding: 'utf8' }).then(
      (ok) => ({ code: 0, output: ok.stdout }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? 1, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    );
    expect(result.output, result.output).not.toMatch(/🔴|❌|⚠️|🥴|💀|🎭|❗️/u);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('node16 (from ESM): 🟢');
  }, 60_000);
});

describe('the workspace manifests', () => {
  it.each(FOLDERS)('publishConfig.exports of %s is its exports without the @corsica/source condition', (folder) => {
    const manifest = readManifest(folder);
    expect((manifest.publishConfig as { exports?: unknown }).exports).toEqual(withoutSourceCondition(manifest.exports));
  });

  it.each(FOLDERS)('%s ships LICENSE through its files field', (folder) => {
    const manifest = readManifest(folder);
    // core also ships node10 stubs for its `./adapter` and `./compat` entry points (old resolvers ignore `exports`)
    expect(manifest.files).toEqual(folder === 'core' ? ['dist', 'adapter/package.json', 'compat/package.json', 'LICENSE'] : ['dist', 'LICENSE']);
    expect(readFileSync(join(PACKAGES_DIR, folder, 'LICENSE'), 'utf8')).toBe(readFileSync(join(ROOT_DIR, 'LICENSE'), 'utf8'));
  });
});
