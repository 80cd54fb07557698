/**
 * WebKit (WebKitGTK, the engine of Safari) driven over the W3C WebDriver HTTP API, without a
 * client library and without downloading anything: Debian's `webkit2gtk-driver` (WebKitWebDriver
 * and its MiniBrowser) on a private Xvfb display (`xvfb`).
 *
 * How this WebKit is told about the test setup, found by trying:
 * - The self-signed certificate of the HTTPS scenarios: the standard `acceptInsecureCerts`
 *   capability. WebKitWebDriver honours it (the session echoes it back) and the automation
 *   session then ignores TLS errors; no trust store, no environment variable is needed.
 * - The `.test` host names: WebKitGTK has no host-resolver switch, and this machine's resolver
 *   does not know them. The WebDriver `proxy` capability is accepted but not applied by
 *   WebKitWebDriver 2.50, while MiniBrowser's own `--proxy` switch is. So MiniBrowser gets a
 *   local HTTP proxy (`startTestHostProxy`) that tunnels `CONNECT` for the test host names to
 *   127.0.0.1, and `--ignore-host` keeps `localhost` traffic direct.
 * - Cookies: MiniBrowser's `--cookies-policy` defaults to `no-third-party`, WebKitGTK's default
 *   (`WEBKIT_COOKIE_POLICY_ACCEPT_NO_THIRD_PARTY`). Safari's default is stricter still (all
 *   third-party cookies blocked, as part of Intelligent Tracking Prevention); either way a
 *   cross-site API gets no cookie.
 * - Console messages cannot be read over WebDriver: WebKitWebDriver 2.50 has no log endpoint and
 *   no WebDriver BiDi (`webSocketUrl` fails to match), and MiniBrowser's
 *   `--enable-write-console-messages-to-stdout` does not reach the view automation opens. It does
 *   reach MiniBrowser's own view, so `openMiniBrowser` runs a page without WebDriver and reads
 *   the console from MiniBrowser's standard output.
 * @module
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';

/** Where Debian's `webkit2gtk-driver` and `xvfb` put their programs; env overrides. */
export const WEBKIT_PATHS = {
  driver: process.env['CORSICA_WEBKIT_DRIVER'] ?? '/usr/bin/WebKitWebDriver',
  browser: process.env['CORSICA_WEBKIT'] ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  xvfb: process.env['CORSICA_XVFB'] ?? '/usr/bin/Xvfb',
} as const;

/** MiniBrowser's cookie policies (`--cookies-policy`). */
export type WebKitCookiePolicy = 'always' | 'never' | 'no-third-party';

export interface WebKitOptions {
  /** Host names to resolve to 127.0.0.1 (through the local proxy). */
  readonly hosts: readonly string[];
  /** Default: MiniBrowser's own default, `no-third-party`. */
  readonly cookiesPolicy?: WebKitCookiePolicy;
  /** Extra environment for the driver and the browser it starts (not Xvfb). */
  readonly env?: Readonly<Record<string, string>>;
}

