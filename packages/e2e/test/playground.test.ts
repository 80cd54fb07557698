/**
 * The `npm run demo` playground, run as people run it: the real command (on the built packages),
 * its smoke mode, its signals and its errors, and its page driven in Chromium, which also takes
 * the README's screenshot (docs/playground.png).
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ADAPTER_NAMES } from '../playground/adapters.mjs';
import { launchChromium, missingEngine } from './support/browsers.js';
import type { ChromiumEngine } from './support/browsers.js';

const DEMO = fileURLToPath(new URL('../playground/demo.mjs', import.meta.url));
// The README's screenshot is refreshed on request (UPDATE_SCREENSHOT=1); ordinary runs write a
// temporary copy, so running the tests never leaves the working tree modified.
const SCREENSHOT = process.env.UPDATE_SCREENSHOT === '1'
  ? fileURLToPath(new URL('../../../docs/playground.png', import.meta.url))
  : join(tmpdir(), `corsica-playground-${process.pid}.png`);
/** A non-loopback IPv4 address of this machine, if it has one. */
const EXTERNAL_ADDRESS = Object.values(networkInterfaces())
  .flat()
  .find((address) => address !== undefined && address.family === 'IPv4' && !address.internal)?.address;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runDemo(args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [DEMO, ...args], { timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  readonly pageUrl: string;
  readonly apiUrl: string;
  readonly output: () => string;
  readonly exit: Promise<number | null>;
}

const started: ChildProcessWithoutNullStreams[] = [];

/** Starts the demo on free ports and resolves once it printed both addresses. */
function startDemo(args: readonly string[] = []): Promise<Running> {
  const child = spawn(process.execPath, [DEMO, '--port-page', '0', '--port-api', '0', ...args]);
  started.push(child);
  let output = '';
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const page = /Page\s+(http:\/\/\S+)/.exec(output);
      const api = /API\s+(http:\/\/\S+)/.exec(output);
      if (page?.[1] && api?.[1] && output.includes('Ctrl-C')) resolve({ child, pageUrl: page[1], apiUrl: api[1], output: () => output, exit });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exit.then((code) => reject(new Error(`the demo exited (${code}) before it was ready:\n${output}`)));
  });
}

afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

describe('npm run demo', () => {
  it.each(ADAPTER_NAMES)('--smoke starts the %s playground, gets an answer from each server, prints OK and exits 0', async (adapter) => {
    const run = await runDemo(['--smoke', '--no-open', '--adapter', adapter]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`/app/hello 200 \\(${adapter}\\), Access-Control-Allow-Origin: http://localhost:\\d+\\nOK\\n$`));
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('%s stops both servers and exits 0', async (signal) => {
    const demo = await startDemo();
    expect(demo.output()).toContain('Corsica playground, express adapter');
    expect((await fetch(`${demo.pageUrl.replace('localhost', '127.0.0.1')}/`)).status).toBe(200);
    demo.child.kill(signal);
    expect(await demo.exit).toBe(0);
    expect(demo.output()).toContain('stopped.');
    await expect(fetch(`${demo.apiUrl.replace('localhost', '127.0.0.1')}/`)).rejects.toThrow(TypeError);
  });

  it.skipIf(EXTERNAL_ADDRESS === undefined)(`listens on 127.0.0.1 only, not on this machine's other address (${EXTERNAL_ADDRESS})`, async () => {
    const demo = await startDemo();
    for (const url of [demo.pageUrl, demo.apiUrl]) {
      const { port } = new URL(url);
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
      await expect(fetch(`http://${EXTERNAL_ADDRESS}:${port}/`)).rejects.toThrow(TypeError);
    }
    demo.child.kill('SIGTERM');
    expect(await demo.exit).toBe(0);
  });

  it.each([
    ['an unknown adapter', ['--adapter', 'nest'], 'corsica: unknown --adapter "nest"; use one of express, fastify, hono, koa, fetch'],
    ['a port out of range', ['--port-api', '70000'], 'corsica: --port-api must be a port number from 0 to 65535, got "70000"'],
    ['an option it does not have', ['--open'], "corsica: Unknown option '--open'"],
  ] as const)('refuses %s with a message that says what to pass, and exits 2', async (_desc, args, message) => {
    const run = await runDemo(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('names the flag to change when a port is taken', async () => {
    const busy = http.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as AddressInfo;
    try {
      const run = await runDemo(['--port-page', '0', '--port-api', String(port)]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`corsica: port ${port} on 127.0.0.1 is in use; pass --port-api with another port, or --port-api 0 for any free one`);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });
});

const noChromium = missingEngine('chromium');
if (noChromium !== undefined) console.warn(noChromium);

describe.skipIf(noChromium !== undefined)('the playground page in Chromium', () => {
  let chromium: ChromiumEngine | undefined;

  afterAll(async () => {
    await chromium?.close();
  });

  it('shows a refused preflight, then a preflighted PUT with both requests and their explanations, and saves the screenshot', async () => {
    const demo = await startDemo();
    chromium ??= await launchChromium();
    const page = await chromium.context.newPage();
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.goto(demo.pageUrl);
    await expect.poll(() => page.textContent('#facts')).toContain('@corsica/express');

    await page.click('[data-example="header-denied"]');
    await page.waitForSelector('.outcome.blocked');
    expect(await page.textContent('#outcome')).toMatch(/Blocked fetch rejected: TypeError: Failed to fetch[\s\S]*explain\(\) predicted: blocked at the preflight\. The browser agrees\./);
    expect(await page.textContent('#wire')).toContain('The GET itself was never sent: the browser stopped after the preflight.');

    await page.click('[data-example="put-json"]');
    await page.waitForSelector('.outcome.readable');
    expect(await page.textContent('#outcome')).toMatch(/Readable The page read status 200[\s\S]*explain\(\) predicted: readable, status 200\. The browser agrees\./);
    const rows = await page.$$eval('.wire-row', (elements) => elements.map((element) => element.textContent ?? ''));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/Preflight OPTIONS \/app\/items\/42 204[\s\S]*Browser \(Chrome\): accepts the preflight, caches it for 600 s/);
    expect(rows[1]).toMatch(/Request PUT \/app\/items\/42 200[\s\S]*Browser \(Chrome\): lets the page read the response and the exposed headers \(X-Request-Id\)/);

    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    demo.child.kill('SIGINT');
    expect(await demo.exit).toBe(0);
  });

  it('shows a cross-site form POST running the handler without the guard, and stopped with 403 by the guard while the counter stays put', async () => {
    const demo = await startDemo();
    chromium ??= await launchChromium();
    const page = await chromium.context.newPage();
    await page.goto(demo.pageUrl);
    await expect.poll(() => page.textContent('#facts')).toContain('@corsica/express');

    await page.click('[data-example="form-post"]');
    await expect.poll(() => page.textContent('#outcome')).toMatch(/Reached the handler The form was submitted; the server answered 200\.[\s\S]*POST \/login reached the handler: \/app 0× · \/public 0× · \/locked 1× · \/guarded 0×/);

    await page.click('[data-example="form-post-guarded"]');
    await expect.poll(() => page.textContent('#outcome')).toMatch(/Stopped The form was submitted; the server answered 403\.[\s\S]*POST \/login reached the handler: \/app 0× · \/public 0× · \/locked 1× · \/guarded 0×/);
    expect(await page.textContent('#wire')).toMatch(/Request POST \/guarded\/login 403/);
    await page.close();
    demo.child.kill('SIGINT');
    expect(await demo.exit).toBe(0);
  });
});
