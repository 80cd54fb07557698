/**
 * Real nginx, Apache httpd, Caddy and HAProxy for tests: each started unprivileged from a temporary
 * directory (its own configuration, pid file, logs and data), on a free 127.0.0.1 port, in its own
 * process group, proxying to an upstream with an exported policy in front of it.
 *
 * When a server is missing the tests skip with the install command, except in CI (CI=true, or
 * CORSICA_REQUIRE_PROXIES=1 as `.ci/run` sets), where a missing server is a failure: `.ci/run`
 * installs all four.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NginxSnippet } from '../../src/nginx.js';
import type { ProxySnippet } from '../../src/proxy.js';
import { acceptsConnections, freePort } from '@corsica/test-utils';

export type ServerName = 'nginx' | 'apache' | 'caddy' | 'haproxy';

/** What an export gives each server: nginx's two parts (http {} and location {}), or one block. */
export type Snippet = ProxySnippet | NginxSnippet;

function find(candidates: readonly string[], versionArgs: readonly string[]): string | undefined {
  for (const candidate of candidates) {
    try {
      execFileSync(candidate, [...versionArgs], { stdio: 'ignore' });
      return candidate;
    } catch {
      // not there; try the next one
    }
  }
  return undefined;
}

/** The server binaries, `undefined` when not installed. */
export const BINARIES: Readonly<Record<ServerName, string | undefined>> = {
  nginx: find(['nginx', '/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'], ['-v']),
  apache: find(['apache2', '/usr/sbin/apache2', 'httpd', '/usr/sbin/httpd'], ['-v']),
  caddy: find(['caddy', '/usr/bin/caddy'], ['version']),
  haproxy: find(['haproxy', '/usr/sbin/haproxy'], ['-v']),
};

const PACKAGES: Readonly<Record<ServerName, string>> = { nginx: 'nginx', apache: 'apache2', caddy: 'caddy', haproxy: 'haproxy' };

/** The server's version line, e.g. "nginx/1.22.1", "Apache/2.4.62", "v2.6.2", "HAProxy 2.6.12". */
export function serverVersion(name: ServerName): string {
  const bin = BINARIES[name];
  if (bin === undefined) return 'missing';
  const r = spawnSync(bin, [name === 'caddy' ? 'version' : '-v'], { encoding: 'utf8' });
  const text = `${r.stdout}${r.stderr}`;
  const m = name === 'nginx' ? /nginx\/[\d.]+/.exec(text) : name === 'apache' ? /Apache\/[\d.]+/.exec(text) : name === 'haproxy' ? /HAProxy version [\d.]+/.exec(text) : /v?[\d.]+/.exec(text);
  return m ? m[0] : text.trim().split('\n')[0] ?? '';
}

/**
 * Whether the tests of `name` run. In CI a missing server throws (the run must fail, not skip);
 * elsewhere it prints why the tests are skipped and how to install the server.
 */
export function available(name: ServerName): boolean {
  if (BINARIES[name] !== undefined) return true;
  const message = `corsica: ${name} tests need the ${name} binary (install it with \`apt-get install -y ${PACKAGES[name]}\`).`;
  const required = process.env.CI === 'true' || process.env.CI === '1' || process.env.CORSICA_REQUIRE_PROXIES === '1';
  if (required) throw new Error(`${message} CI must run them: .ci/run installs it.`);
  console.warn(`${message} Skipped.`);
  return false;
}


/** A running server. */
export interface RunningServer {
  readonly baseUrl: string;
  readonly dir: string;
  close(): Promise<void>;
}

const APACHE_MODULES = ['mpm_event', 'authz_core', 'headers', 'setenvif', 'rewrite', 'proxy', 'proxy_http'];
const APACHE_AUTH_MODULES = ['auth_basic', 'authn_core', 'authn_file', 'authz_user'];

/** Options of the test configuration around the snippet. */
export interface ServerSetup {
  /**
   * Protect the app with HTTP Basic authentication, arranged the way the snippet's comments tell
   * users to (nginx: `auth_basic` in the location, after the include, whose preflight `return`
   * runs first; Apache: `Require` skipped for preflights in `<If>`; Caddy: `basicauth` in a route
   * after the import; HAProxy: `http-request auth` after the rules): preflights must still be
   * answered, everything else gets 401.
   */
  readonly auth?: boolean;
}