/** One WebDriver session in a MiniBrowser, with the few commands the tests use. */
export interface WebKitBrowser {
  readonly version: string;
  goto(url: string): Promise<void>;
  /** Evaluates a JavaScript expression in the page and awaits its (JSON-serializable) value. */
  evaluate<T>(expression: string): Promise<T>;
  /** Deletes the cookies the current page's host can see. */
  deleteCookies(): Promise<void>;
  close(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (closed again, so the driver can take it). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Kills a detached child's whole process group (the driver takes MiniBrowser and its helpers with it). */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * A bash (dash's `kill` takes no process group) that waits for this Node process to end, however
 * it ends (a killed test worker runs no exit handler), then kills the process groups `groups`.
 * `close()` stops it first.
 */
function startWatchdog(groups: readonly number[]): ChildProcess {
  const kills = groups.map((pid) => `-${pid}`).join(' ');
  const watchdog = spawn('/bin/bash', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -9 -- ${kills} 2>/dev/null`], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  return watchdog;
}

/** Starts Xvfb on a display it picks itself (`-displayfd`), so parallel runs never race for one. */
async function startXvfb(): Promise<{ display: string; process: ChildProcess }> {
  const child = spawn(WEBKIT_PATHS.xvfb, ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { detached: true, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const display = await new Promise<string>((resolve, reject) => {
    let out = '';
    const fd3 = child.stdio[3] as NodeJS.ReadableStream;
    fd3.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(`:${out.trim()}`);
    });
    child.once('exit', (code) => reject(new Error(`corsica: Xvfb exited (${code}) before picking a display: ${stderr.slice(-500)}`)));
    setTimeout(() => reject(new Error('corsica: Xvfb did not report a display within 10 s')), 10_000).unref();
  });
  return { display, process: child };
}

/**
 * A proxy for MiniBrowser: `CONNECT` to one of `hosts` (any port) is tunnelled to 127.0.0.1 on that
 * port; anything else is refused, so nothing leaves the machine.
 */
async function startTestHostProxy(hosts: readonly string[]): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => res.writeHead(403).end());
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const match = /^([^:]+):(\d+)$/.exec(req.url ?? '');
    if (match === null || !hosts.includes(match[1]!)) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = net.connect(Number(match[2]), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface WireAnswer {
  readonly value: unknown;
}

/** One W3C WebDriver command; a WebDriver error becomes a thrown Error with the driver's words. */
async function command(base: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await response.json()) as WireAnswer;
  const value = answer.value as { error?: string; message?: string } | null;
  if (!response.ok || (value !== null && typeof value === 'object' && typeof value.error === 'string')) {
    throw new Error(`corsica: WebKitWebDriver ${method} ${path}: ${value?.error ?? response.status}: ${value?.message ?? ''}`);
  }
  return answer.value;
}

/**
 * Starts Xvfb, the proxy and WebKitWebDriver, and opens one session in MiniBrowser. `close()`
 * ends the session and kills every process it started (by process group).
 */
export async function launchWebKitBrowser(options: WebKitOptions): Promise<WebKitBrowser> {
  const started: ChildProcess[] = [];
  const cleanup = (): void => started.forEach(killGroup);
  process.once('exit', cleanup);
  let proxy: Awaited<ReturnType<typeof startTestHostProxy>> | undefined;
  try {
    const xvfb = await startXvfb();
    started.push(xvfb.process);
    proxy = await startTestHostProxy(options.hosts);
    const port = await freePort();
    const driver = spawn(WEBKIT_PATHS.driver, [`--port=${port}`], { detached: true, stdio: 'ignore', env: { ...process.env, ...options.env, DISPLAY: xvfb.display } });
    started.push(driver);
    const watchdog = startWatchdog(started.flatMap((child) => (child.pid === undefined ? [] : [child.pid])));
    started.unshift(watchdog);
    const base = `http://127.0.0.1:${port}`;
    for (const deadline = Date.now() + 10_000; ; ) {
      try {
        await command(base, 'GET', '/status');
        break;
      } catch (error) {
        if (driver.exitCode !== null || Date.now() > deadline) throw new Error(`corsica: WebKitWebDriver did not start on port ${port}: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const args = ['--automation', `--proxy=http://127.0.0.1:${proxy.port}`, '--ignore-host=localhost', '--ignore-host=127.0.0.1'];
    if (options.cookiesPolicy !== undefined) args.push(`--cookies-policy=${options.cookiesPolicy}`);
    const created = (await command(base, 'POST', '/session', {
      capabilities: {
        alwaysMatch: {
          acceptInsecureCerts: true,
          timeouts: { script: 15_000, pageLoad: 15_000 },
          'webkitgtk:browserOptions': { binary: WEBKIT_PATHS.browser, args },
        },
      },
    })) as { sessionId: string; capabilities: { browserVersion?: string; acceptInsecureCerts?: boolean } };
    if (created.capabilities.acceptInsecureCerts !== true) throw new Error('corsica: WebKitWebDriver did not accept acceptInsecureCerts; the HTTPS scenarios cannot run');
    const session = `/session/${created.sessionId}`;
    const openProxy = proxy;
    return {
      version: created.capabilities.browserVersion ?? 'unknown',
      async goto(url) {
        await command(base, 'POST', `${session}/url`, { url });
        // the navigation command can answer before the page's module scripts have run
        for (const deadline = Date.now() + 5_000; ; await new Promise((resolve) => setTimeout(resolve, 20))) {
          const state = await command(base, 'POST', `${session}/execute/sync`, { script: 'return document.readyState', args: [] });
          if (state === 'complete') return;
          if (Date.now() > deadline) throw new Error(`corsica: WebKit did not finish loading ${url} within 5 s (readyState ${String(state)})`);
        }
      },
      evaluate: async <T>(expression: string) => {
        // the last argument of an async script is its callback; a rejection comes back as data
        const script = `const done = arguments[arguments.length - 1]; Promise.resolve().then(() => (${expression})).then((value) => done({ value }), (error) => done({ thrown: error instanceof Error ? error.name + ': ' + error.message : String(error) }));`;
        const result = (await command(base, 'POST', `${session}/execute/async`, { script, args: [] })) as { value?: T; thrown?: string };
        if (result.thrown !== undefined) throw new Error(`corsica: script failed in WebKit: ${result.thrown}`);
        return result.value as T;
      },
      deleteCookies: async () => void (await command(base, 'DELETE', `${session}/cookie`)),
      async close() {
        try {
          await command(base, 'DELETE', session);
        } catch {
          // the processes are killed below anyway
        }
        cleanup();
        process.off('exit', cleanup);
        await openProxy.close();
      },
    };
  } catch (error) {
    cleanup();
    process.off('exit', cleanup);
    await proxy?.close();
    throw error;
  }
}

/** MiniBrowser showing one page without WebDriver, its console written to standard output. */
export interface MiniBrowserRun {
  /** Everything MiniBrowser printed so far (one `CONSOLE ...` line per console message). */
  output(): string;
  /** Waits until the output contains `text`; throws with the output after `ms`. */
  waitFor(text: string, ms: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens `url` in MiniBrowser on a private Xvfb, with
 * `--enable-write-console-messages-to-stdout=true`, and collects what it prints: the only way
 * found to read WebKitGTK's console messages (the CORS errors in WebKit's words).
 */
export async function openMiniBrowser(url: string, args: readonly string[] = []): Promise<MiniBrowserRun> {
  const xvfb = await startXvfb();
  const browser = spawn(WEBKIT_PATHS.browser, ['--enable-write-console-messages-to-stdout=true', ...args, url], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DISPLAY: xvfb.display },
  });
  const watchdog = startWatchdog([xvfb.process.pid!, browser.pid!]);
  const started = [watchdog, browser, xvfb.process];
  const cleanup = (): void => started.forEach(killGroup);
  process.once('exit', cleanup);
  let text = '';
  browser.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  browser.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return {
    output: () => text,
    async waitFor(wanted, ms) {
      for (const deadline = Date.now() + ms; !text.includes(wanted); await new Promise((resolve) => setTimeout(resolve, 20))) {
        if (Date.now() > deadline) throw new Error(`corsica: MiniBrowser did not print ${JSON.stringify(wanted)} within ${ms} ms; it printed:\n${text}`);
      }
    },
    async close() {
      cleanup();
      process.off('exit', cleanup);
    },
  };
}
