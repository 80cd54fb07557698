import { describe, expect, it } from 'vitest';
import { loadPolicyFile, PolicyFileError } from '../src/index.js';
import { cli, FIXTURES } from './helpers/cli.js';

describe('corsica explain', () => {
  it.each([
    {
      desc: 'a JSON policy lets a listed origin read a GET',
      args: ['--policy', 'credentialed.json', '--origin', 'https://app.example.com'],
      code: 0,
      has: ['Request: CORS GET from origin https://app.example.com', 'pass  origin https://app.example.com is allowed (exact match in the allowlist)', 'Result: the page gets the response.'],
    },
    {
      desc: 'a PUT with a JSON body is explained as its preflight, then the request itself',
      args: ['--policy', 'credentialed.json', '--origin', 'https://app.example.com', '--method', 'PUT', '--headers', 'Content-Type', '--credentials'],
      code: 0,
      has: ['The browser sends a preflight first, because PUT is not a CORS-safelisted method', 'Access-Control-Request-Headers: content-type', 'Response: 204', 'Then the request itself:', 'Request: CORS PUT from origin https://app.example.com with credentials'],
    },
    {
      desc: 'custom headers on a GET alone are enough for a preflight',
      args: ['--policy', 'credentialed.json', '--origin', 'https://app.example.com', '--headers', 'X-Request-Id,Authorization'],
      code: 0,
      has: ['because the page sets authorization, x-request-id, which are not CORS-safelisted headers', 'Access-Control-Request-Headers: authorization,x-request-id'],
    },
    {
      desc: 'a lower-case "put" is upper-cased as browsers do',
      args: ['--policy', 'credentialed.json', '--origin', 'https://app.example.com', '--method', 'put'],
      code: 0,
      has: ['Access-Control-Request-Method: PUT'],
    },
    {
      desc: 'a lower-case "patch" stays lower case and is refused, with the fix',
      args: ['--policy', 'credentialed.json', '--origin', 'https://app.example.com', '--method', 'patch'],
      code: 1,
      has: ['Access-Control-Request-Method: patch', 'FAIL  method patch is not allowed', 'Fix: the page sent "patch"', 'Result: the browser blocks the request.'],
    },
    {
      desc: 'an unlisted origin is blocked with the console message',
      args: ['--policy', 'credentialed.json', '--origin', 'https://evil.example', '--url', 'https://api.example.com/me'],
      code: 1,
      has: ['FAIL  origin https://evil.example is not allowed by the policy', "Access to fetch at 'https://api.example.com/me' from origin 'https://evil.example' has been blocked by CORS policy"],
    },
    {
      desc: 'Firefox wording is used with --engine firefox',
      args: ['--policy', 'credentialed.json', '--origin', 'https://evil.example', '--engine', 'firefox'],
      code: 1,
      has: ['Browser (Firefox): blocks the response. Console: "Cross-Origin Request Blocked'],
    },
    {
      desc: 'a public policy cannot serve a credentialed request',
      args: ['--policy', 'public.json', '--origin', 'https://app.example.com', '--credentials'],
      code: 1,
      has: ["must not be the wildcard '*' when the request's credentials mode is 'include'"],
    },
    {
      desc: 'a .mjs policy with a RegExp allows what the RegExp matches',
      args: ['--policy', 'patterns.mjs', '--origin', 'https://dev-1.corp.example'],
      code: 0,
      has: ['is allowed (matches a RegExp)'],
    },
    {
      desc: 'a .mjs policy with a pattern allows a preview subdomain',
      args: ['--policy', 'patterns.mjs', '--origin', 'https://pr-42.preview.example.com', '--method', 'DELETE'],
      code: 0,
      has: ['is allowed (matches a pattern)', 'caches it for 7200 s'],
    },
    {
      desc: 'a .ts module exporting a compiled policy is used as it is',
      args: ['--policy', 'compiled.ts', '--origin', 'https://admin.example.com', '--method', 'DELETE'],
      code: 0,
      has: ['method DELETE is allowed'],
    },
    {
      desc: 'a .ts module exporting options prints the configuration warnings',
      args: ['--policy', 'options.ts', '--origin', 'https://app.example.com', '--method', 'PATCH'],
      code: 0,
      has: ['caches it for 7200 s (Access-Control-Max-Age 9000 capped at 7200)', 'warning: `maxAge` is 9000, but Chromium caches preflights for at most 7200 s'],
    },
    {
      desc: 'a CommonJS module is read through module.exports',
      args: ['--policy', 'commonjs.cjs', '--origin', 'https://app.example.com', '--method', 'DELETE'],
      code: 0,
      has: ['method DELETE is allowed'],
    },
    {
      desc: 'an origin function is called',
      args: ['--policy', 'predicate.mjs', '--origin', 'https://acme.example.com'],
      code: 0,
      has: ['allowed by an origin function'],
    },
    {
      desc: 'an async origin resolver is awaited',
      args: ['--policy', 'async.mjs', '--origin', 'https://acme.example.com', '--credentials'],
      code: 0,
      has: ['allowed by an origin function', 'Access-Control-Allow-Credentials: true'],
    },
    {
      desc: 'an async origin resolver refusing an origin blocks it',
      args: ['--policy', 'async.mjs', '--origin', 'https://initech.example.com'],
      code: 1,
      has: ['FAIL  origin https://initech.example.com is not allowed'],
    },
  ])('$desc', async ({ args, code, has }) => {
    const result = await cli(['explain', ...args]);
    expect(result.stderr).toBe('');
    for (const text of has) expect(result.stdout).toContain(text);
    expect(result.code).toBe(code);
  });

  it('prints the decision and the explanation as JSON with --json', async () => {
    const result = await cli(['explain', '--policy', 'credentialed.json', '--origin', 'https://app.example.com', '--method', 'PUT', '--json']);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as Record<string, unknown> & { actual: { decision: unknown } };
    expect(out.decision).toMatchObject({ kind: 'preflight', allowed: true, status: 204, headers: { 'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, PATCH, DELETE' } });
    expect(out.explanation).toContain('Request: preflight OPTIONS');
    expect(out.preflight).toBe(true);
    expect(out.actual.decision).toMatchObject({ kind: 'actual', allowed: true, headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' } });
    expect(out.allowed).toBe(true);
  });

  it('lists every problem of an invalid policy with its fix, and exits 2', async () => {
    const result = await cli(['explain', '--policy', 'invalid.json', '--origin', 'https://app.example.com']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('corsica: --policy invalid.json is not a valid CORS configuration (7 problems):');
    for (const code of ['option.unknown', 'origin.trailing-slash', 'origin.null', 'origin.public-suffix-wildcard', 'origin.insecure-with-credentials', 'methods.forbidden', 'allowedHeaders.forbidden']) {
      expect(result.stderr).toContain(`[${code}]`);
    }
    expect(result.stderr.match(/^ {4}fix: /gm)).toHaveLength(7);
    expect(result.stderr).toContain('fix: Write "https://app.example.com".');
    expect(result.stderr).toContain('fix: Write `allowedHeaders`.');
  });

  it('lists the problems when a module calls createPolicy with invalid options', async () => {
    const result = await cli(['explain', '--policy', 'invalid-compiled.ts', '--origin', 'https://app.example.com']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a valid CORS configuration (2 problems)');
    expect(result.stderr).toContain('[origin.public-suffix-wildcard]');
  });

  it('prints the problems of an invalid policy as JSON with --json', async () => {
    const result = await cli(['explain', '--policy', 'invalid.json', '--origin', 'https://app.example.com', '--json']);
    expect(result.code).toBe(2);
    const out = JSON.parse(result.stdout) as { error: string; problems: { code: string; fix: string }[] };
    expect(out.error).toBe('invalid-policy');
    expect(out.problems.map((p) => p.code)).toContain('origin.null');
    expect(out.problems).toHaveLength(7);
  });

  it.each([
    { file: 'broken.json', message: 'corsica: --policy broken.json is not valid JSON' },
    { file: 'array.json', message: 'corsica: --policy array.json exports an array' },
    { file: 'no-default.mjs', message: 'corsica: --policy no-default.mjs has no default export' },
    { file: 'notes.txt', message: 'has an extension the CLI does not read (.txt)' },
    { file: 'missing.json', message: 'corsica: cannot read --policy missing.json' },
    { file: 'missing.ts', message: 'corsica: cannot load --policy missing.ts' },
  ])('refuses the unusable policy file $file with exit 2', async ({ file, message }) => {
    const result = await cli(['explain', '--policy', file, '--origin', 'https://app.example.com']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it.each([
    { desc: 'without --origin', args: ['--policy', 'public.json'], message: 'corsica: --origin is required' },
    { desc: 'without --policy', args: ['--origin', 'https://app.example.com'], message: 'corsica: --policy is required' },
    { desc: 'with an unknown engine', args: ['--policy', 'public.json', '--origin', 'https://a.example', '--engine', 'safari'], message: 'corsica: --engine must be chromium, firefox or webkit' },
    { desc: 'with a method that is not a token', args: ['--policy', 'public.json', '--origin', 'https://a.example', '--method', 'GET POST'], message: 'is not an HTTP method' },
    { desc: 'with an unknown option', args: ['--policy', 'public.json', '--origin', 'https://a.example', '--verbose'], message: "corsica: unknown option '--verbose'" },
  ])('is a usage error $desc (exit 2, with the help)', async ({ args, message }) => {
    const result = await cli(['explain', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Usage: corsica explain');
  });
});

describe('loadPolicyFile', () => {
  it('returns the options as written, the compiled policy and its warnings', async () => {
    const loaded = await loadPolicyFile('options.ts', FIXTURES);
    expect(loaded.options).toMatchObject({ origin: 'https://app.example.com', maxAge: 9000 });
    expect(loaded.policy.config.originMode).toBe('fixed');
    expect(loaded.warnings.map((w) => w.code)).toEqual(['maxAge.above-browser-cap']);
  });

  it('keeps a compiled policy and has no options to show', async () => {
    const loaded = await loadPolicyFile(`${FIXTURES}compiled.ts`);
    expect(loaded.options).toBeUndefined();
    expect(loaded.policy.decide({ method: 'GET', origin: 'https://admin.example.com' }).allowed).toBe(true);
  });

  it('never calls the policy\'s onDecision hook', async () => {
    const loaded = await loadPolicyFile('report-only.mjs', FIXTURES);
    // report-only requires onDecision; the loader replaced it, so deciding reports nothing
    const decision = loaded.policy.decide({ method: 'GET', origin: 'https://evil.example' });
    expect(decision.wouldHave?.allowed).toBe(false);
    expect((globalThis as { corsicaFixtureReports?: number }).corsicaFixtureReports).toBeUndefined();
  });

  it('throws PolicyFileError for a file that is not a policy', async () => {
    await expect(loadPolicyFile('array.json', FIXTURES)).rejects.toBeInstanceOf(PolicyFileError);
  });
});

describe('the corsica command', () => {
  it.each([
    { args: ['--help'], has: 'Usage:\n  corsica explain' },
    { args: ['help'], has: 'Usage:\n  corsica explain' },
    { args: ['help', 'audit'], has: 'Usage: corsica audit URL' },
    { args: ['explain', '--help'], has: 'Usage: corsica explain --policy FILE --origin ORIGIN' },
    { args: ['audit', '--help'], has: 'Usage: corsica audit URL' },
    { args: ['export', '--help'], has: 'Usage: corsica export TARGET --policy FILE' },
    { args: ['export', 'caddy', '-h'], has: 'Usage: corsica export TARGET --policy FILE' },
    { args: ['--version'], has: '0.1.0' },
  ])('prints help for "corsica $args" and exits 0', async ({ args, has }) => {
    const result = await cli(args);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(has);
    expect(result.stderr).toBe('');
  });

  it('rejects an unknown command with the usage and exit 2', async () => {
    const result = await cli(['explian', '--policy', 'public.json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('corsica: unknown command "explian".');
    expect(result.stderr).toContain('Usage:\n  corsica explain');
  });

  it('asks for a command when given none, with exit 2', async () => {
    const result = await cli([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('corsica: a command is needed.');
  });
});
