/**
 * Module hooks that let a plain `node` child process run the workspace's TypeScript sources, as
 * the tests do under vitest: `.ts` files are transpiled one by one with the TypeScript compiler
 * (types erased, nothing bundled), and a relative `./x.js` import from a `.ts` file falls back to
 * `./x.ts` (the sources are written for `verbatimModuleSyntax` with `.js` suffixes).
 * Package entry points come from the `@corsica/source` export condition (`--conditions`).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

// Transpiled output is cached by content hash: loading the compiler costs about a second, and
// every suite starts several children.
const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/reliability-ts/', import.meta.url));
let compiler;

async function transpile(source, fileName) {
  compiler ??= (await import('typescript')).default;
  const ts = compiler;
  const { outputText } = ts.transpileModule(source, {
    fileName,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, inlineSourceMap: true, inlineSources: true },
  });
  return outputText;
}

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    const fromTs = context.parentURL?.endsWith('.ts') === true;
    if (fromTs && specifier.startsWith('.') && specifier.endsWith('.js') && error?.code === 'ERR_MODULE_NOT_FOUND') {
      return next(`${specifier.slice(0, -3)}.ts`, context);
    }
    throw error;
  }
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const fileName = fileURLToPath(url);
  const source = await readFile(fileName, 'utf8');
  const key = createHash('sha256').update(fileName).update('\0').update(source).digest('hex');
  const cached = `${CACHE_DIR}${key}.mjs`;
  let output;
  try {
    output = await readFile(cached, 'utf8');
  } catch {
    output = await transpile(source, fileName);
    // written under a unique name then renamed, so concurrent children never read half a file
    const temp = `${cached}.${process.pid}.${Date.now()}.tmp`;
    await mkdir(CACHE_DIR, { recursive: true });
    await writeFile(temp, output);
    await rename(temp, cached);
  }
  return { format: 'module', source: output, shortCircuit: true };
}