/** A bcrypt hash for Caddy's basicauth; the tests never send the password. */
const CADDY_HASH = '$2a$14$hNK5QekNaeQ0Vxoz93iZW.wiAOmU9/MQIsCymMKpE06bcs1gwRq3W';

/** The whole configuration each server runs: the snippet in front of `upstreamPort`. */
export function serverConfig(name: ServerName, dir: string, snippet: Snippet, port: number, upstreamPort: number, setup: ServerSetup = {}): { file: string; args: string[] } {
  if ('http' in snippet) {
    if (name !== 'nginx') throw new TypeError(`an nginx snippet cannot configure ${name}`);
    return nginxConfig(dir, snippet, port, upstreamPort, setup);
  }
  if (name === 'nginx') throw new TypeError('nginx needs the two parts of exportNginx()');
  const snippetFile = join(dir, name === 'caddy' ? 'corsica.caddy' : name === 'apache' ? 'corsica.conf' : 'corsica.cfg');
  writeFileSync(snippetFile, snippet.config);
  if (name === 'apache') {
    const conf = [
      `ServerRoot ${dir}`,
      `PidFile ${dir}/httpd.pid`,
      `ErrorLog ${dir}/error.log`,
      'LogLevel warn',
      `Listen 127.0.0.1:${port}`,
      'ServerName 127.0.0.1',
      ...[...APACHE_MODULES, ...(setup.auth ? APACHE_AUTH_MODULES : [])].map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`),
      'StartServers 1',
      'ServerLimit 1',
      'ThreadsPerChild 16',
      'MaxRequestWorkers 16',
      'MinSpareThreads 1',
      'MaxSpareThreads 16',
      'LimitRequestFieldSize 16384',
      `<VirtualHost 127.0.0.1:${port}>`,
      '  <Location "/">',
      `    Include ${snippetFile}`,
      ...(setup.auth
        ? [
            '    AuthType Basic',
            '    AuthName api',
            `    AuthUserFile ${dir}/htpasswd`,
            '    <If "%{REQUEST_METHOD} == \'OPTIONS\' && -n req_novary(\'Access-Control-Request-Method\')">',
            '      Require all granted',
            '    </If>',
            '    <Else>',
            '      Require valid-user',
            '    </Else>',
          ]
        : []),
      `    ProxyPass http://127.0.0.1:${upstreamPort}/`,
      '  </Location>',
      '</VirtualHost>',
      '',
    ].join('\n');
    const file = join(dir, 'httpd.conf');
    writeFileSync(file, conf);
    if (setup.auth) writeFileSync(join(dir, 'htpasswd'), '');
    return { file, args: ['-f', file, '-DFOREGROUND'] };
  }
  if (name === 'caddy') {
    const conf = [
      '{',
      '\tadmin off',
      '\tauto_https off',
      '\tlog {',
      `\t\toutput file ${dir}/caddy.log`,
      '\t\tlevel WARN',
      '\t}',
      '}',
      `http://127.0.0.1:${port} {`,
      // the site address alone would listen on every interface
      '\tbind 127.0.0.1',
      `\timport ${snippetFile}`,
      ...(setup.auth ? ['\troute {', `\t\tbasicauth {`, `\t\t\tuser ${CADDY_HASH}`, '\t\t}', `\t\treverse_proxy 127.0.0.1:${upstreamPort}`, '\t}'] : [`\treverse_proxy 127.0.0.1:${upstreamPort}`]),
      '}',
      '',
    ].join('\n');
    const file = join(dir, 'Caddyfile');
    writeFileSync(file, conf);
    return { file, args: ['run', '--config', file, '--adapter', 'caddyfile'] };
  }
  const indented = snippet.config
    .split('\n')
    .map((l) => (l === '' ? l : `  ${l}`))
    .join('\n');
  const conf = [
    ...(setup.auth ? ['userlist users', '  user user insecure-password never-sent'] : []),
    'global',
    '  maxconn 256',
    'defaults',
    '  mode http',
    // a refused connection is final here (the tests stop the app on purpose): no retry delay
    '  retries 0',
    '  timeout connect 5s',
    '  timeout client 30s',
    '  timeout server 30s',
    'frontend www',
    `  bind 127.0.0.1:${port}`,
    indented,
    ...(setup.auth ? ['  http-request auth realm api unless { http_auth(users) }'] : []),
    '  default_backend app',
    'backend app',
    `  server app 127.0.0.1:${upstreamPort}`,
    '',
  ].join('\n');
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, conf);
  return { file, args: ['-f', file, '-db'] };
}

