import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPolicy } from '@corsica/core';
import type { CorsOptions } from '@corsica/core';
import { exportNginx, httpPartPath, loadPolicyFile, NginxExportError, quoteNginx, untranslatable } from '../src/index.js';
import { cli, FIXTURES } from './helpers/cli.js';
import { BINARIES, checkServerConfig } from './helpers/proxies.js';

const tmp = mkdtempSync(join(tmpdir(), 'corsica-export-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function reasonsOf(input: CorsOptions | ReturnType<typeof createPolicy>): string[] {
  try {
    exportNginx(input);
  } catch (error) {
    if (error instanceof NginxExportError) return [...error.reasons];
    throw error;
  }
  return [];
}

describe('exportNginx', () => {
  it.each([
    { desc: 'an origin function', options: { origin: (o: string) => o.endsWith('.example.com') }, reason: '`origin` has a function, which nginx cannot call' },
    { desc: 'an async origin resolver', options: { origin: async (o: string) => o === 'https://a.example' }, reason: '`origin` has a function (async)' },
    { desc: 'a RegExp with a lookahead', options: { origin: [/^https:\/\/(?!admin)[a-z]+\.example\.com$/] }, reason: 'it uses a "(?!" group' },
    { desc: 'a RegExp with a back-reference', options: { origin: [/^https:\/\/([a-z])\1\.example\.com$/] }, reason: 'it uses \\1' },
    { desc: 'a RegExp with the u flag', options: { origin: [/^https:\/\/[a-z]+\.example\.com$/u] }, reason: 'its flag u has no PCRE equivalent' },
    { desc: 'a RegExp with \\b', options: { origin: [/^https:\/\/\bapp\.example\.com$/] }, reason: 'it uses \\b' },
    { desc: 'privateNetwork', options: { origin: ['https://app.example.com'], privateNetwork: true, onWarning: false }, reason: '`privateNetwork` (legacy Private Network Access) is not exported' },
    { desc: 'reportOnly', options: { origin: ['https://app.example.com'], reportOnly: { fallback: { origin: '*' } }, onDecision: () => undefined }, reason: '`reportOnly` evaluates one policy and applies another' },
    { desc: 'mirrorRequestHeaders', options: { origin: ['https://app.example.com'], mirrorRequestHeaders: true, onWarning: false }, reason: 'list the names in `allowedHeaders` (or "*") instead' },
    { desc: 'a header name with "$"', options: { origin: ['https://app.example.com'], allowedHeaders: ['X-$Token'] }, reason: '`allowedHeaders` contains "$"' },
  ] as { desc: string; options: CorsOptions; reason: string }[])('refuses $desc with a corsica: message', ({ options, reason }) => {
    const reasons = reasonsOf(options);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^corsica: /);
    expect(reasons[0]).toContain(reason);
  });

  it('lists every reason at once', () => {
    const reasons = reasonsOf({ origin: [(o: string) => o === 'x', /^https:\/\/(?=a)a\.example$/], privateNetwork: true, onWarning: false });
    expect(reasons).toHaveLength(3);
  });

  it('detects report-only on a compiled policy too', () => {
    const policy = createPolicy({ origin: ['https://app.example.com'], reportOnly: { fallback: { origin: '*' } }, onDecision: () => undefined });
    expect(reasonsOf(policy)[0]).toContain('`reportOnly`');
  });

  it('exports a compiled policy like its options', () => {
    const options: CorsOptions = { origin: ['https://app.example.com'], credentials: true, methods: ['GET', 'PUT'] };
    expect(exportNginx(createPolicy(options as never))).toEqual(exportNginx(options));
  });

  it('notes the options it leaves out because they change nothing for browsers', () => {
    const snippet = exportNginx({ origin: ['https://app.example.com'], debug: true, onError: () => undefined });
    expect(snippet.notes.join(' ')).toContain('`debug` is not exported');
    expect(snippet.notes.join(' ')).toContain('`onError` is not exported');
    expect(snippet.http).toContain('# Note: `debug` is not exported');
  });

  it('writes exact origins as anchored, escaped, case-sensitive regexes', () => {
    const { http } = exportNginx({ origin: ['https://app.example.com', 'http://[::1]:3000'] });
    expect(http).toContain('"~^https://app\\.example\\.com$" $http_origin;');
    expect(http).toContain('"~^http://\\[::1\\]:3000$"');
    expect(http).not.toContain('~*^https');
  });

  it('writes subdomain patterns label-aligned and port patterns with an optional port', () => {
    const { http } = exportNginx({ origin: ['https://*.example.com', 'http://localhost:*'] });
    expect(http).toContain('"~^https://(?:[a-z0-9_-]+\\.)+example\\.com$" $http_origin;  # https://*.example.com');
    expect(http).toContain('"~^http://localhost(?::(?!80$)(?:[1-9]');
  });

  it('leaves the origin map out of nothing: "*" policies echo no origin but send "*"', () => {
    const { http } = exportNginx({ origin: '*' });
    expect(http).toContain('map $corsica_grant $corsica_allow_origin { default ""; actual "*"; preflight "*"; }');
    expect(http).not.toContain('actual Origin;');
  });

  it('sends Vary: Origin on every non-preflight response of a dynamic policy only', () => {
    expect(exportNginx({ origin: ['https://a.example', 'https://b.example'] }).http).toContain('map $corsica_kind $corsica_vary { actual Origin; ');
    expect(exportNginx({ origin: 'https://a.example' }).http).not.toContain('actual Origin;');
  });

  it('prefixes every variable with --name', () => {
    const { http, location } = exportNginx({ origin: ['https://app.example.com'] }, { name: 'api_cors' });
    expect(`${http}${location}`.match(/\$corsica_/g)).toBeNull();
    expect(location).toContain('add_header Access-Control-Allow-Origin $api_cors_allow_origin always;');
  });

  it('rejects a --name nginx cannot use as a variable', () => {
    expect(() => exportNginx({ origin: '*' }, { name: 'api-cors' })).toThrow(/corsica: the nginx variable prefix/);
  });

  it('answers preflights with the configured status', () => {
    expect(exportNginx({ origin: '*' }).location).toContain('if ($corsica_kind = preflight-allowed) { return 204; }');
    expect(exportNginx({ origin: '*', preflightStatus: 200 }).location).toContain('if ($corsica_kind = preflight-allowed) { return 200 ""; }');
  });
});

