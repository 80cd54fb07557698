#!/usr/bin/env node
/**
 * Measures what Corsica and its peers add to a bundle (esbuild, minified, then gzip level 9 with
 * node:zlib) and writes docs/size.md. Run after `pnpm -r build`:
 *
 *   node packages/runtimes/scripts/size.mjs
 *
 * The same measurements back the size budget test (packages/runtimes/test/size.test.ts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PACKAGES = join(ROOT, 'packages');
/** Where the peers are installed (the conformance kit runs them for comparison). */
const PEERS_DIR = join(PACKAGES, 'conformance');

/**
 * The whole core's ceiling, minified + gzipped, without the public-suffix data (tldts): a
 * regression gate at the current size plus headroom. The core carries the configuration validator
 * (every problem with its message and fix) and `explain()`, which `createPolicy` and every policy
 * must provide, so the whole core cannot meet issue 11's 6 KB (docs/size.md). Raised from 18 KB
 * (to 23 KB) in round two, when the core took in the origin guard's validation, upgrade helpers and local profile,
 * `reconfigure`, and the peers' drop-in profiles (before, each adapter carried its own): none of
 * it runs per request, and the per-request engine keeps its 6 KB.
 */
export const CORE_BUDGET = 23 * 1024;
/** Issue 11's target: enforced on the per-request engine, reported against the whole core. */
export const CORE_TARGET = 6 * 1024;

/**
 * The per-request engine: what adapters run for every request (reading the facts, deciding,
 * recording, writing headers), bundled from the sources so that esbuild drops what requests never
 * reach. `createPipeline` is what `createPolicy` wraps around the compiled options.
 */
const ENGINE_ENTRY = `export { createPipeline } from './src/request/pipeline.ts';
export { answerResponse, applyCorsHeaders, mergeVary, withCorsHeaders } from './src/request/write.ts';
export { decideOnce, recordedDecision } from './src/request/once.ts';
export { factsFromFetchRequest, factsFromNodeRequest } from './src/request/facts.ts';`;

/** Modules the per-request engine must never contain a byte of: the config half, explain and its console wording, the drop-in entry. */
export const NEVER_PER_REQUEST = ['src/config/', 'src/explain.ts', 'src/console.ts', 'src/compat.ts', 'src/compat/', 'src/policy.ts'];

/** Reports whether a bundled module belongs to a part requests never run. */
export function isNeverPerRequest(module) {
  return NEVER_PER_REQUEST.some((part) => (part.endsWith('/') ? module.startsWith(part) : module === part));
}

export const DOC = join(ROOT, 'docs', 'size.md');

const FRAMEWORKS = ['express', 'fastify', 'hono', 'koa', 'next', 'h3', 'elysia'];

