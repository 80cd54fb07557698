/**
 * The `guard` option: which requests the origin guard checks, and the `Host` values served.
 * @module
 */
import type { HostEntry } from '../request/guard.js';
import { HostMatcher, checkGuard, rejections } from '../request/guard.js';
import { isHostLabelChar } from '../request/origin.js';
import type { GuardOptions, NormalizedConfig } from '../types.js';
import type { ProblemList } from './problems.js';
import { show } from './problems.js';
import { isPublicSuffixOrIp } from './public-suffix.js';
import type { CompiledGuard } from '../request/guard.js';

const GUARD_KEYS = new Set(['crossOrigin', 'hosts', 'webSocket']);

/** Hosts every local tool listens on: the `local` profile's `guard.hosts`. */
export const LOOPBACK_HOSTS: readonly string[] = Object.freeze(['localhost:*', '127.0.0.1:*', '[::1]:*']);

/** Validates `guard`; `undefined` when the guard is off. */
export function validateGuard(o: Record<string, unknown>, p: ProblemList): { readonly compiled: CompiledGuard; readonly normalized: NonNullable<NormalizedConfig['guard']> } | undefined {
  const raw = o.guard;
  if (raw === undefined || raw === false) return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    p.add('option.invalid-type', 'guard', `\`guard\` must be an object, got ${show(raw)}.`, 'Write `guard: {}` to check unsafe methods and WebSocket handshakes, or e.g. `guard: { crossOrigin: "all", hosts: ["api.example.com"] }`.');
    return undefined;
  }
  const g = raw as GuardOptions & Record<string, unknown>;
  for (const key of Object.keys(g)) {
    if (!GUARD_KEYS.has(key)) p.add('option.unknown', `guard.${key}`, `\`guard\` has no option \`${key}\`.`, 'Use `crossOrigin`, `hosts` and `webSocket`.');
  }
  const crossOrigin = g.crossOrigin ?? 'unsafe';
  if (crossOrigin !== 'unsafe' && crossOrigin !== 'all') {
    p.add('option.invalid-type', 'guard.crossOrigin', `\`guard.crossOrigin\` must be "unsafe" or "all", got ${show(crossOrigin)}.`, 'Write "unsafe" (every method but GET, HEAD and OPTIONS, and WebSocket handshakes) or "all" (every request).');
  }
  const webSocket = g.webSocket ?? true;
  if (typeof webSocket !== 'boolean') p.add('option.invalid-type', 'guard.webSocket', `\`guard.webSocket\` must be true or false, got ${show(webSocket)}.`, 'Leave it out (true) or write `webSocket: false`.');
  let hosts: HostEntry[] | undefined;
  if (g.hosts !== undefined) {
    if (!Array.isArray(g.hosts)) {
      p.add('option.invalid-type', 'guard.hosts', `\`guard.hosts\` must be a list of host names, got ${show(g.hosts)}.`, 'Write e.g. `hosts: ["api.example.com", "localhost:*"]`.');
    } else if (g.hosts.length === 0) {
      p.add('guard.empty-hosts', 'guard.hosts', '`guard.hosts` is an empty list, so every request would be rejected.', 'List the host names the server answers to, e.g. `hosts: ["api.example.com"]`, or leave `hosts` out.');
    } else {
      hosts = [];
      g.hosts.forEach((value, i) => {
        const entry = parseHostEntry(value, `guard.hosts[${i}]`, p);
        if (entry !== undefined) hosts!.push(entry);
      });
    }
  }
  const mode = crossOrigin === 'all' ? 'all' : 'unsafe';
  const ws = webSocket !== false;
  return {
    compiled: compiledGuard(mode, ws, hosts === undefined ? undefined : new HostMatcher(hosts)),
    normalized: Object.freeze({ crossOrigin: mode, webSocket: ws, hosts: Array.isArray(g.hosts) ? Object.freeze(g.hosts.map((h) => String(h).toLowerCase())) : undefined }),
  };
}

function compiledGuard(crossOrigin: 'unsafe' | 'all', webSocket: boolean, hosts: HostMatcher | undefined): CompiledGuard {
  const guard: CompiledGuard = Object.freeze({ crossOrigin, webSocket, hosts, check: (...args: Parameters<CompiledGuard['check']>) => checkGuard(guard, ...args), rejected: rejections() });
  return guard;
}

/**
 * One `guard.hosts` entry: `host`, `host:port`, `host:*`, `*.domain`, `*.domain:port` or
 * `*.domain:*`, where a host is a DNS name, an IPv4 address or a bracketed IPv6 address.
 */
function parseHostEntry(value: unknown, path: string, p: ProblemList): HostEntry | undefined {
  const bad = (why: string, fix: string): undefined => {
    p.add('guard.invalid-host', path, `\`${path}\` ${show(value)} ${why}`, fix);
    return undefined;
  };
  if (typeof value !== 'string' || value === '') return bad('is not a host name.', 'Write a host as the Host header carries it, e.g. "api.example.com" or "localhost:*".');
  const text = value.toLowerCase();
  if (text.includes('://') || text.includes('/')) {
    return bad('is a URL, not a host.', `Write only the host${text.includes('://') ? `, e.g. ${show(text.split('://')[1]!.split('/')[0]!)}` : ''}.`);
  }
  const colon = text.lastIndexOf(':');
  const hasPort = colon > text.lastIndexOf(']');
  const name = hasPort ? text.slice(0, colon) : text;
  const port = hasPort ? text.slice(colon + 1) : '';
  if (hasPort && port !== '*' && !/^[1-9]\d{0,4}$/.test(port)) return bad('has a port that is not a number from 1 to 65535 or "*".', 'Fix the port, or write ":*" for any port.');
  if (hasPort && port !== '*' && Number(port) > 65535) return bad('has a port above 65535.', 'Fix the port.');
  if (name.startsWith('[')) {
    let canonical = '';
    try {
      canonical = new URL(`http://${name}`).hostname;
    } catch {
      return bad('is not a valid IPv6 address.', 'Write it in brackets as the URL parser does, e.g. "[::1]:*".');
    }
    if (canonical !== name) return bad(`is not how the address is written in Host; write ${show(canonical)}.`, `Write ${show(`${canonical}${hasPort ? `:${port}` : ''}`)}.`);
    return { kind: 'exact', host: name, port };
  }
  const wildcard = name.startsWith('*.');
  const domain = wildcard ? name.slice(2) : name;
  const labels = domain.split('.');
  if (domain === '' || labels.some((l) => l === '' || ![...l].every((ch) => isHostLabelChar(ch.charCodeAt(0))))) {
    return bad('is not a host name: labels hold letters, digits, "-" and "_", and `*` may only be a whole first label.', 'Write e.g. "api.example.com", "*.example.com" or "localhost:*".');
  }
  if (wildcard) {
    if (isPublicSuffixOrIp(domain)) {
      p.add('guard.public-suffix-wildcard', path, `\`${path}\` ${show(value)} accepts every host under \`${domain}\`, which is a public suffix or an address: anyone can point a name under it at your server.`, `Name your own domain, e.g. "*.your-app.${domain}", or list the hosts.`);
      return undefined;
    }
    return { kind: 'subdomain', suffix: `.${domain}`, port };
  }
  return { kind: 'exact', host: domain, port };
}
