/**
 * `corsica` command lines in the docs are real commands: each sub-command and flag is checked
 * against the CLI's own --help, and the ```console verify blocks are run (in-process, with the
 * page's ```json file=NAME blocks as the files they name) and must print exactly what they show.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '@corsica/cli';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandLine, Fence } from './support/markdown.js';
import { DOCS_PACKAGE, ROOT, SHELL_LANGS, allFences, commandsOfFence, documentationFiles, inlineCommands, shellWords, where } from './support/markdown.js';

/** Runs the CLI in-process; stdout and stderr are interleaved as a terminal would show them. */
async function corsica(args: readonly string[], cwd: string): Promise<{ code: number; output: string }> {
  let output = '';
  const write = (text: string) => void (output += text);
  const code = await run([...args], { stdout: write, stderr: write, cwd });
  return { code, output };
}

/** What --help says a command accepts. */
interface CommandSpec {
  /** `['explain']`, `['audit']`, `['export', 'nginx']`. */
  readonly path: readonly string[];
  /** Positional placeholders after the path (`URL` for audit). */
  readonly positionals: number;
  /** Flag → whether it takes a value. */
  readonly flags: ReadonlyMap<string, boolean>;
  /** Flags the usage line does not put in brackets. */
  readonly required: readonly string[];
}

async function commandSpecs(): Promise<CommandSpec[]> {
  const { output: top } = await corsica(['--help'], ROOT);
  const usage = top.split('\n').filter((line) => /^\s+corsica \w/.test(line));
  const specs: CommandSpec[] = [];
  for (const line of usage) {
    const words = line.trim().split(/\s+/).slice(1);
    const word = /^[a-z][a-z0-9-]*$/;
    const path = words.filter((w, i) => word.test(w) && words.slice(0, i).every((p) => word.test(p)));
    // placeholders that follow a flag are its value; the others are positional arguments
    const bare = line.replace(/\[[^\]]*\]/g, '').trim().split(/\s+/).slice(1 + path.length);
    const positionals = bare.filter((w, i) => /^[A-Z]+$/.test(w) && !bare[i - 1]?.startsWith('-')).length;
    const required = [...line.replace(/\[[^\]]*\]/g, '').matchAll(/(--[a-z-]+)/g)].map((m) => m[1]!);
    const { output: help } = await corsica([...path, '--help'], ROOT);
    const flags = new Map<string, boolean>();
    for (const m of help.matchAll(/^\s+(?:(-\w), )?(--[a-z-]+)(?: ([A-Z]+))?/gm)) {
      if (m[1]) flags.set(m[1], m[3] !== undefined);
      flags.set(m[2]!, m[3] !== undefined);
    }
    specs.push({ path, positionals, flags, required });
  }
  return specs;
}

const specs = await commandSpecs();

/**
 * Why a command line is not valid, or `undefined`. A command with several usage lines (explain
 * with --policy, explain with a live --url) is valid when one of them accepts it; otherwise the
 * first line's problem is reported.
 */
function problemOf(command: CommandLine): string | undefined {
  const args = command.args;
  if (args.length === 0) return 'no sub-command';
  if (args.length === 1 && ['--help', '-h', 'help', '--version', '-v'].includes(args[0]!)) return undefined;
  const candidates = specs.filter((s) => s.path.every((word, i) => args[i] === word));
  if (candidates.length === 0) {
    const near = specs.find((s) => s.path[0] === args[0]);
    return near ? `"${args.slice(0, near.path.length).join(' ')}" is not a command; --help lists: ${[...new Set(specs.map((s) => s.path.join(' ')))].join(', ')}` : `unknown sub-command "${args[0]}"`;
  }
  const problems = candidates.map((spec) => problemWith(spec, command));
  return problems.includes(undefined) ? undefined : problems[0];
}

function problemWith(spec: CommandSpec, command: CommandLine): string | undefined {
  const args = command.args;
  const seen = new Set<string>();
  let positionals = 0;
  for (let i = spec.path.length; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) {
      positionals++;
      continue;
    }
    const [flag = arg, inline] = arg.split('=', 2);
    const takesValue = spec.flags.get(flag);
    if (takesValue === undefined) return `${spec.path.join(' ')} has no option ${flag} (see corsica ${spec.path.join(' ')} --help)`;
    seen.add(flag);
    if (takesValue && inline === undefined) {
      if (i + 1 >= args.length) return `${flag} needs a value`;
      i++;
    }
  }
  if (positionals > spec.positionals) return `${spec.path.join(' ')} takes ${spec.positionals} positional argument(s), got ${positionals}`;
  if (command.fenced && !seen.has('--help') && !seen.has('-h')) {
    const missing = spec.required.filter((flag) => !seen.has(flag));
    if (missing.length > 0) return `missing ${missing.join(', ')}`;
    if (positionals < spec.positionals) return `${spec.path.join(' ')} needs ${spec.positionals} positional argument(s)`;
  }
  return undefined;
}

