#!/usr/bin/env node
/**
 * Generates the API reference (docs/api/) from the TSDoc comments of the public packages, with
 * TypeDoc and typedoc-plugin-markdown: one page per package, named after the package.
 *
 *   node packages/docs/scripts/api.mjs            # rewrites docs/api/
 *   node packages/docs/scripts/api.mjs --out DIR  # writes elsewhere (the staleness test)
 *
 * The output has no dates, versions or source links, so the same sources always give the same
 * bytes and `test/api.test.ts` can compare it with what is committed.
 */
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Application, ReflectionKind } from 'typedoc';

const here = fileURLToPath(new URL('.', import.meta.url));
const docsPackage = resolve(here, '..');
const root = resolve(docsPackage, '../..');

/**
 * The documented entry points: module path → the name users import.
 * @type {ReadonlyArray<readonly [string, string]>}
 */
export const ENTRIES = [
  ['packages/core/src/index.ts', '@corsica/core'],
  ['packages/core/src/adapter.ts', '@corsica/core/adapter'],
  ['packages/express/src/index.ts', '@corsica/express'],
  ['packages/fastify/src/index.ts', '@corsica/fastify'],
  ['packages/hono/src/index.ts', '@corsica/hono'],
  ['packages/koa/src/index.ts', '@corsica/koa'],
  ['packages/h3/src/index.ts', '@corsica/h3'],
  ['packages/elysia/src/index.ts', '@corsica/elysia'],
  ['packages/fetch/src/index.ts', '@corsica/fetch'],
  ['packages/lambda/src/index.ts', '@corsica/lambda'],
  ['packages/lambda/src/middy.ts', '@corsica/lambda/middy'],
  ['packages/next/src/index.ts', '@corsica/next'],
  ['packages/conformance/src/index.ts', '@corsica/conformance'],
  ['packages/conformance/src/vitest.ts', '@corsica/conformance/vitest'],
  ['packages/redis/src/index.ts', '@corsica/redis'],
];

/**
 * File name of a package's page: `@corsica/conformance/vitest` → `conformance-vitest.md`.
 * @param {string} name
 */
export const pageOf = (name) => `${name.replace(/^@corsica\//, '').replace(/\//g, '-')}.md`;

const INDEX_HEAD = `# API reference

Generated from the TSDoc comments of the sources by \`packages/docs/scripts/api.mjs\` (TypeDoc and
typedoc-plugin-markdown). Do not edit by hand: run \`node packages/docs/scripts/api.mjs\`; CI fails
when this folder is out of date. Guides and explanations: [the documentation index](../README.md).

| package | page |
| --- | --- |
`;

/**
 * Writes the reference into `outDir` (emptied first). Returns the file names written.
 * @param {string} outDir
 * @returns {Promise<string[]>}
 */
