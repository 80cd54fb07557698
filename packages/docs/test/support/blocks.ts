/**
 * Type-checking and running the documentation's code blocks.
 *
 * Every ```ts / ```js / ```mjs block is written to a scratch folder inside packages/docs (so
 * `@corsica/*`, express, fastify, hono and koa resolve from this package's dependencies, through
 * the `@corsica/source` condition to the TypeScript sources), then one `tsc` run checks them all
 * under the repository's strict settings. Info-string flags:
 *
 * - `prelude=a,b`: ambient declarations a fragment relies on, from {@link PRELUDES}.
 * - `file=name.ts`: written under that name, so other blocks of the same page can import it.
 * - `run`: after type-checking, run it with node (against the built packages). When the next
 *   block of the page is ```text output, the run must print exactly that.
 * - `nocheck`: not checked at all; only for the blocks listed in the test's allowlist.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import type { Fence } from './markdown.js';
import { CODE_LANGS, ROOT, where } from './markdown.js';

const require = createRequire(import.meta.url);

/**
 * Ambient declarations a fragment may ask for with `prelude=name`. Each stands for what the
 * surrounding application would have; keep them few and obvious.
 */
export const PRELUDES: Readonly<Record<string, string>> = {
  /** A Web `Request` (fetch handlers, Workers, Hono's `c.req.raw`). */
  request: 'declare const request: Request;',
  /** A compiled policy. */
  policy: "declare const policy: import('@corsica/core').Policy;",
  /** The four request facts. */
  facts: "declare const facts: import('@corsica/core').RequestFacts;",
  /** An Express application. */
  express: "declare const app: import('express').Express;",
  /** A Fastify instance. */
  fastify: "declare const app: import('fastify').FastifyInstance;",
  /** A Hono application. */
  hono: "declare const app: import('hono').Hono;",
  /** A Koa application. */
  koa: "declare const app: import('koa');",
  /** An authentication middleware for each framework, for the "CORS before auth" examples. */
  auth: [
    "declare function requireUser(): import('express').RequestHandler;",
    "declare const authPlugin: import('fastify').FastifyPluginAsync;",
    "declare function honoAuth(): import('hono').MiddlewareHandler;",
    "declare function koaAuth(): import('koa').Middleware;",
  ].join('\n'),
  /** A structured logger and a metrics client, for the `onDecision` examples. */
  logger: [
    // console-like or pino-like: both call shapes type-check
    'declare const log: { info(...args: unknown[]): void; warn(...args: unknown[]): void; error(...args: unknown[]): void };',
    'declare const metrics: { increment(name: string, tags?: Record<string, string>): void };',
  ].join('\n'),
  /** A database of tenants' origins, for the async resolver examples. */
  tenants: [
    'declare const db: { query<Row>(sql: string, params: readonly unknown[]): Promise<Row[]> };',
    'declare const tenants: { hasOrigin(origin: string): Promise<boolean> };',
  ].join('\n'),
  /** The root module of a NestJS application. */
  nest: 'declare class AppModule {}',
  /** The bindings of a Cloudflare Worker (examples/types/workers.d.ts has ExecutionContext). */
  worker: 'interface Env { readonly CORS_ORIGINS: string; readonly KV: KVNamespace }',
};

/** Runtime stand-ins (Bun, Deno, Workers, Next.js, NestJS) shared with examples/. */
export const STAND_INS = ['bun', 'deno', 'workers', 'next-server', 'nestjs', 'aws-cdk'].map((name) => join(ROOT, 'examples', 'types', `${name}.d.ts`));

/** A block as written to the scratch folder. */
export interface WrittenBlock {
  readonly fence: Fence;
  readonly path: string;
  /** Lines added before the block (its preludes), to map tsc's lines back to the page. */
  readonly offset: number;
}

/** Whether a fence is a code block this harness checks. */
export const isCode = (fence: Fence): boolean => fence.lang in CODE_LANGS;

/** The folder a page's blocks go to: `docs/guides/express.md` → `docs__guides__express`. */
export const pageDir = (scratch: string, file: string): string => join(scratch, file.replace(/\.md$/, '').replace(/[^A-Za-z0-9_-]+/g, '__'));