const files = documentationFiles();
const fences = allFences(files);
const commands: CommandLine[] = [
  ...fences.filter((f) => SHELL_LANGS.has(f.lang)).flatMap(commandsOfFence),
  ...files.flatMap((file) => inlineCommands(readFileSync(join(ROOT, file), 'utf8'), file)),
];

describe('corsica command lines in the docs', () => {
  it('are found in the CLI README, the recipes and the troubleshooting page', () => {
    const pages = new Set(commands.map((c) => c.file));
    for (const page of ['packages/cli/README.md', 'docs/recipes.md', 'docs/troubleshooting.md']) expect(pages, page).toContain(page);
    expect(specs.map((s) => s.path.join(' '))).toEqual(['explain', 'explain', 'audit', ...['nginx', 'apache', 'caddy', 'haproxy', 's3', 'r2', 'apigateway', 'lambda-url', 'gateway-api'].map((t) => `export ${t}`), 'origins add', 'origins remove', 'origins list']);
  });

  it.each(commands.map((c) => [`${where(c)}: corsica ${c.args.join(' ')}`, c] as const))('%s is a valid command', (_name, command) => {
    expect(problemOf(command)).toBeUndefined();
  });

  it.each([
    ['corsica explian --policy cors.json --origin https://a.example', 'unknown sub-command'],
    ['corsica explain --policy cors.json --origin https://a.example --verbose', 'has no option --verbose'],
    ['corsica explain --origin https://a.example', 'missing --policy'],
    ['corsica explain --url https://api.example --origin https://a.example --send', undefined],
    ['corsica audit https://api.example --engine', '--engine needs a value'],
    ['corsica export lighttpd --policy cors.json', 'is not a command'],
    ['corsica audit', 'needs 1 positional'],
  ])('judges "%s" (%s)', (line, problem) => {
    const [block] = commandsOfFence({ file: 'x.md', line: 1, lang: 'sh', flags: new Map(), body: line });
    if (problem === undefined) expect(problemOf(block!)).toBeUndefined();
    else expect(problemOf(block!)).toContain(problem);
  });
});

/** One `$ corsica ...` line of a ```console verify block and the output shown under it. */
interface Transcript {
  readonly fence: Fence;
  readonly args: readonly string[];
  readonly shown: string;
}

function transcriptsOf(fence: Fence): Transcript[] {
  const out: Transcript[] = [];
  const lines = fence.body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('$ ')) continue;
    let text = lines[i]!.slice(2);
    while (text.endsWith('\\')) text = `${text.slice(0, -1)} ${lines[++i]!.trim()}`;
    const shown: string[] = [];
    while (i + 1 < lines.length && !lines[i + 1]!.startsWith('$ ')) shown.push(lines[++i]!);
    const words = shellWords(text);
    if (words[0] !== 'corsica') throw new Error(`${where(fence)}: console verify blocks run only corsica commands, got "${text}"`);
    out.push({ fence, args: words.slice(1), shown: shown.join('\n') });
  }
  return out;
}

const transcripts = fences.filter((f) => f.lang === 'console' && f.flags.has('verify')).flatMap(transcriptsOf);
const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A folder holding the page's ```json file=NAME blocks, for --policy NAME. */
function pageFiles(page: string): string {
  const dir = mkdtempSync(join(DOCS_PACKAGE, '.blocks-cli-'));
  scratch.push(dir);
  for (const fence of fences.filter((f) => f.file === page && f.flags.get('file'))) {
    if (fence.lang !== 'json') continue;
    const path = join(dir, fence.flags.get('file')!);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, fence.body);
  }
  return dir;
}

describe('corsica output shown in the docs', () => {
  it('is shown for explain on the troubleshooting page', () => {
    expect(transcripts.filter((t) => t.fence.file === 'docs/troubleshooting.md' && t.args[0] === 'explain').length).toBeGreaterThanOrEqual(2);
  });

  it.each(transcripts.map((t) => [`${where(t.fence)}: corsica ${t.args.join(' ')}`, t] as const))('%s prints what the page shows', async (_name, transcript) => {
    const { output } = await corsica(transcript.args, pageFiles(transcript.fence.file));
    const clean = (text: string) => text.split('\n').map((line) => line.trimEnd()).join('\n').trim();
    expect(clean(output)).toBe(clean(transcript.shown));
  });
});