/** Bundles `contents` (resolved from `resolveDir`) and returns its minified and gzipped bytes. */
async function measure(contents, resolveDir, { external = [], platform = 'neutral', metafile = false, loader = 'js' } = {}) {
  const result = await build({
    stdin: { contents, resolveDir, loader, sourcefile: `entry.${loader}` },
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    platform,
    target: 'es2022',
    mainFields: ['module', 'main'],
    external: [...external, 'node:*'],
    metafile,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length, metafile: result.metafile };
}

function distOf(folder) {
  const file = join(PACKAGES, folder, 'dist', 'index.js');
  if (!existsSync(file)) throw new Error(`corsica: packages/${folder}/dist/index.js is missing; run \`pnpm -r build\` before measuring sizes.`);
  return file;
}

function versionOf(name) {
  // a direct dependency of the conformance package: its own package.json (some packages export
  // only an `import` entry, which require.resolve cannot find)
  const direct = join(PEERS_DIR, 'node_modules', name, 'package.json');
  if (existsSync(direct)) return JSON.parse(readFileSync(direct, 'utf8')).version;
  const require = createRequire(join(PEERS_DIR, 'package.json'));
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== name.split('/').slice(0, name.startsWith('@') ? 2 : 1).join('/')) {
    const up = dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
}

/** Every measurement docs/size.md reports; sizes in bytes. */
export async function measureSizes() {
  const core = distOf('core');
  const coreCode = await measure(`export * from ${JSON.stringify(core)};`, PACKAGES, { external: ['tldts'] });
  const coreAll = await measure(`export * from ${JSON.stringify(core)};`, join(PACKAGES, 'core'));
  const createPolicyOnly = await measure(`export { createPolicy } from ${JSON.stringify(core)};`, PACKAGES, { external: ['tldts'] });
  const engineBuild = await measure(ENGINE_ENTRY, join(PACKAGES, 'core'), { external: ['tldts'], loader: 'ts', metafile: true });
  const engineOutput = Object.values(engineBuild.metafile.outputs)[0];
  const engine = {
    min: engineBuild.min,
    gzip: engineBuild.gzip,
    modules: Object.entries(engineOutput.inputs)
      .map(([path, input]) => ({ module: path.replace(/^.*packages\/core\//, ''), min: input.bytesInOutput }))
      .filter((m) => m.min > 0)
      .sort((a, b) => b.min - a.min),
    importsTldts: engineOutput.imports.some((i) => i.path === 'tldts'),
  };
  // per source module, from the TypeScript sources (the dist is one file)
  const bySource = await build({
    entryPoints: [join(PACKAGES, 'core', 'src', 'index.ts')],
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    outfile: join(PACKAGES, 'core', 'size-probe.js'),
    external: ['tldts'],
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(bySource.metafile.outputs).find((o) => o.entryPoint !== undefined);
  const short = (path) => path.replace(/^.*packages\/core\//, '');
  const importersOf = (target) =>
    Object.entries(bySource.metafile.inputs)
      .filter(([, input]) => input.imports.some((i) => i.path === target || short(i.path) === target))
      .map(([path]) => short(path))
      .sort();
  const tldtsImporters = importersOf('tldts');
  const publicSuffixImporters = importersOf('src/config/public-suffix.ts');
  const modules = Object.entries(output.inputs)
    .map(([path, input]) => ({ module: path.replace(/^.*packages\/core\//, ''), min: input.bytesInOutput }))
    .filter((m) => m.min > 0)
    .sort((a, b) => b.min - a.min);

  const adapters = [];
  for (const folder of ['express', 'fastify', 'hono', 'koa', 'fetch', 'lambda', 'next', 'h3', 'elysia']) {
    const file = JSON.stringify(distOf(folder));
    const own = await measure(`export * from ${file};`, PACKAGES, { external: ['@corsica/core', ...FRAMEWORKS] });
    const withCore = await measure(`export * from ${file};`, join(PACKAGES, folder), { external: ['tldts', ...FRAMEWORKS] });
    adapters.push({ name: `@corsica/${folder}`, own: { min: own.min, gzip: own.gzip }, withCore: { min: withCore.min, gzip: withCore.gzip } });
  }

  const peers = [];
  for (const [name, contents, platform, external] of [
    ['cors', "export { default } from 'cors';", 'node', ['express']],
    ['@fastify/cors', "export { default } from '@fastify/cors';", 'node', ['fastify']],
    ['hono/cors', "export { cors } from 'hono/cors';", 'neutral', []],
    ['@koa/cors', "export { default } from '@koa/cors';", 'node', ['koa']],
    ['h3 handleCors', "export { handleCors } from 'h3';", 'neutral', []],
    ['@elysiajs/cors', "export { cors } from '@elysiajs/cors';", 'neutral', ['elysia']],
    ['@middy/http-cors', "export { default } from '@middy/http-cors';", 'node', []],
    ['itty-router cors', "export { cors } from 'itty-router';", 'neutral', []],
  ]) {
    const size = await measure(contents, PEERS_DIR, { platform, external });
    peers.push({ name, version: versionOf({ 'hono/cors': 'hono', 'h3 handleCors': 'h3', 'itty-router cors': 'itty-router' }[name] ?? name), min: size.min, gzip: size.gzip });
  }

  return {
    core: { min: coreCode.min, gzip: coreCode.gzip },
    coreWithPublicSuffixData: { min: coreAll.min, gzip: coreAll.gzip },
    createPolicyOnly: { min: createPolicyOnly.min, gzip: createPolicyOnly.gzip },
    engine,
    tldtsImporters,
    publicSuffixImporters,
    modules,
    adapters,
    peers,
    budget: CORE_BUDGET,
  };
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const row = (cells) => `| ${cells.join(' | ')} |`;

/** docs/size.md for a measurement; the numbers are also embedded as JSON for the drift check. */
export function renderSizes(sizes) {
  const within = sizes.core.gzip <= sizes.budget;
  const lines = [
    '# Bundle size',
    '',
    '<!-- Generated by packages/runtimes/scripts/size.mjs; do not edit by hand. Regenerate: pnpm -r build && node packages/runtimes/scripts/size.mjs -->',
    '',
    'What each package adds to an application bundle: esbuild 0.25, ESM, minified, then gzip (level 9).',
    'KB are 1,024 bytes. The framework itself (`express`, `fastify`, `hono`, `koa`, `h3`, `elysia`) is never counted.',
    '',
    '## Core',
    '',
    row(['bundle', 'minified', 'min + gzip']),
    row(['---', '---:', '---:']),
    row(['`@corsica/core`, every export, without the public-suffix data (`tldts`)', kb(sizes.core.min), `**${kb(sizes.core.gzip)}**`]),
    row(['`@corsica/core`, `createPolicy` only (what each adapter pulls in)', kb(sizes.createPolicyOnly.min), kb(sizes.createPolicyOnly.gzip)]),
    row(['`@corsica/core` with `tldts` and its Public Suffix List', kb(sizes.coreWithPublicSuffixData.min), kb(sizes.coreWithPublicSuffixData.gzip)]),
    row(['per-request engine: facts, decide, record, write headers (`src/request/`)', kb(sizes.engine.min), `**${kb(sizes.engine.gzip)}**`]),
    '',
    `Budgets enforced in CI: the per-request engine at most ${kb(CORE_TARGET)} min + gzip, issue 11's target (now ${kb(sizes.engine.gzip)}, ${sizes.engine.gzip <= CORE_TARGET ? 'within it' : `**over by ${kb(sizes.engine.gzip - CORE_TARGET)}**`}); the whole core without \`tldts\` at most ${kb(sizes.budget)} (now ${kb(sizes.core.gzip)}, ${within ? 'within it' : `**over by ${kb(sizes.core.gzip - sizes.budget)}**`}).`,
    '',
    `The whole core misses the ${kb(CORE_TARGET)} target by ${kb(Math.max(0, sizes.core.gzip - CORE_TARGET))}: \`createPolicy\` carries the configuration validator (every problem with its message and fix) and every policy carries \`explain()\`. Requests never run that code: the engine bundle above holds no byte of ${NEVER_PER_REQUEST.map((m) => `\`${m}\``).join(', ')}. The rest costs bundle bytes and start-up parsing, never time per request.`,
    '',
    'The per-request engine by source module (minified bytes before gzip):',
    '',
    row(['module', 'minified']),
    row(['---', '---:']),
    ...sizes.engine.modules.map((m) => row([`\`${m.module}\``, kb(m.min)])),
    '',
    `The public-suffix data is imported only by ${sizes.tldtsImporters.map((p) => `\`${p}\``).join(', ')} (itself imported only by`,
    `${sizes.publicSuffixImporters.map((p) => `\`${p}\``).join(', ')}), whose one function \`isPublicSuffixOrIp\` is called only by \`checkHost\`, a step of \`parseConfiguredOrigin\`,`,
    'while `createPolicy` validates `https://*.domain` patterns. `decide()` parses request origins with',
    '`parseRequestOrigin` and never reaches it: the data costs bundle bytes and one module load, never per-request time.',
    '',
    'The whole core by source module (minified bytes before gzip, without `tldts`):',
    '',
    row(['module', 'minified']),
    row(['---', '---:']),
    ...sizes.modules.map((m) => row([`\`${m.module}\``, kb(m.min)])),
    '',
    '## Adapters',
    '',
    row(['package', 'own code, min + gzip', 'with the core (no `tldts`), min + gzip']),
    row(['---', '---:', '---:']),
    ...sizes.adapters.map((a) => row([`\`${a.name}\``, kb(a.own.gzip), kb(a.withCore.gzip)])),
    '',
    '## Peers',
    '',
    'Each with its own dependencies bundled (e.g. `vary`, `object-assign`, `fastify-plugin`, `mnemonist`).',
    '',
    row(['package', 'version', 'minified', 'min + gzip']),
    row(['---', '---', '---:', '---:']),
    ...sizes.peers.map((p) => row([`\`${p.name}\``, p.version, kb(p.min), kb(p.gzip)])),
    '',
    'The peers validate little of their configuration and carry no explanations; docs/conformance-peers.md shows how',
    'each fares on the conformance kit.',
    '',
    `<!-- sizes ${JSON.stringify({ core: sizes.core, engine: { min: sizes.engine.min, gzip: sizes.engine.gzip }, createPolicyOnly: sizes.createPolicyOnly, coreWithPublicSuffixData: sizes.coreWithPublicSuffixData, adapters: sizes.adapters, peers: sizes.peers })} -->`,
    '',
  ];
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizes = await measureSizes();
  writeFileSync(DOC, renderSizes(sizes));
  console.log(`wrote ${DOC}: per-request engine ${kb(sizes.engine.gzip)} min + gzip (budget ${kb(CORE_TARGET)}); whole core ${kb(sizes.core.gzip)} without tldts (budget ${kb(sizes.budget)}), ${kb(sizes.coreWithPublicSuffixData.gzip)} with it`);
}
