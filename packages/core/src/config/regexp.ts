/**
 * RegExp origins: accepted only when they cannot match more than meant.
 * @module
 */
import type { ProblemList } from './problems.js';

/**
 * RegExps are accepted only when they cannot match more than meant: anchored at both ends
 * (top-level alternatives included), no stateful flags, no bare `.` meant as a dot.
 */
export function checkRegExp(re: RegExp, path: string, p: ProblemList): boolean {
  const src = re.source;
  let ok = true;
  if (re.global || re.sticky) {
    p.add('origin.regexp-stateful', path, `\`${path}\` ${re} has the g or y flag, which makes \`test\` remember its last position and fail every other call.`, `Drop the flag: /${src}/${re.flags.replace(/[gy]/g, '')}.`);
    ok = false;
  }
  const topLevelAlternation = hasTopLevelBar(src);
  if (!src.startsWith('^') || !src.endsWith('$') || src.endsWith('\\$') || topLevelAlternation) {
    const inner = src.replace(/^\^/, '').replace(/\$$/, '');
    p.add('origin.regexp-unanchored', path, `\`${path}\` ${re} is not anchored at both ends${topLevelAlternation ? ' (a top-level `|` escapes the anchors)' : ''}, so an attacker's origin can contain a match.`, `Write /^(?:${inner})$/, or better, list the origins or use "https://*.example.com".`);
    ok = false;
  }
  const dot = findBareDot(src);
  if (dot >= 0) {
    p.add('origin.regexp-unescaped-dot', path, `\`${path}\` ${re} has an unescaped \`.\` at position ${dot}, which matches any character: "app.example.com" also matches "appxexample.com".`, 'Escape it as `\\.`; write `.*` or `.+` only where any characters are meant.');
    ok = false;
  }
  return ok;
}

/**
 * Calls `visit` for each character of a RegExp source that is a metacharacter in its own right:
 * not escaped and not inside a character class. `visit` returns true to stop.
 */
function scanMeta(src: string, visit: (c: string, i: number) => boolean): void {
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (visit(c, i)) return;
  }
}

function hasTopLevelBar(src: string): boolean {
  let depth = 0;
  let found = false;
  scanMeta(src, (c) => {
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) found = true;
    return found;
  });
  return found;
}

/** Position of a `.` outside a class that is not followed by a quantifier, or -1. */
function findBareDot(src: string): number {
  let at = -1;
  scanMeta(src, (c, i) => {
    const next = src[i + 1];
    if (c === '.' && next !== '*' && next !== '+' && next !== '?' && next !== '{') at = i;
    return at >= 0;
  });
  return at;
}