describe('untranslatable', () => {
  it.each([
    /^https:\/\/app\.example\.com$/,
    /^https:\/\/[a-z0-9-]+\.example\.com$/,
    /^https:\/\/(?:app|admin)\.example\.com$/,
    /^https:\/\/\w+\.example\.com(?::\d{2,5})?$/,
    /^https:\/\/app\.example\.com$/i,
    /^https:\/\/.+\.example\.com$/,
  ])('translates %s', (re) => {
    expect(untranslatable(re)).toBeUndefined();
  });

  it.each([
    [/^https:\/\/(?<name>[a-z]+)\.example\.com$/, '(?<'],
    [/^https:\/\/(?<=x)a\.example$/, '(?<'],
    // biome-ignore lint/correctness/noEmptyCharacterClassInRegex: the construct under test
    [/^https:\/\/[^]\.example$/, '[^]'],
    [/^https:\/\/\u0061\.example$/, '\\u'],
    [/^https:\/\/\p{L}\.example$/u, 'flag u'],
    [/^https:\/\/a{,3}\.example$/, '"{"'],
    [/^https:\/\/[[:alpha:]]\.example$/, '"[:"'],
    [/^https:\/\/é\.example$/, 'non-ASCII'],
  ])('refuses %s', (re, why) => {
    expect(untranslatable(re)).toContain(why);
  });
});

