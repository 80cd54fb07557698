/**
 * `corsica audit` on doubled CORS layers, with real ones: a real Caddy and a real nginx,
 * configured the way people add CORS to a proxy by hand, in front of an Express app that already
 * does CORS with @corsica/express. The audit must name the doubling and which layer to remove, and stay quiet
 * on a single layer (the app alone, or Caddy running `corsica export caddy` in front of an app
 * without CORS).
 */
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cors } from '@corsica/express';
import { audit } from '../src/index.js';
import type { AuditReport } from '../src/index.js';
import { exportCaddy } from '../src/index.js';
import { available, BINARIES, startCaddySite, startServer } from './helpers/proxies.js';
import type { RunningServer } from './helpers/proxies.js';
import { conformanceRoutes, listen, STRICT_POLICY } from './helpers/servers.js';
import type { Listening } from './helpers/servers.js';

const ORIGIN = 'https://app.example.com';

/** An Express app (it sends X-Powered-By: Express) serving the conformance routes, with or without Corsica in front of them. */
async function expressApp(withCors: boolean, headersAfterCors = false): Promise<Listening> {
  const app = express();
  if (withCors) app.use(cors(STRICT_POLICY) as never);
  if (headersAfterCors) {
    // as helmet does when mounted after cors: preflights end before it runs
    app.use((_req, res, next) => {
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('X-Frame-Options', 'SAMEORIGIN');
      next();
    });
  }
  app.use((req, res) => conformanceRoutes(req, res));
  return listen(app);
}

const ids = (report: AuditReport): string[] => report.findings.map((f) => f.id);
const find = (report: AuditReport, id: string) => report.findings.find((f) => f.id === id);

describe.skipIf(BINARIES.nginx === undefined)('corsica audit on nginx adding CORS by hand in front of an app that does CORS too', () => {
  let report: AuditReport;
  const stops: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    const app = await expressApp(true);
    stops.push(() => app.close());
    // the snippet people copy: headers added with add_header, every OPTIONS answered 204
    const naive = {
      http: '',
      location: [`add_header Access-Control-Allow-Origin "${ORIGIN}" always;`, 'add_header Access-Control-Allow-Credentials "true" always;', 'if ($request_method = OPTIONS) { return 204; }'].join('\n'),
      notes: [],
    };
    const nginx = await startServer('nginx', naive, app.port);
    stops.push(() => nginx.close());
    report = await audit(`${nginx.baseUrl}/ok`, { origins: [ORIGIN], credentials: true });
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  it('reports the two layers and that the app never sees an OPTIONS', () => {
    expect(find(report, 'layers.doubled')?.title).toContain(`Access-Control-Allow-Origin "${ORIGIN}, ${ORIGIN}"`);
    expect(find(report, 'layers.options-intercepted')?.title).toContain('answered by the layer that sends Server: nginx');
    expect(report.exitCode).toBe(1);
  });
});

