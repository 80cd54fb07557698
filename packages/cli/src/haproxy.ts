/**
 * `corsica export haproxy`: a policy turned into HAProxy (2.2 and later; verified on 2.6) rules
 * for a `frontend` (or `listen`) section, answering as the core would.
 *
 * How it works: ACLs read the request (exact origins are one `-m str` lookup, patterns anchored
 * PCRE regexes), `http-request set-var` records the decision in transaction variables,
 * `http-request return` answers preflights before any backend or authentication, and
 * `http-after-response` writes the headers: after-response rules run on every response,
 * including HAProxy's own (preflights, 503s), and can no longer read the request, so they only
 * read the variables.
 * @module
 */
import type { CorsOptions, Policy } from '@corsica/core';
import { PREFLIGHT_VARY, ProxyExportError, escapeRegExp, header, headerListRegExp, methodRegExp, planProxy, refusesAuthorization, ANY_ORIGIN } from './proxy.js';
import type { ProxyExportOptions, ProxySnippet } from './proxy.js';

/** A regex as a single-quoted HAProxy word (no escapes, no variables inside single quotes). */
function word(re: string): string {
  return `'${re.replace(/\\'/g, '\\x27').replace(/'/g, '\\x27')}'`;
}

/** A header value as a double-quoted log-format string. */
function quoted(value: string): string {
  return `"${value}"`;
}