describe('quoteNginx', () => {
  it.each([
    ['plain', '"plain"'],
    ['^https://a\\.example$', '"^https://a\\.example$"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['[ \\t]', '"[ \\\\t]"'],
    ['ends\\', '"ends\\\\"'],
    ['\\\\', '"\\\\\\\\"'],
  ])('quotes %j so that nginx reads it back unchanged', (text, quoted) => {
    expect(quoteNginx(text)).toBe(quoted);
  });
});

describe('corsica export nginx', () => {
  it('prints both parts without --out', async () => {
    const result = await cli(['export', 'nginx', '--policy', 'credentialed.json']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('part 1 of 2: the http {} context');
    expect(result.stdout).toContain('part 2 of 2: include this file inside a location {} block');
    expect(result.stdout).toContain('add_header Access-Control-Allow-Origin $corsica_allow_origin always;');
  });

  it('writes part 2 to --out and part 1 next to it', async () => {
    const out = join(tmp, 'conf', 'cors.conf');
    const result = await cli(['export', 'nginx', '--policy', 'patterns.mjs', '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Wrote ${join(tmp, 'conf', 'cors.http.conf')} (part 1`);
    expect(readFileSync(out, 'utf8')).toContain('if ($corsica_kind = preflight-denied) { return 403; }');
    expect(readFileSync(join(tmp, 'conf', 'cors.http.conf'), 'utf8')).toContain('map $http_origin $corsica_origin {');
  });

  it.each([
    ['corsica.conf', 'corsica.http.conf'],
    ['/etc/nginx/snippets/api', '/etc/nginx/snippets/api.http'],
    ['./conf.d/x.y.conf', './conf.d/x.y.http.conf'],
  ])('names part 1 of %s as %s', (out, http) => {
    expect(httpPartPath(out)).toBe(http);
  });

  it.each([
    { file: 'predicate.mjs', message: '`origin` has a function' },
    { file: 'async.mjs', message: '`origin` has a function (async)' },
    { file: 'lookaround.mjs', message: 'cannot be translated to nginx' },
    { file: 'report-only.mjs', message: '`reportOnly`' },
    { file: 'private-network.json', message: '`privateNetwork`' },
  ])('refuses $file with exit 2 and the reason', async ({ file, message }) => {
    const result = await cli(['export', 'nginx', '--policy', file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('corsica: this policy cannot be exported to nginx');
    expect(result.stderr).toContain(message);
  });

  it('lists the problems of an invalid policy and exits 2', async () => {
    const result = await cli(['export', 'nginx', '--policy', 'invalid.json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('(7 problems)');
  });

  it.each([
    { args: ['export'], message: 'corsica: export needs a target' },
    { args: ['export', 'lighttpd', '--policy', 'public.json'], message: 'corsica: unknown export target "lighttpd"; the targets are nginx, apache, caddy, haproxy' },
    { args: ['export', 'nginx'], message: 'corsica: --policy is required' },
    { args: ['export', 'nginx', '--policy', 'public.json', '--name', 'Bad-Name'], message: 'corsica: the nginx variable prefix' },
  ])('is a usage error for "corsica $args" (exit 2)', async ({ args, message }) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe.skipIf(BINARIES.nginx === undefined)('nginx -t', () => {
  it.each(['credentialed.json', 'public.json', 'patterns.mjs', 'compiled.ts', 'options.ts', 'commonjs.cjs'])('accepts the export of %s', async (file) => {
    const loaded = await loadPolicyFile(file, FIXTURES);
    expect(checkServerConfig('nginx', exportNginx(loaded.options ?? loaded.policy))).toBeUndefined();
  });

  it('accepts every allowed header and method token, quotes and all', () => {
    const snippet = exportNginx({ origin: '*', methods: ['GET', 'PURGE', "X-M!#%&'*+.^_`|~"], allowedHeaders: ["x-a!#%&'*+.^_`|~", 'X-B'], exposedHeaders: ['X-C'], maxAge: 60 });
    expect(checkServerConfig('nginx', snippet)).toBeUndefined();
  });
});
