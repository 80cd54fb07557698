/**
 * decide() with 100,000 live origins against 10: what a `@corsica/redis` replica holds after a
 * big tenant set arrives (the policy is reconfigured, as the replica does, not created with the
 * list). Allowed and denied requests, exact origins and in-label preview patterns, alternating
 * rounds; prints the medians and the ratio 100k / 10, writes bench/results/live-origins.json and
 * its section of docs/benchmarks.md. Run alone: `node bench/live-origins.mjs`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createPolicy } from '@corsica/core';
import { ROUNDS, timeAlternating } from './lib/measure.mjs';

const RESULT = fileURLToPath(new URL('./results/live-origins.json', import.meta.url));
const DOC = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
const BEGIN = '<!-- live-origins:begin (written by bench/live-origins.mjs; do not edit by hand) -->';
const END = '<!-- live-origins:end -->';

const BASE = { credentials: true, methods: ['GET', 'PUT'], onWarning: false };

/** `n` tenant origins, one in a hundred (and the last) a preview pattern (`https://pr-*.t<i>.example.com`). */
function origins(n) {
  return Array.from({ length: n }, (_, i) => (i % 100 === 99 || i === n - 1 ? `https://pr-*.t${i}.example.com` : `https://t${i}.example.com`));
}

function live(n) {
  const policy = createPolicy({ ...BASE, origin: ['https://seed.example.com'] });
  policy.reconfigure({ ...BASE, origin: origins(n) });
  return policy;
}

const small = live(10);
const big = live(100_000);
const requests = (n) => ({
  exact: { method: 'GET', origin: `https://t${Math.floor(n / 2)}.example.com` },
  pattern: { method: 'GET', origin: `https://pr-42.t${n - 1}.example.com` },
  denied: { method: 'GET', origin: 'https://evil.example.com' },
});
const rs = requests(10);
const rb = requests(100_000);
for (const kind of ['exact', 'pattern']) {
  if (!small.decide(rs[kind]).allowed || !big.decide(rb[kind]).allowed) throw new Error(`${kind} should be allowed`);
}

const subjects = ['exact', 'pattern', 'denied'].flatMap((kind) => [
  { id: `10-${kind}`, run: () => small.decide(rs[kind]) },
  { id: `100k-${kind}`, run: () => big.decide(rb[kind]) },
]);
const timed = await timeAlternating(subjects);
const rows = ['exact', 'pattern', 'denied'].map((kind) => {
  const a = timed[`10-${kind}`].ns;
  const b = timed[`100k-${kind}`].ns;
  return { kind, ns10: Math.round(a), ns100k: Math.round(b), ratio: Math.round((b / a) * 100) / 100 };
});
console.table(rows);
const run = { finishedAt: new Date().toISOString(), node: process.version, platform: `${platform()} ${arch()}`, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?', rounds: ROUNDS };
writeFileSync(RESULT, `${JSON.stringify({ run, rows }, null, 2)}\n`);

const label = { exact: 'allowed, exact origin', pattern: 'allowed, in-label pattern (`https://pr-*.tN.example.com`)', denied: 'denied (not listed)' };
const section = [
  BEGIN,
  '',
  `Run ${run.finishedAt}, Node ${run.node}, ${run.platform}, ${run.cpus} × ${run.cpuModel}; ${run.rounds} alternating rounds, median of medians. One origin in a hundred is an in-label pattern; the policies were reconfigured to their lists, as a \`@corsica/redis\` replica is.`,
  '',
  '| decide() | 10 live origins | 100,000 live origins | ratio |',
  '| :--- | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${label[r.kind]} | ${r.ns10} ns | ${r.ns100k} ns | ${r.ratio.toFixed(2)}× |`),
  '',
  END,
].join('\n');
const doc = readFileSync(DOC, 'utf8');
const from = doc.indexOf(BEGIN);
const to = doc.indexOf(END);
writeFileSync(DOC, from >= 0 && to > from ? doc.slice(0, from) + section + doc.slice(to + END.length) : `${doc.trimEnd()}\n\n### 5. Live origins (100,000 against 10)\n\n${section}\n`);