function checkValue(value: string, option: string): string | undefined {
  // `$` starts an environment variable and `%` a log-format tag inside HAProxy's double quotes
  const bad = /[$%"\\]/.exec(value);
  return bad === null ? undefined : `corsica: \`${option}\` contains "${bad[0]}" (${value}), which HAProxy reads as configuration syntax; rename the method or header.`;
}

/**
 * Exports a policy (options or a compiled policy) to HAProxy rules to paste into the `frontend`
 * (or `listen`) section that receives the browsers' requests, before its `use_backend` lines.
 *
 * Throws {@link ProxyExportError} for what HAProxy cannot express: origin functions, RegExps
 * outside the common JavaScript/PCRE subset, `privateNetwork`, `mirrorRequestHeaders`,
 * `reportOnly`, and method or header names with `$`, `%`, `"` or `\`. Throws the core's
 * `CorsConfigError` for invalid options.
 *
 * @example
 * ```ts
 * import { exportHaproxy } from '@corsica/cli';
 *
 * const { config } = exportHaproxy({ origin: ['https://app.example.com'], credentials: true });
 * // paste `config` inside `frontend www { ... }`
 * ```
 */
export function exportHaproxy(input: CorsOptions | Policy, options: ProxyExportOptions = {}): ProxySnippet {
  const plan = planProxy('haproxy', input, checkValue);
  const out: string[] = [];
  const acl = (name: string, rest: string): void => void out.push(`acl corsica_${name.padEnd(16)} ${rest}`);

  out.push('# --- the request: Origin, exactly one line, no comma, not longer than any real origin');
  acl('has_origin', 'req.fhdr_cnt(origin) gt 0');
  acl('origin_one', 'req.fhdr_cnt(origin) eq 1');
  acl('origin_comma', 'req.fhdr(origin) -m sub ,');
  acl('origin_long', `req.fhdr(origin),length gt ${plan.maxOriginLength}`);
  if (plan.mode === 'any') {
    acl('origin_listed', 'req.fhdr(origin) -m found');
  } else {
    const plain = plan.origins.filter((o) => !/['"\\\s#$]/.test(o));
    const odd = plan.origins.filter((o) => !plain.includes(o));
    // exact origins: one lookup in a tree, whatever the length of the list
    if (plain.length > 0) acl('origin_listed', `req.fhdr(origin) -m str ${plain.join(' ')}`);
    for (const o of odd) acl('origin_listed', `req.fhdr(origin) -m reg ${word(`^${escapeRegExp(o)}$`)}`);
    for (const p of plan.patterns) {
      // PCRE: the default port (which browsers never send) is left out with a lookahead
      const re = p.exclude === undefined ? p.match : `(?!${p.exclude})${p.match}`;
      acl('origin_listed', `req.fhdr(origin) -m reg ${word(re)}  # ${p.pattern}`);
    }
    // the core applies RegExps to well-formed origins only; the lookahead does the same here
    for (const re of plan.regExps) acl('origin_listed', `req.fhdr(origin) -m reg ${word(`(?=^${ANY_ORIGIN}$)${re}`)}`);
  }
  out.push('# A preflight is OPTIONS with Origin and Access-Control-Request-Method; any other OPTIONS belongs to the app.');
  acl('preflight', 'method OPTIONS');
  acl('has_acrm', 'req.fhdr_cnt(access-control-request-method) gt 0');
  out.push('# Access-Control-Request-Method byte for byte; GET, HEAD and POST always pass.');
  acl('method_ok', plan.methods === '*' ? `req.fhdr(access-control-request-method) -m reg ${word(methodRegExp(plan))}` : `req.fhdr(access-control-request-method) -m str ${plan.methods.join(' ')}`);
  out.push('# Access-Control-Request-Headers: every line, any case, only allowed names, a bounded list.');
  acl('headers_bad', `req.fhdr(access-control-request-headers) -m reg -i ${word(`^(?!${headerListRegExp(plan).slice(1)})`)}`);
  acl('headers_bad', `req.hdr_cnt(access-control-request-headers) gt ${plan.maxHeaderElements}`);
  if (refusesAuthorization(plan)) {
    out.push('# "*" never covers Authorization: it must be listed by name.');
    acl('headers_bad', 'req.hdr(access-control-request-headers) -m str -i authorization');
  }
  acl('origin_ok', 'var(txn.corsica_origin) -m found');
  acl('kind_actual', 'var(txn.corsica_kind) -m str actual');
  acl('kind_allowed', 'var(txn.corsica_kind) -m str preflight-allowed');
  acl('kind_denied', 'var(txn.corsica_kind) -m str preflight-denied');
  out.push('');
  out.push('# --- the decision, kept in transaction variables for the response rules');
  out.push('http-request set-var(txn.corsica_origin) req.fhdr(origin) if corsica_has_origin corsica_origin_one !corsica_origin_comma !corsica_origin_long corsica_origin_listed');
  out.push('http-request set-var(txn.corsica_kind) str(actual) if !corsica_preflight || !corsica_has_origin || !corsica_has_acrm');
  out.push('http-request set-var(txn.corsica_kind) str(preflight-allowed) if !corsica_kind_actual corsica_origin_ok corsica_method_ok !corsica_headers_bad');
  out.push('http-request set-var(txn.corsica_kind) str(preflight-denied) if !corsica_kind_actual !corsica_kind_allowed');
  out.push('# Preflights are answered here, before any backend (and its authentication) runs.');
  out.push(`http-request return status ${plan.preflightStatus} if corsica_kind_allowed`);
  out.push('http-request return status 403 if corsica_kind_denied');
  out.push('');
  out.push('# --- the headers, on every response (the app\'s error pages and HAProxy\'s own answers too)');
  out.push('# The application must not send its own CORS headers: two values make browsers fail.');
  for (const h of plan.headerNamesSet) out.push(`http-after-response del-header ${h}`);
  // static policies ("*", one fixed origin) send the same headers on every response that is not a preflight
  const grantActual = plan.mode === 'dynamic' ? 'corsica_kind_actual corsica_origin_ok' : 'corsica_kind_actual';
  const value = (v: string | undefined): string => (v === undefined ? '%[var(txn.corsica_origin)]' : quoted(v));
  for (const [h, v] of plan.actual) out.push(`http-after-response set-header ${h} ${value(v)} if ${grantActual}`);
  for (const [h, v] of plan.preflight) out.push(`http-after-response set-header ${h} ${value(v)} if corsica_kind_allowed`);
  if (plan.mode === 'dynamic') {
    out.push('# The answer depends on Origin: caches must key on it, for every response that is not a preflight.');
    out.push('http-after-response add-header Vary Origin if corsica_kind_actual');
  }
  out.push(`http-after-response add-header Vary ${quoted(PREFLIGHT_VARY)} if corsica_kind_allowed || corsica_kind_denied`);

  const text = [
    ...header(options.source, 'haproxy', [
      'Corsica CORS policy for HAProxy 2.2 or later (uses http-after-response and http-request return).',
      'Paste these lines into the frontend (or listen) section that receives browser requests,',
      'before its use_backend / default_backend lines and before any authentication rule:',
      'preflights must be answered before authentication, because browsers never send credentials',
      'with them. It defines ACLs named corsica_* and the variables txn.corsica_origin and',
      'txn.corsica_kind.',
    ], plan.notes),
    '',
    ...out,
  ];
  return { config: `${text.join('\n')}\n`, notes: plan.notes };
}

export { ProxyExportError };