function nginxConfig(dir: string, snippet: NginxSnippet, port: number, upstreamPort: number, setup: ServerSetup): { file: string; args: string[] } {
  writeFileSync(join(dir, 'corsica.http.conf'), snippet.http);
  writeFileSync(join(dir, 'corsica.conf'), snippet.location);
  const conf = [
    'worker_processes 1;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log warn;`,
    'events { worker_connections 256; }',
    'http {',
    `  access_log ${dir}/access.log;`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`),
    `  include ${dir}/corsica.http.conf;`,
    '  server {',
    `    listen 127.0.0.1:${port};`,
    '    location / {',
    `      include ${dir}/corsica.conf;`,
    ...(setup.auth ? ['      auth_basic api;', `      auth_basic_user_file ${dir}/htpasswd;`] : []),
    `      proxy_pass http://127.0.0.1:${upstreamPort};`,
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, conf);
  if (setup.auth) writeFileSync(join(dir, 'htpasswd'), '');
  return { file, args: ['-p', dir, '-c', file, '-e', join(dir, 'error.log'), '-g', 'daemon off;'] };
}

/** Asks the server whether it accepts the configuration; its complaint, or `undefined`. */
export function checkServerConfig(name: ServerName, snippet: Snippet): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), `corsica-${name}-t-`));
  try {
    const { file, args: runArgs } = serverConfig(name, dir, snippet, 1, 2);
    const args = name === 'nginx' ? [...runArgs.slice(0, 6), '-t', '-q'] : name === 'apache' ? ['-f', file, '-t'] : name === 'caddy' ? ['validate', '--config', file, '--adapter', 'caddyfile'] : ['-c', '-f', file];
    const r = spawnSync(BINARIES[name]!, args, { encoding: 'utf8', env: envFor(dir) });
    return r.status === 0 ? undefined : `${r.stdout}${r.stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function envFor(dir: string): NodeJS.ProcessEnv {
  // Caddy keeps its data and configuration under HOME / XDG_*: keep them in the temporary directory
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir };
}

/** Starts `name` in front of `upstreamPort` with the exported snippet; stops its whole process group on close. */
export async function startServer(name: ServerName, snippet: Snippet, upstreamPort: number, setup: ServerSetup = {}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), `corsica-${name}-`));
  const port = await freePort();
  const { args } = serverConfig(name, dir, snippet, port, upstreamPort, setup);
  return spawnServer(name, dir, args, port);
}

/**
 * Starts Caddy with a hand-written site block (what people write without Corsica) in front of
 * `upstreamPort`; `{upstream}` in `site` is replaced by the upstream's address.
 */
export async function startCaddySite(site: string, upstreamPort: number): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'corsica-caddy-site-'));
  const port = await freePort();
  const file = join(dir, 'Caddyfile');
  writeFileSync(file, `{\n\tadmin off\n\tauto_https off\n}\nhttp://127.0.0.1:${port} {\n\tbind 127.0.0.1\n${site.replaceAll('{upstream}', `127.0.0.1:${upstreamPort}`)}\n}\n`);
  return spawnServer('caddy', dir, ['run', '--config', file, '--adapter', 'caddyfile'], port);
}

async function spawnServer(name: ServerName, dir: string, args: readonly string[], port: number): Promise<RunningServer> {
  const child: ChildProcess = spawn(BINARIES[name]!, [...args], { stdio: ['ignore', 'ignore', 'pipe'], detached: true, env: envFor(dir) });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  const deadline = Date.now() + 15_000;
  while (!(await acceptsConnections(port))) {
    if (exited || Date.now() > deadline) {
      killGroup('SIGKILL');
      let log = '';
      for (const f of ['error.log', 'caddy.log']) {
        try {
          log += readFileSync(join(dir, f), 'utf8');
        } catch {
          // not written
        }
      }
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${name} did not start on port ${port}:\n${stderr}\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    dir,
    close: async () => {
      if (!exited) {
        const gone = new Promise((r) => child.once('exit', r));
        killGroup('SIGTERM');
        const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
        await gone;
        clearTimeout(timer);
        // apache's children may outlive the parent by a moment: make sure the group is gone
        killGroup('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
