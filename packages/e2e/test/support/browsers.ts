/**
 * The three browser engines, driven without downloading anything: Debian's Chromium through
 * playwright-core, Debian's Firefox ESR through puppeteer-core over WebDriver BiDi, Debian's
 * WebKitGTK through its WebKitWebDriver and a small W3C WebDriver client of our own
 * (`webkit.ts`). All expose the same small surface: a fresh session (own cookies), a navigation,
 * a script evaluation.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { WEBKIT_PATHS, launchWebKitBrowser } from './webkit.js';
import type { WebKitCookiePolicy } from './webkit.js';

export type EngineName = 'chromium' | 'firefox' | 'webkit';

/** Host names the cross-site HTTPS scenarios use; each engine resolves them to 127.0.0.1. */
export const TEST_HOSTS = ['app.test', 'api.test'] as const;

/**
 * Where each engine is installed (`apt-get install -y chromium firefox-esr webkit2gtk-driver
 * xvfb`); env overrides. WebKit needs three programs: the driver, MiniBrowser and Xvfb.
 */
export const EXECUTABLES: Readonly<Record<EngineName, readonly string[]>> = {
  chromium: [process.env['CORSICA_CHROMIUM'] ?? '/usr/bin/chromium'],
  firefox: [process.env['CORSICA_FIREFOX'] ?? '/usr/bin/firefox-esr'],
  webkit: [WEBKIT_PATHS.driver, WEBKIT_PATHS.browser, WEBKIT_PATHS.xvfb],
};

const PACKAGES: Readonly<Record<EngineName, string>> = { chromium: 'chromium', firefox: 'firefox-esr', webkit: 'webkit2gtk-driver xvfb' };
const PATH_VARIABLES: Readonly<Record<EngineName, string>> = {
  chromium: 'CORSICA_CHROMIUM',
  firefox: 'CORSICA_FIREFOX',
  webkit: 'CORSICA_WEBKIT_DRIVER, CORSICA_WEBKIT (MiniBrowser) and CORSICA_XVFB',
};

/**
 * Why an engine cannot run here, or `undefined` when it can. When `CORSICA_REQUIRE_BROWSERS=1`
 * (CI), a missing browser is a failure rather than a skip.
 */
export function missingEngine(name: EngineName): string | undefined {
  const absent = EXECUTABLES[name].filter((path) => !existsSync(path));
  if (absent.length === 0) return undefined;
  const reason = `corsica: ${name} tests skipped: no ${absent.join(', ')} (install with \`apt-get install -y ${PACKAGES[name]}\`, or set ${PATH_VARIABLES[name]}).`;
  if (process.env['CORSICA_REQUIRE_BROWSERS'] === '1') throw new Error(reason.replace('tests skipped', 'required (CORSICA_REQUIRE_BROWSERS=1) but missing'));
  return reason;
}

/** One tab with its own cookie jar. */
export interface Session {
  goto(url: string): Promise<void>;
  /** Evaluates a JavaScript expression in the page and awaits its (JSON-serializable) value. */
  evaluate<T>(expression: string): Promise<T>;
  /**
   * The CORS errors the browser logged to the page's console since the last call. Waits up to
   * `waitMs` for a first one, since the log can arrive after `fetch` rejected.
   */
  takeCorsMessages(waitMs: number): Promise<string[]>;
  close(): Promise<void>;
}

/** Collects the console lines that are CORS errors, in Chromium's or Firefox's words. */
function corsLog(): { add(text: string): void; take(waitMs: number): Promise<string[]> } {
  let lines: string[] = [];
  return {
    add(text) {
      if (text.includes('blocked by CORS policy') || text.startsWith('Cross-Origin Request Blocked')) lines.push(text);
    },
    async take(waitMs) {
      for (const deadline = Date.now() + waitMs; lines.length === 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 10));
      // a second line (Firefox logs two for a refused preflight) follows the first closely
      if (lines.length > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      const taken = lines;
      lines = [];
      return taken;
    },
  };
}

export interface LaunchOptions {
  /** Extra environment variables for the browser's processes. */
  readonly env?: Readonly<Record<string, string>>;
  /** More host names to resolve to 127.0.0.1, beside `TEST_HOSTS` (Chromium and Firefox). */
  readonly hosts?: readonly string[];
}

export interface Engine {
  readonly name: EngineName;
  /** A new tab in a clean cookie state. Sessions of one engine are meant to be used one at a time. */
  newSession(): Promise<Session>;
  close(): Promise<void>;
}

