/**
 * Tables from `results/latest.json`, as Markdown: printed by `run.mjs` and written into
 * docs/benchmarks.md by `charts.mjs`, so no number is ever typed by hand.
 */

export function fmtNs(ns) {
  if (ns === undefined || ns === null) return '—';
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e4) return `${(ns / 1e3).toFixed(1)} µs`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${Math.round(ns)} ns`;
}

export function fmtRatio(x, digits = 2) {
  if (x === undefined || x === null) return '—';
  if (x >= 100) return `${Math.round(x)}×`;
  if (x >= 10) return `${x.toFixed(1)}×`;
  return `${x.toFixed(digits)}×`;
}

const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
const fmtPct = (x) => `${(x * 100).toFixed(1)}%`;
/** The spread of per-round ratios, so a reader sees how much the machine's load moved them. */
const fmtRange = (range) => (range ? `(${Math.round(range[0] * 100)}–${Math.round(range[1] * 100)})` : '');
const sizeLabel = (n) => (n >= 1000 ? `${n / 1000}k` : String(n));
const originsLabel = (n) => `${sizeLabel(n)} origin${n === 1 ? '' : 's'}`;

export function markdownTable(headers, rows, align) {
  const a = align ?? headers.map((_, i) => (i === 0 ? 'l' : 'r'));
  const sep = a.map((x) => (x === 'r' ? '---:' : x === 'c' ? ':---:' : ':---'));
  const line = (cells) => `| ${cells.map((c) => String(c).replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(headers), line(sep), ...rows.map(line)].join('\n');
}

export function machineTable(results) {
  const m = results.machine;
  const s = results.settings;
  return markdownTable(
    ['', ''],
    [
      ['CPU', `${m.cpu} (${m.cores} logical cores)`],
      ['Memory', `${m.memoryGB} GB`],
      ['Node.js', `${m.node} (V8 ${m.v8})`],
      ['OS', `${m.platform} ${m.release} ${m.arch}`],
      ['Load average when the run began', m.loadAverage.join(', ')],
      ['Run', runLine(results)],
      ['Core group', `subjects interleaved batch by batch (about 20 µs per batch), ${s.micro.coreRounds} rounds, median of batch means`],
      ['Hono and Fastify group', `apps interleaved batch by batch (32 requests per batch), ${s.micro.frameworkRounds} rounds, median of batch means`],
      ['Hostile-input and async groups', `mitata, ${s.micro.budgetMs} ms per measurement, ${s.micro.rounds} alternating rounds, median of medians`],
      ['HTTP settings', s.http ? `autocannon, ${s.http.seconds} s per run after ${s.http.warmupSeconds} s warm-up, ${s.http.repeats} alternating runs per figure (median), connections ${s.http.connections.join(' and ')}, ${s.http.allowlist} origins + pattern` : 'not run'],
    ],
    ['l', 'l'],
  );
}

/** When the figures were measured; names the groups kept from an earlier run, if any. */
function runLine(results) {
  const kept = Object.entries(results.groupRunAt ?? {}).filter(([group]) => !(group in (results.groupSeconds ?? {})));
  const line = `${results.generatedAt}, ${results.durationSeconds} s`;
  if (kept.length === 0) return `${line} in all`;
  const rerun = Object.keys(results.groupSeconds ?? {});
  return `${line} for ${rerun.join(', ') || 'no group'}; kept from earlier runs: ${kept.map(([group, at]) => `${group} (${at})`).join(', ')}`;
}

export function targetsTable(results) {
  return markdownTable(
    ['Target', 'Met?', 'Measured (ratio)'],
    results.targets.map((t) => [t.description, t.met ? '✅ met' : '❌ missed', t.checks.map((c) => `${c.met ? '' : '**'}${c.text}${c.met ? '' : '**'}`).join('; ')]),
    ['l', 'c', 'l'],
  );
}

export function coreTables(results) {
  const rows = results.groups.core?.rows ?? [];
  const sizes = [...new Set(rows.map((r) => r.size))];
  const scenarios = [...new Set(rows.map((r) => r.scenario))];
  const subjects = [...new Set(rows.map((r) => r.subject))];
  return scenarios.map((scenario) => {
    const body = subjects.map((subject) => {
      const label = rows.find((r) => r.subject === subject).label;
      return [
        label,
        ...sizes.map((size) => {
          const r = rows.find((x) => x.subject === subject && x.size === size && x.scenario === scenario);
          return r ? `${fmtRatio(r.speedupVsCors)} · ${fmtNs(r.ns)}` : '—';
        }),
      ];
    });
    return { title: scenario, table: markdownTable(['Library (speed vs cors · time per request)', ...sizes.map(originsLabel)], body) };
  });
}

/** The CORS share table of the `frameworks` group (Hono, Fastify) or the `builtin` one (the frameworks' own CORS). */
export function frameworksTable(results, group = 'frameworks') {
  const rows = results.groups[group]?.rows ?? [];
  const cells = [...new Set(rows.map((r) => `${r.framework}|${r.scenario}|${r.size}`))];
  const body = cells.map((key) => {
    const [framework, scenario, size] = key.split('|');
    const get = (subject) => rows.find((r) => r.framework === framework && r.scenario === scenario && String(r.size) === size && r.subject === subject);
    const base = get('base');
    const native = get('native');
    const corsica = get('corsica');
    return [
      framework,
      scenario,
      sizeLabel(Number(size)),
      fmtNs(base.ns),
      native ? `${group === 'builtin' ? `${native.label}: ` : ''}${fmtNs(native.corsShareNs)} (${fmtRatio(native.vsBase)} app)` : '—',
      corsica ? `${group === 'builtin' ? `${corsica.label}: ` : ''}${fmtNs(corsica.corsShareNs)} (${fmtRatio(corsica.vsBase)} app)` : '—',
      corsica?.nativeShareOverCorsicaShare !== undefined ? fmtRatio(corsica.nativeShareOverCorsicaShare) : '—',
    ];
  });
  return markdownTable(['Framework', 'Scenario', 'Origins', 'App without CORS', `${group === 'builtin' ? 'Framework\'s own CORS' : 'Native plugin'}: CORS share`, 'Corsica: CORS share', 'Native share / Corsica share'], body, ['l', 'l', 'r', 'r', 'r', 'r', 'r']);
}

