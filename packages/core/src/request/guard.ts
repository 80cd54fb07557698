/**
 * The origin guard: the policy's allowlist enforced on the server, before the application runs,
 * for what CORS does not stop (cross-site form posts and `no-cors` requests, DNS rebinding,
 * cross-site WebSocket handshakes). The cross-origin check follows Go 1.25's
 * `CrossOriginProtection`: `Sec-Fetch-Site` first, then `Origin` against `Host`, then the
 * allowlist; a request with neither header is not from a browser.
 * @see https://pkg.go.dev/net/http#CrossOriginProtection
 * @see https://w3c.github.io/webappsec-fetch-metadata/#sec-fetch-site-header
 * @module
 */
import { DEBUG_HEADER } from '../spec.js';
import type { RejectedDecision, RequestFacts } from '../types.js';
import type { OriginRefused } from './classify.js';
import { oneValue } from './classify.js';
import { parseRequestOrigin } from './origin.js';

/** A `guard.hosts` entry after validation; `port` is `''` (none), digits, or `*`. */
export type HostEntry = { readonly kind: 'exact'; readonly host: string; readonly port: string } | { readonly kind: 'subdomain'; readonly suffix: string; readonly port: string };

/** Matches `Host` values against `guard.hosts`: one lookup for exact hosts, a scan of the (few) subdomain entries. */
export class HostMatcher {
  /** `host` or `host:port` */
  private readonly exact = new Set<string>();
  /** hosts listed with `:*` */
  private readonly anyPort = new Set<string>();
  private readonly subdomains: readonly Extract<HostEntry, { kind: 'subdomain' }>[];

  constructor(entries: readonly HostEntry[]) {
    for (const e of entries) {
      if (e.kind !== 'exact') continue;
      if (e.port === '*') this.anyPort.add(e.host);
      else this.exact.add(e.port === '' ? e.host : `${e.host}:${e.port}`);
    }
    this.subdomains = entries.filter((e): e is Extract<HostEntry, { kind: 'subdomain' }> => e.kind === 'subdomain');
  }

  /** Reports whether a `Host` value (any case) is listed. */
  allows(value: string): boolean {
    const host = value.toLowerCase();
    if (this.exact.has(host)) return true;
    // the port starts after the last colon, unless that colon is inside an IPv6 literal
    const colon = host.lastIndexOf(':');
    const hasPort = colon > host.lastIndexOf(']');
    const name = hasPort ? host.slice(0, colon) : host;
    const port = hasPort ? host.slice(colon + 1) : '';
    if (this.anyPort.has(name)) return true;
    for (const s of this.subdomains) {
      if ((s.port === '*' || s.port === port) && name.length > s.suffix.length && name.endsWith(s.suffix)) return true;
    }
    return false;
  }
}

/**
 * The guard as the request half reads it. `check` is {@link checkGuard} bound to it, so the
 * pipeline reaches the guard's code only through a policy that has one: requests of policies
 * without `guard` never load it.
 */
export interface CompiledGuard {
  readonly crossOrigin: 'unsafe' | 'all';
  readonly webSocket: boolean;
  readonly hosts: HostMatcher | undefined;
  readonly check: (req: RequestFacts, origin: string | undefined | OriginRefused, isPreflight: boolean) => GuardVerdict;
  /** The frozen 403 decision for a rejection; `vary` is the policy's, `debug` adds the reason header. */
  readonly rejected: (kind: RejectedDecision['kind'], reason: RejectedDecision['reason'], vary: readonly string[], debug: boolean) => RejectedDecision;
}

const EMPTY: Readonly<Record<string, string>> = Object.freeze({});

/** Builds {@link CompiledGuard.rejected}: each decision once per kind, reason and debug switch. */
export function rejections(): CompiledGuard['rejected'] {
  const built = new Map<string, RejectedDecision>();
  return (kind, reason, vary, debug) => {
    const key = `${kind}|${reason}|${debug}`;
    let d = built.get(key);
    if (d === undefined) {
      const body = reason === 'host-not-allowed' ? 'Forbidden: this server does not answer to that Host.\n' : reason === 'internal-error' ? 'Forbidden: the request could not be checked.\n' : 'Forbidden: cross-origin request rejected.\n';
      const headers = debug ? Object.freeze({ [DEBUG_HEADER]: reason }) : EMPTY;
      d = Object.freeze({ kind, allowed: false, reason, status: 403, body, headers, vary });
      built.set(key, d);
    }
    return d;
  };
}

/** What the guard says before the allowlist is consulted. */
export type GuardVerdict = 'pass' | 'host-not-allowed' | 'cross-origin-rejected' | 'origin-decides';

/** Methods the guard leaves alone in `'unsafe'` mode. */
function isSafeMethod(method: unknown): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

/** Reports whether the request is a WebSocket handshake (`Upgrade: websocket`, any case). */
export function isWebSocketHandshake(req: RequestFacts): boolean {
  const upgrade = oneValue(req.upgrade);
  return typeof upgrade === 'string' && upgrade.toLowerCase() === 'websocket';
}

/**
 * The guard's checks, in order: `Host` against `hosts`; then, for the requests it covers (not
 * preflights, which CORS answers), `Sec-Fetch-Site`, then `Origin` against `Host`. Says
 * `'origin-decides'` when only the allowlist can tell (the caller then checks the origin).
 */
export function checkGuard(guard: CompiledGuard, req: RequestFacts, origin: string | undefined | OriginRefused, isPreflight: boolean): GuardVerdict {
  const host = oneValue(req.host);
  if (guard.hosts !== undefined && (typeof host !== 'string' || !guard.hosts.allows(host))) return 'host-not-allowed';
  if (isPreflight) return 'pass';
  if (guard.crossOrigin === 'unsafe' && isSafeMethod(req.method) && !(guard.webSocket && isWebSocketHandshake(req))) return 'pass';
  const site = oneValue(req.secFetchSite);
  if (site !== undefined && site !== '') {
    if (site === 'same-origin' || site === 'none') return 'pass';
    return typeof origin === 'string' ? 'origin-decides' : 'cross-origin-rejected';
  }
  if (origin === undefined) return 'pass'; // neither header: not a browser (curl, server to server)
  if (typeof origin !== 'string') return 'cross-origin-rejected';
  if (typeof host === 'string' && isSameHost(origin, host)) return 'pass';
  return 'origin-decides';
}

/** Reports whether a serialized origin names the request's own host and port (default ports either way). */
function isSameHost(origin: string, host: string): boolean {
  const slashes = origin.indexOf('//');
  if (slashes < 0) return false;
  const authority = origin.slice(slashes + 2);
  const wanted = host.toLowerCase();
  // most cross-origin requests differ here already, without parsing the origin
  const extra = wanted.length - authority.length;
  if (extra !== 0 && extra !== 3 && extra !== 4) return false;
  if (!wanted.startsWith(authority)) return false;
  const parts = parseRequestOrigin(origin);
  if (parts === undefined) return false;
  if (extra === 0) return true;
  // an explicit default port in Host (`example.com:443`) names the same place as the origin without one
  const defaultPort = parts.scheme === 'https' || parts.scheme === 'wss' ? '443' : parts.scheme === 'http' || parts.scheme === 'ws' ? '80' : undefined;
  return parts.port === '' && defaultPort !== undefined && wanted === `${authority}:${defaultPort}`;
}
