/**
 * Group 2: hostile inputs. Corsica must stay linear (and in microseconds) below its caps, and
 * reject above them without reading the input. Every figure is a ratio against an ordinary
 * allowed preflight measured in the same rounds.
 */
import { applyCorsHeaders, createPolicy } from '@corsica/core';
import { factsFromNodeRequest, MAX_ORIGIN_LENGTH, MAX_REQUEST_HEADER_NAMES, MAX_REQUEST_HEADERS_LENGTH } from '@corsica/core/adapter';
import { FakeResponse, fakeRequest } from '../lib/fake.mjs';
import * as fx from '../lib/fixtures.mjs';
import { timeAlternating } from '../lib/measure.mjs';

/** Allowed names a real client could list; ACRH built from them passes, so it is read in full. */
const NAMES = ['accept-version', 'authorization', 'content-type', 'if-match', 'x-api-key', 'x-client', 'x-correlation-id', 'x-csrf-token', 'x-request-id', 'x-requested-with', 'x-tenant', 'x-trace'];

/** A comma-joined list of allowed names, cycling through NAMES, of about `bytes` bytes. */
function allowedList(bytes) {
  const out = [];
  let length = -1;
  for (let i = 0; length < bytes; i++) {
    const name = NAMES[i % NAMES.length];
    out.push(name);
    length += name.length + 1;
  }
  return out;
}

function preflight(origin, requestHeaders) {
  return {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'PUT', ...(requestHeaders === undefined ? {} : { 'access-control-request-headers': requestHeaders }) },
  };
}

export async function run() {
  const policy = createPolicy({ ...fx.corsicaOptions(10), allowedHeaders: NAMES });
  const origin = fx.allowedOrigin(10);
  const kb = (n) => `${(n / 1024).toFixed(n < 1024 ? 2 : 0)} KB`;

  // Below the caps: full reads, sizes growing 1 : 2 : 4 (the names cap bounds the longest).
  const small = allowedList(256);
  const onek = allowedList(1024).slice(0, 80);
  const longest = Array.from({ length: MAX_REQUEST_HEADER_NAMES }, (_, i) => NAMES[i % NAMES.length]);
  const tenKb = 'x-padding-header-name,'.repeat(Math.ceil(10240 / 22)).slice(0, 10240);
  const big = 'a,'.repeat(100 * 1024);
  const tenThousand = Array.from({ length: 10000 }, (_, i) => `x-h${i}`);
  const longOrigin = `https://${'a'.repeat(64 * 1024 - 20)}.example.com`;
  const capOrigin = `https://${'a'.repeat(MAX_ORIGIN_LENGTH - 20)}.example.com`.slice(0, MAX_ORIGIN_LENGTH);

  const cases = [
    { id: 'baseline', label: 'ordinary preflight (2 names)', shape: preflight(origin, fx.PREFLIGHT_HEADERS), bytes: fx.PREFLIGHT_HEADERS.length, kind: 'baseline' },
    { id: 'acrh-256b', label: `ACRH ${small.length} allowed names (${small.join(',').length} B), read in full`, shape: preflight(origin, small.join(',')), bytes: small.join(',').length, kind: 'linear' },
    { id: 'acrh-1kb', label: `ACRH ${onek.length} allowed names (${kb(onek.join(',').length)}), read in full`, shape: preflight(origin, onek.join(',')), bytes: onek.join(',').length, kind: 'linear' },
    { id: 'acrh-max-names', label: `ACRH ${longest.length} allowed names (the names cap, ${kb(longest.join(',').length)})`, shape: preflight(origin, longest.join(',')), bytes: longest.join(',').length, kind: 'linear' },
    { id: 'acrh-too-many', label: `ACRH ${MAX_REQUEST_HEADER_NAMES + 1} names: rejected at name ${MAX_REQUEST_HEADER_NAMES + 1}`, shape: preflight(origin, [...longest, 'x-trace'].join(',')), bytes: [...longest, 'x-trace'].join(',').length, kind: 'capped' },
    { id: 'acrh-denied-first', label: 'ACRH 1 KB whose first name is not allowed', shape: preflight(origin, ['x-evil', ...onek].join(',')), bytes: ['x-evil', ...onek].join(',').length, kind: 'capped' },
    { id: 'acrh-10kb', label: `ACRH 10 KB (over the ${kb(MAX_REQUEST_HEADERS_LENGTH)} cap)`, shape: preflight(origin, tenKb), bytes: tenKb.length, kind: 'capped' },
    { id: 'acrh-200kb', label: 'ACRH 200 KB', shape: preflight(origin, big), bytes: big.length, kind: 'capped' },
    { id: 'acrh-10k-names', label: `ACRH 10k names in one line (${kb(tenThousand.join(',').length)})`, shape: preflight(origin, tenThousand.join(',')), bytes: tenThousand.join(',').length, kind: 'capped' },
    { id: 'acrh-10k-lines', label: 'ACRH 10k names as 10k header lines', shape: preflight(origin, tenThousand), bytes: tenThousand.join(',').length, kind: 'capped' },
    { id: 'origin-cap', label: `Origin of ${kb(capOrigin.length)} (at the cap, parsed)`, shape: { method: 'GET', headers: { origin: capOrigin } }, bytes: capOrigin.length, kind: 'linear' },
    { id: 'origin-64kb', label: 'Origin of 64 KB', shape: { method: 'GET', headers: { origin: longOrigin } }, bytes: longOrigin.length, kind: 'capped' },
    { id: 'origin-100-lines', label: '100 Origin header lines', shape: { method: 'GET', headers: { origin: Array.from({ length: 100 }, () => origin) } }, bytes: 100 * origin.length, kind: 'capped' },
    { id: 'origin-joined', label: '2 origins comma-joined in one line', shape: { method: 'GET', headers: { origin: `${origin}, ${fx.DENIED_ORIGIN}` } }, bytes: origin.length + 2 + fx.DENIED_ORIGIN.length, kind: 'capped' },
  ];

  const subjects = cases.map((c) => ({
    id: c.id,
    run: () => {
      const res = new FakeResponse();
      const decision = policy.decide(factsFromNodeRequest(fakeRequest(c.shape)));
      applyCorsHeaders(res, decision);
      return res;
    },
  }));
  const timed = await timeAlternating(subjects);
  const rows = cases.map((c) => {
    const decision = policy.decide(factsFromNodeRequest(fakeRequest(c.shape)));
    return { id: c.id, label: c.label, bytes: c.bytes, kind: c.kind, reason: decision.reason, allowed: decision.allowed, ...timed[c.id] };
  });
  for (const r of rows) process.stderr.write(`  adversarial ${r.id.padEnd(18)} ${r.ns.toFixed(0).padStart(7)} ns  ${r.reason}\n`);
  return { rows };
}
