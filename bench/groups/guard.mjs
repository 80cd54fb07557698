/**
 * Group 5: the origin guard's cost per request. The same policy (10 origins and the pattern) with
 * and without `guard`, on the requests the guard reads: a listed origin's POST, a same-origin POST
 * (Origin equal to Host), a browser POST with `Sec-Fetch-Site: same-origin`, a request with neither
 * header, a GET the guard leaves alone, with `hosts`, and the rejections. Alternating rounds; the
 * baseline is the policy without `guard` on the same request, in the same run.
 */
import { createPolicy } from '@corsica/core';
import * as fx from '../lib/fixtures.mjs';
import { timeAlternating } from '../lib/measure.mjs';

const SIZE = 10;
const HOST = 'api.example.com';

export async function run() {
  const plain = createPolicy(fx.corsicaOptions(SIZE));
  const guarded = createPolicy({ ...fx.corsicaOptions(SIZE), guard: {} });
  const hosted = createPolicy({ ...fx.corsicaOptions(SIZE), guard: { hosts: [HOST, '*.internal.example.com'] } });
  const listed = fx.allowedOrigin(SIZE);
  const cases = [
    { id: 'listed-post', label: 'POST from a listed origin', request: { method: 'POST', origin: listed, host: HOST } },
    { id: 'same-origin-post', label: 'POST, Origin equal to Host', request: { method: 'POST', origin: `https://${HOST}`, host: HOST } },
    { id: 'fetch-site-post', label: 'POST, Sec-Fetch-Site: same-origin', request: { method: 'POST', origin: `https://${HOST}`, host: HOST, secFetchSite: 'same-origin' } },
    { id: 'no-origin-post', label: 'POST with neither header (curl)', request: { method: 'POST', host: HOST } },
    { id: 'listed-get', label: 'GET from a listed origin (not checked)', request: { method: 'GET', origin: listed, host: HOST } },
    { id: 'unlisted-post', label: 'POST from an unlisted origin', request: { method: 'POST', origin: fx.DENIED_ORIGIN, host: HOST }, rejected: true },
    { id: 'cross-site-post', label: 'POST, Sec-Fetch-Site: cross-site, unlisted', request: { method: 'POST', origin: fx.DENIED_ORIGIN, host: HOST, secFetchSite: 'cross-site' }, rejected: true },
  ];
  const subjects = [];
  const sanity = [];
  for (const c of cases) {
    subjects.push({ id: `${c.id}:off`, run: () => plain.decide(c.request) });
    subjects.push({ id: `${c.id}:guard`, run: () => guarded.decide(c.request) });
    const status = guarded.decide(c.request).status;
    sanity.push({ subject: `corsica guard ${c.id}`, ok: c.rejected ? status === 403 : status === undefined });
  }
  const hostCase = { method: 'POST', origin: listed, host: HOST };
  subjects.push({ id: 'hosts-listed:off', run: () => plain.decide(hostCase) });
  subjects.push({ id: 'hosts-listed:guard', run: () => hosted.decide(hostCase) });
  const rebind = { method: 'POST', origin: listed, host: 'evil.example:3000' };
  subjects.push({ id: 'hosts-rebind:off', run: () => plain.decide(rebind) });
  subjects.push({ id: 'hosts-rebind:guard', run: () => hosted.decide(rebind) });
  sanity.push({ subject: 'corsica guard hosts-rebind', ok: hosted.decide(rebind).reason === 'host-not-allowed' });
  const labels = {
    ...Object.fromEntries(cases.map((c) => [c.id, c.label])),
    'hosts-listed': 'POST from a listed origin, guard.hosts listed',
    'hosts-rebind': 'POST under a rebinding Host, guard.hosts',
  };

  const timed = await timeAlternating(subjects);
  const rows = Object.entries(labels).map(([id, label]) => ({ id, label, off: timed[`${id}:off`], guard: timed[`${id}:guard`], rejected: id === 'hosts-rebind' || cases.some((c) => c.id === id && c.rejected) }));
  for (const r of rows) process.stderr.write(`  guard ${r.id.padEnd(17)} off ${r.off.ns.toFixed(0).padStart(5)} ns  guard ${r.guard.ns.toFixed(0).padStart(5)} ns\n`);
  return { rows, sanity };
}