export interface ChromiumEngine extends Engine {
  /** The persistent context, for tests that need Playwright's own page API (clicks, screenshots). */
  readonly context: BrowserContext;
}

/**
 * Chromium with a fresh profile that allows third-party cookies, as Chrome's shipped settings do
 * outside Incognito. Launched here, Debian's Chromium blocks them in a fresh profile, and the
 * cross-site cookie scenario would fail for a reason that is not CORS. Incognito contexts
 * (`browser.newContext()`) block them too, hence one persistent context whose cookies are
 * cleared per session.
 */
export async function launchChromium(options: LaunchOptions = {}): Promise<ChromiumEngine> {
  const profile = mkdtempSync(join(tmpdir(), 'corsica-chromium-'));
  mkdirSync(join(profile, 'Default'));
  writeFileSync(join(profile, 'Default', 'Preferences'), JSON.stringify({ profile: { cookie_controls_mode: 0 } }));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: EXECUTABLES.chromium[0]!,
    ignoreHTTPSErrors: true,
    ...(options.env === undefined ? {} : { env: { ...process.env, ...options.env } as Record<string, string> }),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
      `--host-resolver-rules=${[...TEST_HOSTS, ...(options.hosts ?? [])].map((host) => `MAP ${host} 127.0.0.1`).join(', ')}`,
      '--ignore-certificate-errors',
    ],
  });
  return {
    name: 'chromium',
    context,
    async newSession() {
      await context.clearCookies();
      const page = await context.newPage();
      const log = corsLog();
      page.on('console', (message) => log.add(message.text()));
      return {
        goto: async (url) => void (await page.goto(url)),
        evaluate: (expression) => page.evaluate(expression),
        takeCorsMessages: (waitMs) => log.take(waitMs),
        close: () => page.close(),
      };
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Firefox ESR over WebDriver BiDi, with a fresh profile made by puppeteer. `network.dns.localDomains`
 * resolves the test host names to the loopback address, and `acceptInsecureCerts` accepts the
 * certificate made at test time. Each session is its own browser context (cookie jar).
 */
export async function launchFirefox(options: LaunchOptions = {}): Promise<Engine> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: EXECUTABLES.firefox[0]!,
    headless: true,
    protocol: 'webDriverBiDi',
    acceptInsecureCerts: true,
    ...(options.env === undefined ? {} : { env: { ...process.env, ...options.env } }),
    extraPrefsFirefox: { 'network.dns.localDomains': [...TEST_HOSTS, ...(options.hosts ?? [])].join(',') },
  });
  return {
    name: 'firefox',
    async newSession() {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      const log = corsLog();
      // Firefox reports CORS errors as page errors over BiDi, not as console calls
      page.on('pageerror', (error) => log.add(error instanceof Error ? error.message : String(error)));
      page.on('console', (message) => log.add(message.text()));
      return {
        goto: async (url) => void (await page.goto(url)),
        evaluate: <T>(expression: string) => page.evaluate(expression) as Promise<T>,
        takeCorsMessages: (waitMs) => log.take(waitMs),
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

/**
 * WebKitGTK's MiniBrowser over WebDriver, one browser session for the whole run (a WebDriver
 * session costs a browser start). `newSession()` gives a view of it whose first navigation
 * deletes the cookies the page's host can see, so each adapter starts without the last one's
 * session cookie. `cookiesPolicy` defaults to MiniBrowser's (`no-third-party`). Console messages
 * cannot be read from this driver (see `webkit.ts`): `takeCorsMessages` is always empty.
 */
export async function launchWebKit(options: LaunchOptions & { cookiesPolicy?: WebKitCookiePolicy } = {}): Promise<Engine & { readonly version: string }> {
  const browser = await launchWebKitBrowser({ hosts: TEST_HOSTS, ...options });
  return {
    name: 'webkit',
    version: browser.version,
    async newSession() {
      let fresh = true;
      return {
        async goto(url) {
          await browser.goto(url);
          if (fresh) await browser.deleteCookies();
          fresh = false;
        },
        evaluate: (expression) => browser.evaluate(expression),
        takeCorsMessages: async () => [],
        close: async () => undefined,
      };
    },
    close: () => browser.close(),
  };
}

/** Launches an engine by name. */
export function launchEngine(name: EngineName, options: LaunchOptions = {}): Promise<Engine> {
  return name === 'chromium' ? launchChromium(options) : name === 'firefox' ? launchFirefox(options) : launchWebKit(options);
}