export async function generateApi(outDir) {
  const scratch = `${outDir}.typedoc-tmp`;
  /** @type {Partial<import('typedoc').TypeDocOptions> & Record<string, unknown>} TypeDoc's own options and the markdown plugin's */
  const options = {
    plugin: ['typedoc-plugin-markdown'],
    tsconfig: join(docsPackage, 'tsconfig.api.json'),
    entryPoints: ENTRIES.map(([file]) => join(root, file)),
    entryPointStrategy: 'resolve',
    readme: 'none',
    disableSources: true,
    disableGit: true,
    sourceLinkTemplate: 'https://example.invalid/{path}',
    excludePrivate: true,
    excludeInternal: true,
    excludeExternals: true,
    sort: ['source-order'],
    logLevel: 'Warn',
    outputs: [{ name: 'markdown', path: scratch }],
    // plugin-markdown: one page per package, tables, no breadcrumbs or page header
    outputFileStrategy: 'modules',
    hidePageHeader: true,
    hideBreadcrumbs: true,
    parametersFormat: 'table',
    interfacePropertiesFormat: 'table',
    classPropertiesFormat: 'table',
    typeAliasPropertiesFormat: 'table',
    typeDeclarationFormat: 'table',
    indexFormat: 'table',
    useCodeBlocks: true,
    expandObjects: false,
    pageTitleTemplates: { module: '{name}' },
  };
  const app = await Application.bootstrapWithPlugins(options);
  if (app.logger.hasErrors()) throw new Error('corsica docs: TypeDoc rejected its options (see above).');
  const project = await app.convert();
  if (!project || app.logger.hasErrors()) throw new Error('corsica docs: TypeDoc could not convert the sources (see above).');

  // Members inherited from Error and the like are the platform's to document, not ours.
  for (const reflection of Object.values(project.reflections)) {
    if (reflection.isDeclaration() && reflection.inheritedFrom !== undefined) project.removeReflection(reflection);
  }

  // TypeDoc names modules after their path (`core/src`); users know them by package name.
  for (const mod of project.getChildrenByKind(ReflectionKind.Module)) {
    const name = nameFromPath(mod.name);
    if (name === undefined) throw new Error(`corsica docs: no package name for module ${mod.name}; add it to ENTRIES in scripts/api.mjs.`);
    mod.name = name;
  }

  await rm(scratch, { recursive: true, force: true });
  await app.generateOutputs(project);
  if (app.logger.hasErrors()) throw new Error('corsica docs: TypeDoc could not render the reference (see above).');

  // Flatten whatever layout the plugin chose into one page per package, links rewritten.
  const pages = await collect(scratch);
  /** @type {Map<string, string>} generated path → flat file name */
  const fileFor = new Map();
  for (const [path, text] of pages) {
    const name = ENTRIES.map(([, n]) => n).find((n) => titleOf(text) === n);
    if (name !== undefined) fileFor.set(path, pageOf(name));
  }
  const missing = ENTRIES.filter(([, name]) => ![...fileFor.values()].includes(pageOf(name)));
  if (missing.length > 0) throw new Error(`corsica docs: no page was generated for ${missing.map(([, name]) => name).join(', ')}.`);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const written = [];
  for (const [path, file] of fileFor) {
    let text = relink(pages.get(path) ?? '', path, fileFor);
    text = `<!-- Generated by packages/docs/scripts/api.mjs from the TSDoc comments; do not edit. -->\n\n${text.trimEnd()}\n`;
    await writeFile(join(outDir, file), text);
    written.push(file);
  }
  const rows = ENTRIES.map(([, name]) => `| \`${name}\` | [${pageOf(name)}](${pageOf(name)}) |`).join('\n');
  await writeFile(join(outDir, 'README.md'), `${INDEX_HEAD}${rows}\n`);
  written.push('README.md');
  await rm(scratch, { recursive: true, force: true });
  return written.sort();
}

/**
 * The package name of a module TypeDoc named after its path (`core/src`, `conformance/src/vitest`).
 * @param {string} path
 */
function nameFromPath(path) {
  const hit = ENTRIES.find(([file]) => file.replace(/^packages\//, '').replace(/\/index\.ts$|\.ts$/, '') === path);
  return hit?.[1];
}

/** @param {string} text */
function titleOf(text) {
  return /^# (.+)$/m.exec(text)?.[1]?.replace(/\\/g, '');
}

/**
 * Every .md file under dir, by path relative to it.
 * @param {string} dir
 * @param {string} [prefix]
 * @returns {Promise<Map<string, string>>}
 */
async function collect(dir, prefix = '') {
  const out = new Map();
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) for (const [k, v] of await collect(dir, rel)) out.set(k, v);
    else if (entry.name.endsWith('.md')) out.set(rel, await readFile(join(dir, rel), 'utf8'));
  }
  return out;
}

/**
 * Rewrites links between generated pages to the flat file names.
 * @param {string} text
 * @param {string} from the page's generated path
 * @param {ReadonlyMap<string, string>} fileFor
 */
function relink(text, from, fileFor) {
  const base = from.split('/').slice(0, -1);
  return text.replace(/\]\(([^)#\s]+\.md)(#[^)\s]*)?\)/g, (/** @type {string} */ all, /** @type {string} */ target, hash = '') => {
    const parts = [...base];
    for (const seg of target.split('/')) {
      if (seg === '..') parts.pop();
      else if (seg !== '.') parts.push(seg);
    }
    const file = fileFor.get(parts.join('/'));
    return file === undefined ? all : `](${file}${hash})`;
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const out = resolve(values.out ?? join(root, 'docs', 'api'));
  const files = await generateApi(out);
  console.log(`corsica docs: wrote ${files.length} files to ${out}`);
}
