/**
 * A real nginx for tests: started unprivileged from a temporary prefix (its own pid file, logs and
 * temp paths), on a free 127.0.0.1 port, proxying to an upstream with an exported policy included.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acceptsConnections, freePort } from '@corsica/test-utils';
import type { NginxSnippet } from '../../src/nginx.js';

export { freePort } from '@corsica/test-utils';

/** The nginx binary, or `undefined` when it is not installed. */
export const NGINX: string | undefined = (() => {
  for (const candidate of ['nginx', '/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx']) {
    try {
      execFileSync(candidate, ['-v'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // not there; try the next one
    }
  }
  return undefined;
})();

/** The installed nginx version, e.g. `[1, 22, 1]` (`nginx -v` prints it on stderr). */
export function nginxVersion(): [number, number, number] {
  const text = spawnSync(NGINX!, ['-v'], { encoding: 'utf8' }).stderr;
  const m = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}



/** A running nginx. */
export interface RunningNginx {
  readonly baseUrl: string;
  /** The temporary prefix holding nginx.conf, the snippet files and the logs. */
  readonly dir: string;
  close(): Promise<void>;
}

/** Writes nginx.conf for the snippet; `nginx -t` on it is how tests check that nginx accepts the export. */
export function writeConfig(dir: string, snippet: NginxSnippet, port: number, upstreamPort: number): string {
  writeFileSync(join(dir, 'corsica.http.conf'), snippet.http);
  writeFileSync(join(dir, 'corsica.conf'), snippet.location);
  const conf = `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${dir}/corsica.http.conf;
  server {
    listen 127.0.0.1:${port};
    location / {
      include ${dir}/corsica.conf;
      proxy_pass http://127.0.0.1:${upstreamPort};
    }
  }
}
`;
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, conf);
  return file;
}

/** Runs `nginx -t` on a generated configuration; resolves with nginx's complaint, or `undefined` when it accepts it. */
export function checkConfig(snippet: NginxSnippet): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'corsica-nginx-t-'));
  try {
    const conf = writeConfig(dir, snippet, 1, 2);
    execFileSync(NGINX!, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log'), '-t', '-q'], { stdio: ['ignore', 'pipe', 'pipe'] });
    return undefined;
  } catch (error) {
    return String((error as { stderr?: Buffer }).stderr ?? error);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts nginx in front of `upstreamPort` with the snippet included in `location /`. */
export async function startNginx(snippet: NginxSnippet, upstreamPort: number): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'corsica-nginx-'));
  const port = await freePort();
  const conf = writeConfig(dir, snippet, port, upstreamPort);
  const child: ChildProcess = spawn(NGINX!, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + 10_000;
  while (!(await acceptsConnections(port))) {
    if (exited || Date.now() > deadline) {
      child.kill('SIGKILL');
      let log = '';
      try {
        log = readFileSync(join(dir, 'error.log'), 'utf8');
      } catch {
        // no log written
      }
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`nginx did not start on port ${port}:\n${stderr}\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    dir,
    close: async () => {
      if (!exited) {
        const gone = new Promise((r) => child.once('exit', r));
        // SIGQUIT: graceful stop of the master and its worker
        child.kill('SIGQUIT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await gone;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
