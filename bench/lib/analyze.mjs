/**
 * Turns raw group results into the published figures: every figure beside a ratio against a
 * baseline measured in the same run, and every target of issue 6 with its measured ratio.
 */
import { median, round3 } from './measure.mjs';

const r3 = (x) => (Number.isFinite(x) ? round3(x) : null);
const r1 = (x) => Math.round(x * 10) / 10;
const plural = (n) => `${n} origin${n === 1 ? '' : 's'}`;

/** Group 1 (core): baseline per cell is `cors` in its documented form (array). */
export function analyzeCore(raw) {
  const cells = new Map();
  for (const row of raw.rows) {
    const key = `${row.size}|${row.scenario}`;
    if (!cells.has(key)) cells.set(key, []);
    cells.get(key).push(row);
  }
  const rows = [];
  for (const cellRows of cells.values()) {
    const by = Object.fromEntries(cellRows.map((r) => [r.subject, r]));
    const baseline = by['cors-array'].ns;
    const corsica = by.corsica.ns;
    for (const r of cellRows) {
      rows.push({ size: r.size, scenario: r.scenario, subject: r.subject, label: r.label, ns: r1(r.ns), p25: r.p25, p75: r.p75, speedupVsCors: r3(baseline / r.ns), corsicaSpeedup: r3(r.ns / corsica) });
    }
  }
  return { baseline: 'cors (array form), same size and scenario, same run', rows };
}

/** Group 1 (Hono, Fastify): CORS share = app with CORS − the same app without, per cell. */
export function analyzeFrameworks(raw) {
  const rows = [];
  const cells = new Map();
  for (const row of raw.rows) {
    const key = `${row.framework}|${row.size}|${row.scenario}`;
    if (!cells.has(key)) cells.set(key, []);
    cells.get(key).push(row);
  }
  for (const cellRows of cells.values()) {
    const by = Object.fromEntries(cellRows.map((r) => [r.subject, r]));
    const base = by.base.ns;
    const share = (r) => Math.max(0, r.ns - base);
    for (const r of cellRows) {
      rows.push({
        framework: r.framework,
        size: r.size,
        scenario: r.scenario,
        subject: r.subject,
        label: r.label,
        ns: r1(r.ns),
        p25: r.p25,
        p75: r.p75,
        corsShareNs: r.subject === 'base' ? 0 : r1(share(r)),
        vsBase: r3(r.ns / base),
        nativeShareOverCorsicaShare: r.subject === 'corsica' && by.native ? r3(share(by.native) / Math.max(1, share(r))) : undefined,
      });
    }
  }
  return { baseline: 'the same app without CORS, same scenario, same run', rows };
}

export function analyzeAdversarial(raw) {
  const base = raw.rows.find((r) => r.id === 'baseline').ns;
  const rows = raw.rows.map((r) => ({ ...r, ns: r1(r.ns), vsBaseline: r3(r.ns / base), nsPerKB: r.kind === 'linear' ? r1(r.ns / (r.bytes / 1024)) : undefined }));
  return { baseline: 'an ordinary allowed preflight (2 request header names), same run', rows };
}

export function analyzeAsync(raw) {
  const base = raw.rows.find((r) => r.id === 'sync-static').ns;
  return { baseline: 'sync decide() on a static list of 1k origins, same run', rows: raw.rows.map((r) => ({ ...r, ns: r1(r.ns), vsBaseline: r3(r.ns / base) })), singleFlight: raw.singleFlight };
}

export function analyzeGuard(raw) {
  return {
    baseline: 'the same policy without `guard` on the same request, same run',
    rows: raw.rows.map((r) => ({ id: r.id, label: r.label, rejected: r.rejected, offNs: r1(r.off.ns), guardNs: r1(r.guard.ns), extraNs: r1(r.guard.ns - r.off.ns), vsBaseline: r3(r.guard.ns / r.off.ns) })),
  };
}

export function analyzeHttp(raw) {
  const rows = [];
  const cells = new Map();
  for (const row of raw.rows) {
    const key = `${row.framework}|${row.traffic}|${row.connections}`;
    if (!cells.has(key)) cells.set(key, []);
    cells.get(key).push(row);
  }
  for (const cellRows of cells.values()) {
    const by = Object.fromEntries(cellRows.map((r) => [r.variant, r]));
    // Runs of one round are back to back, so they share the machine's load at that moment: the
    // median of per-round ratios is steadier than a ratio of medians.
    const ratios = (r, base) => r.runs.map((rps, i) => rps / base.runs[i]);
    // CPU per request of the baseline over this server's: the throughput a CPU-bound server
    // would reach relative to the baseline, nearly blind to other processes' load
    const cpuRatios = (r, base) => r.cpuRuns.map((us, i) => base.cpuRuns[i] / us);
    for (const r of cellRows) {
      const vs = ratios(r, by.baseline);
      rows.push({
        ...r,
        vsBaseline: r3(median(vs)),
        vsBaselineRange: [r3(Math.min(...vs)), r3(Math.max(...vs))],
        vsNative: by.native ? r3(median(ratios(r, by.native))) : undefined,
        cpuVsBaseline: r.cpuRuns ? r3(median(cpuRatios(r, by.baseline))) : undefined,
        cpuVsNative: r.cpuRuns && by.native ? r3(median(cpuRatios(r, by.native))) : undefined,
      });
    }
  }
  return { baseline: 'the same app without CORS, same traffic and connections; ratios are medians of per-round ratios (runs back to back)', settings: raw.settings, rows };
}

