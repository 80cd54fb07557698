/**
 * Reading the documentation: which Markdown files are checked, their fenced code blocks with the
 * flags of their info strings, and the `corsica` command lines they show.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The `packages/docs` folder. */
export const DOCS_PACKAGE = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Folders of generated pages whose code blocks are not checked here: `docs/api/` is rendered
 * from the TSDoc comments, whose `@example`s are fragments of the sources they sit on, and its
 * own test (`api.test.ts`) keeps it in step with those sources.
 */
export const GENERATED = ['docs/api/'];

/**
 * Every Markdown file whose code blocks are checked, relative to the root: README.md,
 * docs/**\/*.md (but generated pages) and each package's README.md.
 */
export function documentationFiles(): string[] {
  const files = ['README.md'];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md') && !GENERATED.some((prefix) => path.startsWith(prefix))) files.push(path);
    }
  };
  walk('docs');
  for (const entry of readdirSync(join(ROOT, 'packages'), { withFileTypes: true })) {
    const readme = `packages/${entry.name}/README.md`;
    if (entry.isDirectory() && existsSync(join(ROOT, readme))) files.push(readme);
  }
  return files.sort();
}

/** One fenced code block. */
export interface Fence {
  /** The Markdown file, relative to the root. */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** First word of the info string, lower case (`ts`, `sh`, `console`...). */
  readonly lang: string;
  /** The other words of the info string: `nocheck`, `run`, `prelude=request,policy`, `file=cors.ts`. */
  readonly flags: ReadonlyMap<string, string>;
  /** The content, with the fence's own indentation removed (blocks inside list items). */
  readonly body: string;
}

/** A short name for messages: `docs/guides/express.md:42`. */
export const where = (fence: Pick<Fence, 'file' | 'line'>): string => `${fence.file}:${fence.line}`;

/** Splits a Markdown text into its fenced code blocks (``` or ~~~, any indentation). */
export function fencesOf(text: string, file: string): Fence[] {
  const lines = text.split('\n');
  const fences: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent = '', marker = '```', info = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^(\s*)(`{3,}|~{3,})\s*$/.exec(lines[j]!);
      if (close && close[2]![0] === marker[0] && close[2]!.length >= marker.length) break;
      const line = lines[j]!;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    const [lang = '', ...words] = info.trim().split(/\s+/);
    const flags = new Map<string, string>();
    for (const word of words) {
      const eq = word.indexOf('=');
      flags.set(eq < 0 ? word : word.slice(0, eq), eq < 0 ? '' : word.slice(eq + 1));
    }
    fences.push({ file, line: i + 1, lang: lang.toLowerCase(), flags, body: body.join('\n') });
    i = j;
  }
  return fences;
}

/** Every fenced block of every documentation file. */
export function allFences(files = documentationFiles()): Fence[] {
  return files.flatMap((file) => fencesOf(readFileSync(join(ROOT, file), 'utf8'), file));
}

/** Languages whose blocks are type-checked, and the extension each is written with. */
export const CODE_LANGS: Readonly<Record<string, '.ts' | '.mjs' | '.cjs'>> = {
  ts: '.ts',
  typescript: '.ts',
  js: '.mjs',
  javascript: '.mjs',
  mjs: '.mjs',
  cjs: '.cjs',
};

/** Languages whose blocks are command lines. */
export const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console', 'zsh']);

/** One `corsica` command line found in the docs. */
export interface CommandLine {
  readonly file: string;
  readonly line: number;
  /** The arguments after `corsica`, unquoted. */
  readonly args: readonly string[];
  /** The line as written (continuations joined). */
  readonly text: string;
  /** From a fenced block (a full command) rather than prose (a mention, which may omit required flags). */
  readonly fenced: boolean;
}

/**
 * The `corsica` commands of a shell block. In `console` blocks only `$ ` lines are commands;
 * `\` continuations are joined; `npx corsica`, `pnpm exec corsica` and
 * `node packages/cli/dist/bin.js` count as `corsica`.
 */
export function commandsOfFence(fence: Fence): CommandLine[] {
  const out: CommandLine[] = [];
  const lines = fence.body.split('\n');
  const prompt = fence.lang === 'console';
  for (let i = 0; i < lines.length; i++) {
    let text = lines[i]!;
    if (prompt) {
      if (!text.startsWith('$ ')) continue;
      text = text.slice(2);
    }
    const first = i;
    while (text.endsWith('\\') && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i]!.trim()}`;
    for (const args of corsicaInvocations(text)) out.push({ file: fence.file, line: fence.line + 1 + first, args, text: text.trim(), fenced: true });
  }
  return out;
}

/** The `corsica ...` commands mentioned in inline code spans of a Markdown text. */
export function inlineCommands(text: string, file: string): CommandLine[] {
  const out: CommandLine[] = [];
  const lines = text.split('\n');
  let inFence = false;
  lines.forEach((line, index) => {
    if (/^\s*(`{3,}|~{3,})/.test(line)) inFence = !inFence;
    if (inFence) return;
    for (const match of line.matchAll(/`((?:npx |pnpm exec )?corsica [^`]+)`/g)) {
      for (const args of corsicaInvocations(match[1]!)) out.push({ file, line: index + 1, args, text: match[1]!, fenced: false });
    }
  });
  return out;
}

const LAUNCHERS = [['npx', 'corsica'], ['npx', '--yes', 'corsica'], ['pnpm', 'exec', 'corsica'], ['pnpm', 'corsica'], ['node', 'packages/cli/dist/bin.js'], ['corsica']];

/** Splits a shell line into commands (`&&`, `||`, `|`, `;`) and returns the args of each `corsica` one. */
function corsicaInvocations(line: string): string[][] {
  const words = shellWords(line);
  const commands: string[][] = [[]];
  for (const word of words) {
    if (word === '&&' || word === '||' || word === '|' || word === ';') commands.push([]);
    else commands[commands.length - 1]!.push(word);
  }
  const found: string[][] = [];
  for (const command of commands) {
    const launcher = LAUNCHERS.find((l) => l.every((w, k) => command[k] === w));
    if (launcher) found.push(command.slice(launcher.length));
  }
  return found;
}

/** Shell words: quotes removed, `# comments` dropped, operators as their own words. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
      continue;
    }
    if (c === '#' && word === undefined) break;
    if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
      continue;
    }
    const two = line.slice(i, i + 2);
    if (two === '&&' || two === '||' || c === '|' || c === ';') {
      if (word !== undefined) words.push(word);
      word = undefined;
      words.push(two === '&&' || two === '||' ? two : c);
      if (two === '&&' || two === '||') i++;
      continue;
    }
    word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** `relative` from the root, with forward slashes. */
export const fromRoot = (path: string): string => relative(ROOT, path).split('\\').join('/');