export function adversarialTable(results) {
  const rows = results.groups.adversarial?.rows ?? [];
  return markdownTable(
    ['Input', 'Decision', 'Time', '× ordinary preflight', 'ns per KB read'],
    rows.map((r) => [r.label, `${r.allowed ? 'allowed' : 'denied'}: \`${r.reason}\``, fmtNs(r.ns), fmtRatio(r.vsBaseline), r.nsPerKB !== undefined ? fmtInt(r.nsPerKB) : 'not read (capped)']),
    ['l', 'l', 'r', 'r', 'r'],
  );
}

export function asyncTables(results) {
  const g = results.groups.async;
  if (!g) return [];
  return [
    markdownTable(['Case', 'Time', '× sync decide'], g.rows.map((r) => [r.label, fmtNs(r.ns), fmtRatio(r.vsBaseline)])),
    markdownTable(
      ['Origin cache', 'Concurrent decideAsync', 'Resolver calls', 'Allowed', 'Wall time', 'Single-flight'],
      g.singleFlight.map((f) => [f.cache ? 'on' : 'off', fmtInt(f.concurrent), String(f.resolverCalls), fmtInt(f.allowed), `${f.ms} ms`, f.ok ? '✅ one call' : '❌ FAILED']),
    ),
  ];
}

export function guardTable(results) {
  const g = results.groups.guard;
  if (!g) return undefined;
  return markdownTable(
    ['Request', 'Without guard', 'With guard', 'Difference', '× without'],
    g.rows.map((r) => [`${r.label}${r.rejected ? ' (rejected, 403)' : ''}`, fmtNs(r.offNs), fmtNs(r.guardNs), `${r.extraNs >= 0 ? '+' : '−'}${fmtNs(Math.abs(r.extraNs))}`, fmtRatio(r.vsBaseline)]),
    ['l', 'r', 'r', 'r', 'r'],
  );
}

export function httpTable(results) {
  const rows = results.groups.http?.rows ?? [];
  const cells = [...new Set(rows.map((r) => `${r.framework}|${r.traffic}|${r.connections}`))];
  const body = cells.map((key) => {
    const [framework, traffic, connections] = key.split('|');
    const get = (variant) => rows.find((r) => r.framework === framework && r.traffic === traffic && String(r.connections) === connections && r.variant === variant);
    const base = get('baseline');
    const native = get('native');
    const corsica = get('corsica');
    return [
      framework,
      traffic,
      connections,
      fmtInt(base.rps),
      native ? `${fmtPct(native.vsBaseline)} ${fmtRange(native.vsBaselineRange)} · ${fmtInt(native.rps)}` : '—',
      corsica ? `${fmtPct(corsica.vsBaseline)} ${fmtRange(corsica.vsBaselineRange)} · ${fmtInt(corsica.rps)}` : '—',
      corsica?.vsNative !== undefined ? fmtRatio(corsica.vsNative) : '—',
      base.cpuUsPerRequest !== undefined ? `${base.cpuUsPerRequest} · ${native ? native.cpuUsPerRequest : '—'} · ${corsica ? corsica.cpuUsPerRequest : '—'}` : '—',
      corsica?.cpuVsBaseline !== undefined ? fmtPct(corsica.cpuVsBaseline) : '—',
      corsica?.cpuVsNative !== undefined ? fmtRatio(corsica.cpuVsNative) : '—',
    ];
  });
  return markdownTable(
    ['Framework', 'Traffic', 'Conns', 'No CORS (req/s)', 'Native: % of no CORS (round range) · req/s', 'Corsica: % of no CORS (round range) · req/s', 'Corsica / native', 'Server CPU µs/request: no CORS · native · Corsica', 'Corsica by CPU: % of no CORS', 'Corsica / native by CPU'],
    body,
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
}

export function profileTables(results) {
  return (results.profiles ?? []).map((p) => {
    const parts = [];
    if (p.split) {
      parts.push(markdownTable(['Server CPU (busy time) spent in', 'Share'], p.split.map((s) => [s.owner, `${s.percent}%`])));
      parts.push('');
    }
    parts.push(markdownTable(['Function (self time)', 'Where', 'Share'], p.top.map((t) => [`\`${t.fn}\``, t.where, `${t.percent}%`]), ['l', 'l', 'r']));
    if (p.corsicaTop?.length) {
      parts.push('');
      parts.push(markdownTable(['Corsica function (self time)', 'Where', 'Share of server CPU'], p.corsicaTop.map((t) => [`\`${t.fn}\``, t.where, `${t.percent}%`]), ['l', 'l', 'r']));
    }
    return { title: p.split ? p.scenario : `Corsica core, ${p.scenario}, ${p.size} origin${p.size === 1 ? '' : 's'}`, table: parts.join('\n') };
  });
}

export function problemsList(results) {
  const lines = [];
  for (const m of results.missing ?? []) lines.push(`- left out: ${m}`);
  for (const s of results.sanityFailures ?? []) lines.push(`- sanity check failed: ${s.name}: ${s.problems.join('; ')}`);
  return lines;
}