function target(id, description, checks, format) {
  const met = checks.length > 0 && checks.every((c) => c.met);
  return { id, description, met, checks: checks.map((c) => ({ ...c, text: format(c) })) };
}

/** Every target of the brief, with the measured ratio of each case it covers. */
export function targets(groups) {
  const out = [];
  const core = groups.core?.rows ?? [];
  const cell = (size, scenario, subject) => core.find((r) => r.size === size && r.scenario === scenario && r.subject === subject);
  const sizes = [...new Set(core.map((r) => r.size))];
  for (const [id, scenario, want] of [
    ['core-vs-cors-actual', 'allowed actual', 20],
    ['core-vs-cors-preflight', 'allowed preflight', 10],
  ]) {
    const checks = sizes.map((size) => {
      const corsica = cell(size, scenario, 'corsica').ns;
      const fastestCors = Math.min(cell(size, scenario, 'cors-array').ns, cell(size, scenario, 'cors-function').ns);
      const ratio = r3(fastestCors / corsica);
      // what writing the same headers with no decision at all would score: the harness's ceiling
      const floor = cell(size, scenario, 'floor');
      return { size, ratio, want, met: ratio >= want, ceiling: floor ? r3(fastestCors / floor.ns) : undefined };
    });
    out.push(target(id, `Corsica core >= ${want}x faster than cors (its faster form) on an ${scenario} request`, checks, (c) => `${plural(c.size)}: ${c.ratio}x${c.ceiling ? ` (writes alone: ${c.ceiling}x)` : ''}`));
  }
  if (sizes.includes(1) && sizes.includes(10000)) {
    const checks = [...new Set(core.map((r) => r.scenario))].map((scenario) => {
      const ratio = r3(cell(10000, scenario, 'corsica').ns / cell(1, scenario, 'corsica').ns);
      return { scenario, ratio, want: 1.2, met: ratio <= 1.2 };
    });
    out.push(target('core-scale', 'Corsica core with 10k origins within 1.2x of 1 origin', checks, (c) => `${c.scenario}: ${c.ratio}x`));
  }
  const adv = groups.adversarial?.rows ?? [];
  if (adv.length) {
    const get = (id) => adv.find((r) => r.id === id);
    const linear = adv.filter((r) => r.kind === 'linear' && r.id.startsWith('acrh')).sort((a, b) => a.bytes - b.bytes);
    const checks = [];
    for (let i = 1; i < linear.length; i++) {
      const a = linear[i - 1];
      const b = linear[i];
      const growth = r3(b.ns / a.ns);
      const sizeRatio = r3(b.bytes / a.bytes);
      // 25% slack for timer noise on a shared machine
      checks.push({ case: `${a.id} -> ${b.id}`, ratio: growth, want: sizeRatio, met: growth <= sizeRatio * 1.25 });
    }
    const flat = r3(get('acrh-200kb').ns / get('acrh-10kb').ns);
    checks.push({ case: 'acrh-10kb -> acrh-200kb (rejected unread)', ratio: flat, want: 1.5, met: flat <= 1.5 });
    const slowest = adv.reduce((m, r) => (r.ns > m.ns ? r : m));
    checks.push({ case: `slowest hostile input (${slowest.id})`, ratio: r3(slowest.ns / 1000), want: 1000, met: slowest.ns < 1e6, unit: 'us' });
    out.push(target('adversarial', 'Hostile inputs: time grows at most linearly below the caps, is flat above them, and stays in microseconds', checks, (c) => (c.unit === 'us' ? `${c.case}: ${c.ratio} us (< ${c.want} us)` : `${c.case}: time x${c.ratio} (limit x${c.want})`)));
  }
  const http = groups.http?.rows ?? [];
  if (http.length) {
    const corsica = http.filter((r) => r.variant === 'corsica');
    const cpuText = (x) => (x === undefined ? '' : ` (by CPU per request: ${(x * 100).toFixed(1)}%)`);
    out.push(target('http-vs-baseline', 'HTTP: Corsica >= 97% of the no-CORS baseline in every framework (throughput)', corsica.map((r) => ({ framework: r.framework, traffic: r.traffic, connections: r.connections, ratio: r.vsBaseline, cpu: r.cpuVsBaseline, want: 0.97, met: r.vsBaseline >= 0.97 })), (c) => `${c.framework} ${c.traffic} c=${c.connections}: ${(c.ratio * 100).toFixed(1)}%${cpuText(c.cpu)}`));
    const withNative = corsica.filter((r) => r.vsNative !== undefined);
    out.push(target('http-vs-native', 'HTTP: Corsica >= the native CORS plugin in every framework (throughput)', withNative.map((r) => ({ framework: r.framework, traffic: r.traffic, connections: r.connections, ratio: r.vsNative, cpu: r.cpuVsNative, want: 1, met: r.vsNative >= 1 })), (c) => `${c.framework} ${c.traffic} c=${c.connections}: ${c.ratio}x${c.cpu === undefined ? '' : ` (by CPU per request: ${c.cpu}x)`}`));
  }
  const flights = groups.async?.singleFlight ?? [];
  if (flights.length) {
    out.push(target('single-flight', 'Async resolver: 1,000 concurrent requests for one origin call the resolver once', flights.map((f) => ({ cache: f.cache, ratio: f.resolverCalls, want: 1, met: f.ok })), (c) => `cache ${c.cache ? 'on' : 'off'}: ${c.ratio} call(s)`));
  }
  return out;
}
