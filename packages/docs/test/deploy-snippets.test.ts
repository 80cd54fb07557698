/**
 * The deployment templates of the Lambda guide and example (SAM, Serverless Framework) are YAML,
 * which tsc cannot check: they must parse, and none may switch on the service's own CORS layer,
 * which would replace the function's headers (the guide's "one CORS layer only").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ROOT, fencesOf } from './support/markdown.js';

const GUIDE = 'docs/guides/lambda.md';
const guideBlocks = fencesOf(readFileSync(join(ROOT, GUIDE), 'utf8'), GUIDE).filter((f) => f.lang === 'yaml');
const templates = [...guideBlocks.map((f) => ({ where: `${f.file}:${f.line}`, text: f.body })), { where: 'examples/lambda/template.yaml', text: readFileSync(join(ROOT, 'examples/lambda/template.yaml'), 'utf8') }];

/** Every key path in a parsed YAML value, as `a.b.c`. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => keyPaths(v, `${prefix}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, v]) => [`${prefix}${key}`, ...keyPaths(v, `${prefix}${key}.`)]);
}

describe('the Lambda deployment templates', () => {
  it('are the SAM and Serverless blocks of the guide, and the example’s template', () => {
    expect(guideBlocks.length).toBe(2);
  });

  it.each(templates)('$where parses as YAML (CloudFormation tags allowed)', ({ text }) => {
    const doc = parseDocument(text, { customTags: ['!Ref', '!Sub', '!GetAtt'].map((tag) => ({ tag, resolve: (s: string) => s })) });
    expect(doc.errors.map((e) => e.message)).toEqual([]);
  });

  it.each(templates)('$where leaves the API’s and the Function URL’s own CORS settings off', ({ text }) => {
    const paths = keyPaths(parseDocument(text).toJS());
    expect(paths.filter((p) => /(^|\.)(cors|Cors|CorsConfiguration|corsPreflight)$/.test(p))).toEqual([]);
  });
});
