/**
 * Timing. Two engines, both alternating the subjects being compared so that noise on a shared
 * 2-core machine hits every subject alike:
 * - `timeAlternating`: mitata measurements (bounded CPU time each) in alternating rounds, each
 *   figure the median of the rounds' medians. Used by the single-library groups.
 * - `timeInterleaved`: subjects take turns batch by batch, thousands of times. Used by the groups
 *   that compare many libraries (core, frameworks), where only fine interleaving keeps ratios
 *   steady under load.
 *
 * Each timed call builds its own fresh request/response objects (a few ns, the same for every
 * library, reported as the "harness" row): objects prepared ahead in batches would be promoted to
 * the old generation and make every header write pay a write barrier a real server never pays.
 */
import { do_not_optimize, measure } from 'mitata';

/** BENCH_QUICK=1 shortens everything for a smoke run. */
export const QUICK = process.env.BENCH_QUICK === '1';
/** Milliseconds of CPU per measurement. */
export const BUDGET_MS = Number(process.env.BENCH_MICRO_MS ?? (QUICK ? 15 : 25));
/**
 * Alternating rounds per subject. Many short rounds rather than a few long ones: on a 2-core
 * machine the other logical core's load comes and goes, and only fine interleaving spreads it
 * over every subject alike.
 */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 2 : 8));

/** Nanoseconds a sample should last: long next to the clock's cost, short next to the budget. */
const SAMPLE_NS = 20_000;

/**
 * Calls per mitata sample so that each sample lasts about SAMPLE_NS: mitata's fixed batch of
 * 4096 would make a 50 µs call take seconds to reach its minimum sample count, and small batches
 * of a 100 ns call would leave hundreds of thousands of samples to sort.
 */
async function batchFor(run, isAsync) {
  const n = 50;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) do_not_optimize(isAsync ? await run() : run());
  const perCall = Number(process.hrtime.bigint() - t0) / n;
  // a multiple of mitata's unroll of 4 (a batch below 4 would run nothing)
  return 4 * Math.max(1, Math.min(1024, Math.round(SAMPLE_NS / 4 / Math.max(perCall, 1))));
}

/*
 * `gc: false`: without --expose-gc, mitata "collects" before every measurement by allocating a
 * 1 GB Uint8Array, which costs about 100 ms each time; fine interleaving of many short rounds
 * spreads real collections over every subject instead.
 */

/** Median nanoseconds per call of `run()` (sync), over at least `budgetMs` of CPU time. */
export async function timeSync(run, budgetMs = BUDGET_MS, batch) {
  const batch_samples = batch ?? (await batchFor(run, false));
  const stats = await measure(() => do_not_optimize(run()), { min_cpu_time: budgetMs * 1e6, min_samples: 8, batch_samples, batch_threshold: Infinity, gc: false });
  return stats.p50;
}

/** The same for a `run()` returning a Promise, awaited inside the timed region. */
export async function timeAsync(run, budgetMs = BUDGET_MS, batch) {
  const batch_samples = batch ?? (await batchFor(run, true));
  const stats = await measure(async () => do_not_optimize(await run()), { min_cpu_time: budgetMs * 1e6, min_samples: 8, batch_samples, batch_threshold: Infinity, gc: false });
  return stats.p50;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Measures `subjects` (`{ id, run, async? }`) in `ROUNDS` alternating rounds.
 * Returns `{ [id]: { ns, rounds } }`, `ns` being the median over rounds.
 */
export async function timeAlternating(subjects, budgetMs = BUDGET_MS) {
  const rounds = Object.fromEntries(subjects.map((s) => [s.id, []]));
  const batches = {};
  for (const s of subjects) batches[s.id] = await batchFor(s.run, s.async);
  const reversed = [...subjects].reverse();
  for (let r = 0; r < ROUNDS; r++) {
    // forwards then backwards, so no subject always follows the same one
    for (const s of r % 2 === 0 ? subjects : reversed) {
      const ns = s.async ? await timeAsync(s.run, budgetMs, batches[s.id]) : await timeSync(s.run, budgetMs, batches[s.id]);
      rounds[s.id].push(ns);
    }
  }
  return Object.fromEntries(subjects.map((s) => [s.id, { ns: median(rounds[s.id]), rounds: rounds[s.id].map(round1) }]));
}

export function round1(x) {
  return Math.round(x * 10) / 10;
}

export function round3(x) {
  return Math.round(x * 1000) / 1000;
}

/** Rounds of `timeInterleaved` for framework round trips (tens of µs each) and for the core group (about 20 µs batches). */
export const FINE_ROUNDS = Number(process.env.BENCH_FINE_ROUNDS ?? (QUICK ? 10 : 100));
export const CORE_ROUNDS = Number(process.env.BENCH_CORE_ROUNDS ?? (QUICK ? 100 : 3000));
const FINE_BATCH = 32;

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))];
}

/**
 * For groups that compare many subjects: they take turns batch by batch (A, B, C, C, B, A, ...;
 * a batch lasts about 20 µs for sync subjects, 32 calls for async round trips), so load on the
 * other logical core, which comes and goes, and GC pauses land on every subject alike. A mitata
 * measurement per subject is too coarse to alternate this finely (each one also costs tens of
 * milliseconds to set up), so mitata is kept for the single-library groups.
 * Returns `{ [id]: { ns, p25, p75 } }`: median and quartiles of the per-call batch means.
 */
export async function timeInterleaved(subjects, rounds = FINE_ROUNDS, batch = FINE_BATCH) {
  const batches = {};
  for (const s of subjects) {
    if (s.async) for (let i = 0; i < 8 * batch; i++) do_not_optimize(await s.run());
    else for (let i = 0; i < 2000; i++) do_not_optimize(s.run());
    batches[s.id] = s.async ? batch : await batchFor(s.run, false);
  }
  const samples = Object.fromEntries(subjects.map((s) => [s.id, []]));
  const reversed = [...subjects].reverse();
  for (let r = 0; r < rounds; r++) {
    for (const s of r % 2 === 0 ? subjects : reversed) {
      const n = batches[s.id];
      const run = s.run;
      const t0 = process.hrtime.bigint();
      if (s.async) for (let i = 0; i < n; i++) do_not_optimize(await run());
      else for (let i = 0; i < n; i++) do_not_optimize(run());
      samples[s.id].push(Number(process.hrtime.bigint() - t0) / n);
    }
  }
  return Object.fromEntries(
    subjects.map((s) => {
      const sorted = samples[s.id].sort((a, b) => a - b);
      return [s.id, { ns: median(sorted), p25: round1(quantile(sorted, 0.25)), p75: round1(quantile(sorted, 0.75)) }];
    }),
  );
}
