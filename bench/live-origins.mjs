/**
 * decide() with 100,000 live origins against 10: what a `@corsica/redis` replica holds after a
 * big tenant set arrives (the policy is reconfigured, as the replica does, not created with the
 * list). Allowed and denied requests, exact origins and in-label preview patterns, alternating
 * rounds; prints the medians and the ratio 100k / 10. Run alone: `node bench/live-origins.mjs`.
 */
import { createPolicy } from '@corsica/core';
import { timeAlternating } from './lib/measure.mjs';

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
console.log(JSON.stringify(rows));