/** Writes the blocks and the tsconfig that checks them. Throws on an unknown prelude name. */
export function writeBlocks(scratch: string, fences: readonly Fence[]): WrittenBlock[] {
  const written: WrittenBlock[] = [];
  for (const fence of fences) {
    if (!isCode(fence) || fence.flags.has('nocheck')) continue;
    const ext = CODE_LANGS[fence.lang]!;
    const names = (fence.flags.get('prelude') ?? '').split(',').filter(Boolean);
    for (const name of names) {
      if (!(name in PRELUDES)) throw new Error(`${where(fence)}: unknown prelude "${name}"; known: ${Object.keys(PRELUDES).join(', ')}.`);
      if (ext !== '.ts') throw new Error(`${where(fence)}: preludes are TypeScript declarations; use them on \`\`\`ts blocks only.`);
    }
    const prelude = names.map((name) => PRELUDES[name]!).join('\n');
    const name = fence.flags.get('file') || `block-${fence.line}${ext}`;
    const path = join(pageDir(scratch, fence.file), name);
    // `export {}` keeps each block a module of its own: no clashes between blocks' top-level names
    const tail = ext === '.cjs' ? '' : '\nexport {};\n';
    const offset = prelude === '' ? 0 : prelude.split('\n').length;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${prelude}${prelude === '' ? '' : '\n'}${fence.body}\n${tail}`);
    written.push({ fence, path, offset });
  }
  writeFileSync(
    join(scratch, 'tsconfig.json'),
    JSON.stringify(
      {
        extends: join(ROOT, 'tsconfig.base.json'),
        compilerOptions: {
          noEmit: true,
          types: ['node'],
          lib: ['ES2022', 'DOM', 'DOM.Iterable'],
          allowJs: true,
          checkJs: true,
          skipLibCheck: true,
          // decorators in the NestJS recipe
          experimentalDecorators: true,
        },
        include: ['**/*'],
        files: STAND_INS,
      },
      null,
      2,
    ),
  );
  return written;
}

/** One tsc diagnostic. */
export interface Diagnostic {
  readonly path: string;
  readonly line: number;
  readonly text: string;
}

/** Runs tsc once over the scratch folder. */
export async function typeCheck(scratch: string): Promise<Diagnostic[]> {
  const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
  const { stdout, stderr } = await exec(process.execPath, [tsc, '-p', join(scratch, 'tsconfig.json'), '--pretty', 'false'], scratch, 180_000);
  const diagnostics: Diagnostic[] = [];
  for (const line of `${stdout}\n${stderr}`.split('\n')) {
    const m = /^(.+?)\((\d+),\d+\): (error TS\d+: .*)$/.exec(line);
    if (m) diagnostics.push({ path: join(scratch, m[1]!), line: Number(m[2]), text: m[3]! });
    else if (line.startsWith(' ') && diagnostics.length > 0) {
      const last = diagnostics.pop()!;
      diagnostics.push({ ...last, text: `${last.text}\n${line}` });
    } else if (line.trim() !== '') diagnostics.push({ path: '', line: 0, text: line });
  }
  return diagnostics;
}

/** Renders a diagnostic at its place in the Markdown page. */
export function atPage(block: WrittenBlock, d: Diagnostic): string {
  const line = block.fence.line + (d.line - block.offset);
  return `${block.fence.file}:${line}: ${d.text}`;
}

/** The result of running a block with node. */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a block with node: TypeScript is transpiled (types stripped) next to it as `.run.mjs`;
 * imports of `@corsica/*` resolve to the built packages, as in an application.
 */
export async function runBlock(block: WrittenBlock): Promise<RunResult> {
  let path = block.path;
  if (path.endsWith('.ts')) {
    const source = block.fence.body;
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true } });
    path = path.replace(/\.ts$/, '.run.mjs');
    writeFileSync(path, outputText);
  }
  return exec(process.execPath, [path], dirname(path), 30_000);
}

function exec(command: string, args: readonly string[], cwd: string, timeout: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '', FORCE_COLOR: '0', NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
