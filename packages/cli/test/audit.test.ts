/**
 * `corsica audit`, run as the built binary against real servers: broken CORS setups found in the
 * wild, and Corsica with a strict policy (the core on node:http, and @corsica/express).
 */
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cors } from '@corsica/express';
import type { AuditReport } from '../src/index.js';
import { audit, lookAlikes, MAX_AUDIT_REQUESTS } from '../src/index.js';
import { bin, hasBuild } from './helpers/cli.js';
import {
  allowlistWithoutVary,
  conformanceRoutes,
  corsicaHandler,
  listen,
  prefixMatch,
  reflectAnyOrigin,
  reflectRequestHeaders,
  STRICT_POLICY,
  wildcardWithCredentials,
} from './helpers/servers.js';
import type { Listening } from './helpers/servers.js';

const EXPECTED = ['--origin', 'https://app.example.com', '--origin', 'https://admin.example.com', '--credentials'];

function severities(report: AuditReport): Record<string, string> {
  return Object.fromEntries(report.findings.map((f) => [f.id, f.severity]));
}

describe('corsica audit (the built binary)', () => {
  it('has been built (the test command runs `pnpm -r build` first)', () => {
    expect(hasBuild(), 'run `npx pnpm@10 -r build` (or `npx tsup` in packages/cli) first').toBe(true);
  });

  describe.each([
    {
      desc: 'a server that reflects any origin with credentials',
      handler: reflectAnyOrigin,
      code: 1,
      want: { 'origin.reflected-any': 'high', 'origin.null-allowed': 'high', 'vary.missing-origin': 'medium' },
    },
    {
      desc: 'a server sending "*" with credentials',
      handler: wildcardWithCredentials,
      code: 1,
      want: { 'credentials.wildcard': 'medium' },
    },
    {
      desc: 'an allowlist without Vary: Origin',
      handler: allowlistWithoutVary,
      code: 1,
      want: { 'vary.missing-origin': 'medium' },
    },
    {
      desc: 'an allowlist whose preflights echo the requested headers and method',
      handler: reflectRequestHeaders,
      code: 1,
      want: { 'preflight.reflects-headers': 'medium', 'preflight.reflects-method': 'medium' },
    },
    {
      desc: 'a "starts with" origin check',
      handler: prefixMatch,
      code: 1,
      want: { 'origin.suffix': 'high', 'origin.special-char': 'high', 'origin.port': 'medium', 'preflight.fails': 'low', 'origin.expected-refused': 'low' },
    },
  ])('against $desc', ({ handler, code, want }) => {
    let server: Listening;
    beforeAll(async () => {
      server = await listen(handler);
    });
    afterAll(async () => {
      await server.close();
    });

    it('reports the mistake with its severity and exits 1', async () => {
      const result = await bin(['audit', `${server.baseUrl}/ok`, ...EXPECTED, '--json']);
      expect(result.stderr).toBe('');
      const report = JSON.parse(result.stdout) as AuditReport;
      expect(severities(report)).toMatchObject(want);
      expect(report.exitCode).toBe(code);
      expect(result.code).toBe(code);
    });
  });

  describe('against Corsica with a strict policy', () => {
    const servers: [string, () => Promise<Listening>][] = [
      ['the core on node:http', () => listen(corsicaHandler())],
      [
        '@corsica/express',
        () => {
          const app = express();
          app.use(cors(STRICT_POLICY) as never);
          app.use((req, res) => conformanceRoutes(req, res));
          return listen(app);
        },
      ],
      ['the core with one fixed origin', () => listen(corsicaHandler({ origin: 'https://app.example.com', credentials: true, methods: ['GET', 'PUT'] }))],
    ];

    describe.each(servers)('served by %s', (_name, start) => {
      let server: Listening;
      beforeAll(async () => {
        server = await start();
      });
      afterAll(async () => {
        await server.close();
      });

      it('reports no high or medium finding and exits 0', async () => {
        const result = await bin(['audit', `${server.baseUrl}/ok`, '--origin', 'https://app.example.com', '--credentials']);
        expect(result.stdout).toMatch(/0 high, 0 medium/);
        expect(result.code).toBe(0);
      });
    });
  });

  describe('with its table output', () => {
    let server: Listening;
    beforeAll(async () => {
      server = await listen(reflectAnyOrigin);
    });
    afterAll(async () => {
      await server.close();
    });

    it('prints severity, finding, what was sent, what came back and the fix', async () => {
      const result = await bin(['audit', `${server.baseUrl}/ok`, '--origin', 'https://app.example.com']);
      expect(result.code).toBe(1);
      const lines = result.stdout.split('\n');
      expect(lines.find((l) => l.startsWith('SEVERITY'))).toMatch(/^SEVERITY +FINDING +SENT +GOT$/);
      const row = lines.find((l) => l.includes('origin.reflected-any'));
      expect(row).toMatch(/^high +origin\.reflected-any +GET \/ok {2}Origin: https:\/\/evil\.example +200, ACAO: https:\/\/evil\.example, ACAC: true$/);
      expect(result.stdout).toContain('fix: Compare Origin byte for byte against a list of your origins');
      expect(result.stdout).toContain('Exit 1 (a high or medium finding).');
    });
  });

  it.each([
    { desc: 'a URL that is not http(s)', args: ['audit', 'ftp://127.0.0.1/x'], message: 'corsica: audit probes http and https URLs only' },
    { desc: 'a relative URL', args: ['audit', '/ok'], message: 'corsica: audit needs an absolute URL' },
    { desc: 'an --origin with a path', args: ['audit', 'http://127.0.0.1:9/ok', '--origin', 'https://app.example.com/'], message: 'Write "https://app.example.com".' },
    { desc: 'no URL', args: ['audit'], message: 'corsica: audit needs the URL to probe' },
    { desc: 'a bad --timeout', args: ['audit', 'http://127.0.0.1:9/', '--timeout', 'soon'], message: 'corsica: --timeout must be a positive number' },
  ])('exits 2 for $desc', async ({ args, message }) => {
    const result = await bin(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe('audit', () => {
  /** Every request a server received: method, path, Host. */
  const seen: { method: string; url: string; host: string }[] = [];
  let server: Listening;
  let silent: Listening;
  beforeAll(async () => {
    server = await listen((req, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', host: req.headers.host ?? '' });
      if (req.url === '/moved') {
        res.statusCode = 302;
        res.setHeader('Location', '/ok');
        res.end();
        return;
      }
      reflectAnyOrigin(req, res);
    });
    // accepts connections and never answers
    silent = await listen(() => undefined);
  });
  afterAll(async () => {
    await server.close();
    await silent.close();
  });

  it('stays within its request budget and probes at most four expected origins', async () => {
    seen.length = 0;
    const origins = Array.from({ length: 10 }, (_, i) => `https://app${i}.example.com`);
    const report = await audit(`${server.baseUrl}/ok?x=1`, { origins });
    expect(seen.length).toBe(report.requests);
    expect(report.requests).toBeLessThanOrEqual(MAX_AUDIT_REQUESTS);
    expect(report.origins).toHaveLength(4);
    expect(report.findings.find((f) => f.id === 'audit.origins-capped')?.title).toContain('Only the first 4 of 10 --origin values');
  });

  it('contacts only the URL given: same host, same path, query included', async () => {
    seen.length = 0;
    await audit(`${server.baseUrl}/ok?x=1`, { origins: ['https://app.example.com'] });
    expect(new Set(seen.map((s) => `${s.host}${s.url}`))).toEqual(new Set([`127.0.0.1:${server.port}/ok?x=1`]));
  });

  it('never follows a redirect, and says so', async () => {
    seen.length = 0;
    const report = await audit(`${server.baseUrl}/moved`);
    expect(seen.every((s) => s.url === '/moved')).toBe(true);
    expect(report.findings.find((f) => f.id === 'url.redirects')?.title).toContain('302 to /ok');
  });

  it('probes look-alikes of the URL\'s own origin when no origin is given', async () => {
    seen.length = 0;
    const report = await audit(`${server.baseUrl}/ok`);
    expect(report.origins).toEqual([server.baseUrl]);
    // reflection of any origin makes the look-alikes redundant: one finding, not eleven
    expect(report.findings.filter((f) => f.id.startsWith('origin.')).map((f) => f.id).sort()).toEqual(['origin.null-allowed', 'origin.reflected-any']);
  });

  it('gives up with a usage error when nothing answers within the time-out', async () => {
    await expect(audit(`${silent.baseUrl}/ok`, { timeout: 200 })).rejects.toThrow(/did not answer any of \d+ requests/);
  });

  it('rates a reflection without credentials lower than one with credentials', async () => {
    const open = await listen((req, res) => {
      const origin = req.headers.origin;
      if (typeof origin === 'string') res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.end('ok');
    });
    try {
      expect(severities(await audit(`${open.baseUrl}/`, { origins: ['https://app.example.com'] }))['origin.reflected-any']).toBe('medium');
      expect(severities(await audit(`${open.baseUrl}/`))['origin.reflected-any']).toBe('low');
    } finally {
      await open.close();
    }
  });
});

describe('lookAlikes', () => {
  it('builds the origins attackers register for https://app.example.com', () => {
    expect(lookAlikes('https://app.example.com').map((l) => l.origin)).toEqual([
      'https://app.example.com.evil.example',
      'https://evilapp.example.com',
      'https://app.example.co',
      'https://appxexample.com',
      'http://app.example.com',
      'https://app.example.com:8443',
      'https://app.example.com`.evil.example',
      'https://app.example.com_.evil.example',
      'https://app.example.com!.evil.example',
      'https://evil.app.example.com',
    ]);
  });

  it('changes the port of an origin that has one, and skips subdomains of an IP', () => {
    const origins = lookAlikes('http://127.0.0.1:3000').map((l) => l.origin);
    expect(origins).toContain('http://127.0.0.1:3001');
    expect(origins).toContain('https://127.0.0.1:3000');
    expect(origins.some((o) => o.startsWith('http://evil.127'))).toBe(false);
  });
});
