/**
 * Every page is reachable and no link is broken: docs/README.md links each page of docs/, and
 * every relative link of the README, docs/ and the packages' READMEs points to a file that
 * exists and, with a `#fragment`, to a heading (GitHub's anchors) or an `id` in it.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, documentationFiles } from './support/markdown.js';

/** Every .md file under docs/, relative to the root. */
function docsPages(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) out.push(path);
    }
  };
  walk('docs');
  return out.sort();
}

/** Markdown text without its fenced blocks. */
function withoutFences(text: string): string {
  return text.replace(/^([ \t]*)(`{3,}|~{3,})[^\n]*\n[\s\S]*?\n\1\2[ \t]*$/gm, '');
}

/** Markdown text without fenced blocks and inline code, where links are not links. */
function prose(text: string): string {
  return withoutFences(text).replace(/`[^`\n]*`/g, '');
}

/** The relative link targets of a page, with their line numbers. */
function linksOf(text: string): { target: string; line: number }[] {
  const out: { target: string; line: number }[] = [];
  prose(text)
    .split('\n')
    .forEach((line, index) => {
      for (const m of line.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = m[1]!;
        if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) out.push({ target, line: index + 1 });
      }
    });
  return out;
}

/** GitHub's anchors for a page's headings, plus explicit `id` attributes. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  for (const m of withoutFences(text).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1]!
      .replace(/<[^>]+>/g, '')
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of text.matchAll(/\bid="([^"]+)"/g)) anchors.add(m[1]!);
  return anchors;
}

const INDEX = 'docs/README.md';

describe('the documentation index', () => {
  const index = readFileSync(join(ROOT, INDEX), 'utf8');
  const linked = new Set(linksOf(index).map(({ target }) => normalize(join('docs', target.split('#')[0]!))));
  // the API reference has its own index; its pages are linked from there
  const pages = docsPages().filter((page) => page !== INDEX && (!page.startsWith('docs/api/') || page === 'docs/api/README.md'));

  it.each(pages)('links %s', (page) => {
    expect(linked).toContain(page);
  });

  it.each(['docs/migration/cors.md', 'docs/migration/fastify-cors.md', 'docs/migration/hono-cors.md', 'docs/migration/koa-cors.md', 'docs/core.md'])('links %s', (page) => {
    expect(linked).toContain(page);
  });

  it('is linked from the README', () => {
    expect(linksOf(readFileSync(join(ROOT, 'README.md'), 'utf8')).map((l) => l.target)).toContain('docs/README.md');
  });
});

describe('relative links', () => {
  const files = [...new Set([...documentationFiles(), ...docsPages()])];
  const cases = files.flatMap((file) => linksOf(readFileSync(join(ROOT, file), 'utf8')).map((link) => [`${file}:${link.line} → ${link.target}`, file, link.target] as const));

  it('are found', () => {
    expect(cases.length).toBeGreaterThan(50);
  });

  it.each(cases)('%s resolves', (_name, file, target) => {
    const [path = '', fragment] = target.split('#');
    const resolved = path === '' ? join(ROOT, file) : join(ROOT, dirname(file), decodeURI(path));
    expect(existsSync(resolved), `${resolved} exists`).toBe(true);
    if (fragment !== undefined && fragment !== '' && resolved.endsWith('.md') && statSync(resolved).isFile()) {
      expect([...anchorsOf(readFileSync(resolved, 'utf8'))]).toContain(fragment);
    }
  });
});
