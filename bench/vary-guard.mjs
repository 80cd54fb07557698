/**
 * What the Vary guard (`keepVary`) costs a Node response by itself, hidden-class effects included:
 * real `http.ServerResponse` objects (no socket, so nothing is written) go through what an
 * Express answer does to them (the CORS headers, `Content-Type`, `Content-Length`, `writeHead`,
 * `end`), each mode in its own process so that Node's internal call sites only ever see that
 * mode's response shapes:
 * - `none`: no guard (as before);
 * - `guarded`: `keepVary` on every response;
 * - `mixed`: `keepVary` on every other response, the rest bare (routes without CORS, answers
 *   that do not depend on Origin): two shapes at every site that touches a response;
 * - `replaced-unguarded`: no guard, and the app replaces `Vary` (losing `Origin`, as before);
 * - `replaced`: guarded, and the app replaces `Vary` (the merge runs).
 * Each process reports the CPU time (user + system) per response, which other processes' load
 * on a shared machine disturbs less than wall time. Processes alternate mode by mode for
 * `BENCH_VARY_ROUNDS` rounds; each figure is the median.
 *
 *   node bench/vary-guard.mjs
 */
import { fork } from 'node:child_process';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { applyCorsHeaders, createPolicy } from '@corsica/core';
import { factsFromNodeRequest, keepVary } from '@corsica/core/adapter';
import * as fx from './lib/fixtures.mjs';
import { median } from './lib/measure.mjs';

const MODES = ['none', 'guarded', 'mixed', 'replaced-unguarded', 'replaced'];
const ROUNDS = Number(process.env.BENCH_VARY_ROUNDS ?? 9);
const CALLS = Number(process.env.BENCH_VARY_CALLS ?? 300_000);

function child(mode) {
  const policy = createPolicy(fx.corsicaOptions(10));
  const shape = fx.scenarioRequest('allowed actual', 10);
  const socket = new Socket();
  const request = new IncomingMessage(socket);
  request.method = shape.method;
  request.headers = { ...shape.headers };
  const decision = policy.decide(factsFromNodeRequest(request));
  let n = 0;
  const one = () => {
    const res = new ServerResponse(request);
    applyCorsHeaders(res, decision);
    if (mode === 'guarded' || mode === 'replaced' || (mode === 'mixed' && (n++ & 1) === 0)) keepVary(res, decision.vary);
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    if (mode === 'replaced' || mode === 'replaced-unguarded') res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('Content-Length', '2');
    res.writeHead(200);
    res.end();
    return res;
  };
  for (let i = 0; i < CALLS; i++) one();
  const t0 = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) one();
  const t = process.cpuUsage(t0);
  return ((t.user + t.system) * 1000) / CALLS;
}

if (process.env.BENCH_VARY_MODE) {
  process.send(child(process.env.BENCH_VARY_MODE), () => process.exit(0));
} else {
  const ns = Object.fromEntries(MODES.map((m) => [m, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const mode of r % 2 === 0 ? MODES : [...MODES].reverse()) {
      ns[mode].push(
        await new Promise((resolve, reject) => {
          const p = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, BENCH_VARY_MODE: mode } });
          p.on('message', resolve);
          p.on('exit', (code) => code !== 0 && reject(new Error(`${mode} exited with ${code}`)));
        }),
      );
    }
  }
  const base = median(ns.none);
  for (const mode of MODES) {
    const m = median(ns[mode]);
    // the same round's processes ran back to back, under the same load: compare within rounds
    const against = mode === 'replaced' ? ns['replaced-unguarded'] : ns.none;
    const diff = median(ns[mode].map((x, r) => x - against[r]));
    process.stdout.write(`${mode.padEnd(9)} ${m.toFixed(0).padStart(6)} ns/response (× none ${(m / base).toFixed(3)})  per-round difference from ${mode === 'replaced' ? 'replaced-unguarded' : 'none'}: median ${diff.toFixed(0)} ns  rounds ${ns[mode].map((x) => x.toFixed(0)).join(' ')}\n`);
  }
}