describe.skipIf(!available('caddy'))('corsica audit on doubled CORS layers', () => {
  const stops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
  });
  const start = async (site: string | undefined, appCors: boolean, headersAfterCors = false): Promise<string> => {
    const app = await expressApp(appCors, headersAfterCors);
    stops.push(() => app.close());
    if (site === undefined) return `http://127.0.0.1:${app.port}`;
    const proxy: RunningServer = site === 'export' ? await startServer('caddy', exportCaddy(STRICT_POLICY), app.port) : await startCaddySite(site, app.port);
    stops.push(() => proxy.close());
    return proxy.baseUrl;
  };

  describe('Caddy adding CORS headers by hand in front of an app that does CORS too', () => {
    let report: AuditReport;
    beforeAll(async () => {
      const base = await start(
        [
          `\theader Access-Control-Allow-Origin "${ORIGIN}"`,
          '\theader Access-Control-Allow-Credentials "true"',
          '\t@options method OPTIONS',
          '\thandle @options {',
          '\t\theader Access-Control-Allow-Methods "GET, POST, PUT, DELETE"',
          '\t\trespond 204',
          '\t}',
          '\treverse_proxy {upstream}',
        ].join('\n'),
        true,
      );
      report = await audit(`${base}/ok`, { origins: [ORIGIN], credentials: true });
    });

    it('reports the doubled Access-Control-Allow-Origin as two layers, and says to keep one', () => {
      const doubled = find(report, 'layers.doubled');
      expect(doubled?.severity).toBe('medium');
      expect(doubled?.title).toContain(`Access-Control-Allow-Origin "${ORIGIN}, ${ORIGIN}"`);
      expect(doubled?.title).toContain('Access-Control-Allow-Credentials "true, true"');
      expect(doubled?.fix).toContain("remove the proxy's CORS directives");
      expect(doubled?.fix).toContain("remove the app's CORS middleware");
      expect(report.exitCode).toBe(1);
    });

    it("says the proxy answers every OPTIONS, so the app's own OPTIONS routes never run", () => {
      expect(find(report, 'layers.options-intercepted')?.title).toContain('answered by the layer that sends Server: Caddy');
    });
  });

  describe('Caddy answering preflights with its own policy, the app answering the rest with another', () => {
    let report: AuditReport;
    beforeAll(async () => {
      const base = await start(
        [
          '\t@preflight {',
          '\t\tmethod OPTIONS',
          '\t\theader Access-Control-Request-Method *',
          '\t}',
          '\thandle @preflight {',
          '\t\theader Access-Control-Allow-Origin "*"',
          '\t\theader Access-Control-Allow-Methods "GET, POST, PUT"',
          '\t\trespond 204',
          '\t}',
          '\treverse_proxy {upstream}',
        ].join('\n'),
        true,
      );
      report = await audit(`${base}/ok`, { origins: [ORIGIN], credentials: true });
    });

    it('tells that preflights never reach the app (its X-Powered-By is missing) and that the two layers disagree', () => {
      const split = find(report, 'layers.split-policy');
      expect(split?.severity).toBe('medium');
      expect(split?.title).toContain('preflights are answered by the layer that sends Server: Caddy before the app');
      expect(split?.title).toContain('x-powered-by: Express');
      expect(split?.title).toContain(`its answer for ${ORIGIN} disagrees with the app's own`);
      expect(ids(report)).not.toContain('layers.options-intercepted');
    });
  });

  describe('Caddy replacing Vary on GET responses in front of an app that appends Origin to it', () => {
    let report: AuditReport;
    beforeAll(async () => {
      const base = await start(['\t@get method GET', '\theader @get {', '\t\tVary "Accept-Encoding"', '\t\tdefer', '\t}', '\treverse_proxy {upstream}'].join('\n'), true);
      report = await audit(`${base}/ok`, { origins: [ORIGIN], credentials: true });
    });

    it('reports that Vary: Origin is lost between the layers, not merely missing', () => {
      const lost = find(report, 'layers.vary-lost');
      expect(lost?.severity).toBe('medium');
      expect(lost?.title).toContain('Vary: Origin is on some answers (OPTIONS');
      expect(lost?.title).toContain('carry another Vary (Accept-Encoding)');
      expect(lost?.fix).toContain('make it append');
      expect(ids(report)).not.toContain('vary.missing-origin');
    });
  });

  describe('one layer only', () => {
    it.each([
      { desc: 'the app alone (Corsica in Express)', site: undefined, appCors: true, headersAfterCors: false },
      { desc: 'the app alone, with a middleware after CORS that adds headers preflights never get', site: undefined, appCors: true, headersAfterCors: true },
      { desc: 'Caddy running `corsica export caddy` in front of an app without CORS', site: 'export', appCors: false, headersAfterCors: false },
    ])('$desc: no doubled-layer finding', async ({ site, appCors, headersAfterCors }) => {
      const base = await start(site, appCors, headersAfterCors);
      const report = await audit(`${base}/ok`, { origins: [ORIGIN], credentials: true });
      // a proxy that is the only CORS layer is worth a note, never a finding; the app alone, not even that
      expect(ids(report).filter((id) => id.startsWith('layers.'))).toEqual(site === 'export' ? ['layers.preflight-by-proxy'] : []);
      expect(report.exitCode).toBe(0);
      if (site === 'export') expect(find(report, 'layers.preflight-by-proxy')?.severity).toBe('info');
    });
  });
});
