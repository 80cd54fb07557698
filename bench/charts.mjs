/**
 * Charts and tables from `results/latest.json`: hand-rolled SVG bar charts written to
 * docs/benchmarks/*.svg, and the generated region of docs/benchmarks.md (between the
 * `bench:generated` markers) rewritten with the tables. No dependency, no hand-typed number.
 *
 *   node bench/charts.mjs [path/to/results.json]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as report from './lib/report.mjs';

const DOCS = fileURLToPath(new URL('../docs/', import.meta.url));
const CHARTS = `${DOCS}benchmarks/`;
const BEGIN = '<!-- bench:generated:begin (written by bench/charts.mjs from bench/results/latest.json; do not edit by hand) -->';
const END = '<!-- bench:generated:end -->';

const COLORS = { corsica: '#0f766e', peer: '#c2410c', peerAlt: '#f59e0b', base: '#64748b' };
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

const esc = (s) => String(s).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** Short bar labels for the subjects of the micro groups. */
const SHORT = {
  floor: 'floor (writes only)',
  corsica: 'Corsica core',
  'cors-array': 'cors (array)',
  'cors-function': 'cors (function)',
  'koa-cors': '@koa/cors',
  'corsica-express': '@corsica/express',
  'corsica-koa': '@corsica/koa',
};

function colorOf(id) {
  if (id.includes('corsica')) return COLORS.corsica;
  if (id === 'base' || id === 'baseline' || id === 'harness' || id === 'floor' || id.startsWith('sync')) return COLORS.base;
  if (id.includes('function')) return COLORS.peerAlt;
  return COLORS.peer;
}

/**
 * A grid of panels; each panel has titled sections of labelled horizontal bars.
 * `scale` is 'log' (values > 0) or 'linear' (from 0); `refs` draws vertical reference lines.
 */
function chart({ title, subtitle, panels, columns = 1, scale = 'linear', tick, refs = [], labelWidth = 150, barWidth = 230, textWidth = 150 }) {
  const BAR = 13;
  const GAP = 3;
  const SECTION = 20;
  const PANEL_TITLE = 22;
  const PAD = 14;
  const panelWidth = labelWidth + barWidth + textWidth;
  const values = panels.flatMap((p) => p.sections.flatMap((s) => s.bars.flatMap((b) => [b.value, ...(b.range ?? [])]))).filter((v) => Number.isFinite(v) && (scale !== 'log' || v > 0));
  let lo = 0;
  let hi = Math.max(...values, ...refs.map((r) => r.value)) * 1.05;
  if (scale === 'log') {
    lo = 10 ** Math.floor(Math.log10(Math.min(...values)));
    hi = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  }
  const x = (v) => {
    if (scale === 'log') return (barWidth * (Math.log10(Math.max(v, lo)) - Math.log10(lo))) / (Math.log10(hi) - Math.log10(lo));
    return (barWidth * (v - lo)) / (hi - lo);
  };
  const ticks = [];
  if (scale === 'log') for (let v = lo; v <= hi * 1.0001; v *= 10) ticks.push(v);
  else {
    // about one tick per 55 px, so labels never collide
    const step = tick ?? niceStep(hi / Math.max(2, Math.floor(barWidth / 55)));
    for (let v = 0; v <= hi; v += step) ticks.push(v);
  }

  const panelHeight = (p) => PANEL_TITLE + p.sections.reduce((h, s) => h + (s.title ? SECTION : 4) + s.bars.length * (BAR + GAP), 0) + 22;
  const rows = [];
  for (let i = 0; i < panels.length; i += columns) rows.push(panels.slice(i, i + columns));
  const rowHeights = rows.map((r) => Math.max(...r.map(panelHeight)));
  const subtitles = subtitle === undefined ? [] : Array.isArray(subtitle) ? subtitle : [subtitle];
  const headerHeight = 34 + subtitles.length * 15;
  const width = PAD * 2 + columns * panelWidth + (columns - 1) * 24;
  const height = headerHeight + rowHeights.reduce((a, b) => a + b + 12, 0) + PAD;

  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="11" role="img" aria-label="${esc(title)}">`);
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(`<text x="${PAD}" y="22" font-size="15" font-weight="600" fill="#0f172a">${esc(title)}</text>`);
  subtitles.forEach((line, i) => {
    out.push(`<text x="${PAD}" y="${40 + i * 15}" fill="#475569">${esc(line)}</text>`);
  });
  let top = headerHeight;
  rows.forEach((row, ri) => {
    row.forEach((panel, ci) => {
      const left = PAD + ci * (panelWidth + 24);
      const barLeft = left + labelWidth;
      let y = top;
      if (panel.title) out.push(`<text x="${left}" y="${y + 14}" font-size="12.5" font-weight="600" fill="#0f172a">${esc(panel.title)}</text>`);
      y += PANEL_TITLE;
      const gridTop = y;
      const bodyHeight = panelHeight(panel) - PANEL_TITLE - 22;
      for (const t of ticks) {
        const tx = barLeft + x(t);
        out.push(`<line x1="${tx.toFixed(1)}" y1="${gridTop}" x2="${tx.toFixed(1)}" y2="${gridTop + bodyHeight}" stroke="#e2e8f0"/>`);
        out.push(`<text x="${tx.toFixed(1)}" y="${gridTop + bodyHeight + 13}" text-anchor="middle" fill="#64748b" font-size="9.5">${esc(panel.tickLabel ? panel.tickLabel(t) : t)}</text>`);
      }
      for (const r of refs) {
        const rx = barLeft + x(r.value);
        out.push(`<line x1="${rx.toFixed(1)}" y1="${gridTop}" x2="${rx.toFixed(1)}" y2="${gridTop + bodyHeight}" stroke="${r.color ?? '#0f172a'}" stroke-dasharray="4 3"/>`);
        out.push(`<text x="${(rx + 3).toFixed(1)}" y="${gridTop + 9}" fill="${r.color ?? '#0f172a'}" font-size="9.5">${esc(r.label)}</text>`);
      }
      for (const section of panel.sections) {
        if (section.title) {
          out.push(`<text x="${left}" y="${y + 14}" font-weight="600" fill="#334155">${esc(section.title)}</text>`);
          y += SECTION;
        } else y += 4;
        for (const bar of section.bars) {
          const w = Number.isFinite(bar.value) ? Math.max(1, x(bar.value)) : 0;
          out.push(`<text x="${barLeft - 6}" y="${y + BAR - 3}" text-anchor="end" fill="#1e293b">${esc(bar.label)}</text>`);
          out.push(`<rect x="${barLeft}" y="${y}" width="${w.toFixed(1)}" height="${BAR}" rx="2" fill="${bar.color}"/>`);
          if (bar.range) {
            // whisker: the spread of the per-round values behind the median
            const [a, b] = bar.range.map((v) => (barLeft + x(v)).toFixed(1));
            const mid = (y + BAR / 2).toFixed(1);
            out.push(`<path d="M${a} ${mid}H${b}M${a} ${y + 3}V${y + BAR - 3}M${b} ${y + 3}V${y + BAR - 3}" stroke="#0f172a" stroke-width="1" fill="none" opacity="0.7"/>`);
          }
          const textX = barLeft + Math.max(w, bar.range ? x(bar.range[1]) : 0) + 4;
          out.push(`<text x="${textX.toFixed(1)}" y="${y + BAR - 3}" fill="#0f172a">${esc(bar.text)}</text>`);
          y += BAR + GAP;
        }
      }
    });
    top += rowHeights[ri] + 12;
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function niceStep(raw) {
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

const sizeLabel = (n) => (n >= 1000 ? `${n / 1000}k` : String(n));

/** Axis ticks: round values, so no decimals. */
function tickNs(v) {
  const n = (x) => String(Math.round(x * 100) / 100);
  if (v >= 1e6) return `${n(v / 1e6)} ms`;
  if (v >= 1e3) return `${n(v / 1e3)} µs`;
  return `${n(v)} ns`;
}

function coreChart(results) {
  const rows = (results.groups.core?.rows ?? []).filter((r) => r.subject !== 'harness');
  if (!rows.length) return undefined;
  const scenarios = [...new Set(rows.map((r) => r.scenario))];
  const sizes = [...new Set(rows.map((r) => r.size))];
  const subjects = [...new Set(rows.map((r) => r.subject))];
  return chart({
    title: 'Decide + write headers, per request (log scale; shorter is faster)',
    subtitle: ['Labels: time per request · speed relative to cors (array form) in the same run.', 'Same policy, same minimal request/response objects; "floor" writes the same headers with no decision at all.'],
    columns: 2,
    scale: 'log',
    panels: scenarios.map((scenario) => ({
      title: scenario,
      tickLabel: tickNs,
      sections: sizes.map((size) => ({
        title: `${sizeLabel(size)} origin${size === 1 ? '' : 's'} + pattern`,
        bars: subjects
          .map((subject) => rows.find((r) => r.scenario === scenario && r.size === size && r.subject === subject))
          .filter(Boolean)
          .map((r) => ({ label: SHORT[r.subject] ?? r.subject, value: r.ns, text: `${report.fmtNs(r.ns)} · ${report.fmtRatio(r.speedupVsCors)}`, color: colorOf(r.subject) })),
      })),
    })),
  });
}

function frameworksChart(results, group = 'frameworks') {
  const rows = (results.groups[group]?.rows ?? []).filter((r) => r.subject !== 'base');
  if (!rows.length) return undefined;
  const panels = [];
  for (const framework of [...new Set(rows.map((r) => r.framework))]) {
    for (const scenario of [...new Set(rows.map((r) => r.scenario))]) {
      panels.push({
        title: `${framework}: ${scenario}`,
        tickLabel: tickNs,
        sections: [...new Set(rows.map((r) => r.size))].map((size) => ({
          title: `${sizeLabel(size)} origin${size === 1 ? '' : 's'}`,
          bars: rows
            .filter((r) => r.framework === framework && r.scenario === scenario && r.size === size)
            .map((r) => ({ label: group === 'builtin' ? (r.subject === 'corsica' ? 'Corsica' : 'own CORS') : r.subject === 'corsica' ? `@corsica/${framework}` : framework === 'hono' ? 'hono/cors' : '@fastify/cors', value: r.corsShareNs, text: `${report.fmtNs(r.corsShareNs)} (${report.fmtRatio(r.vsBase)} app)`, color: colorOf(r.subject) })),
        })),
      });
    }
  }
  return chart({
    title: group === 'builtin' ? 'CORS share of a request: the frameworks\' own CORS and Corsica' : 'CORS share of a request through Hono (app.fetch) and Fastify (inject)',
    subtitle: ['Time of the app with CORS minus the same app without, in the same rounds (shorter is faster).', 'Labels: CORS share · whole request relative to the app without CORS.'],
    columns: 4,
    scale: 'linear',
    labelWidth: 95,
    barWidth: 120,
    textWidth: 115,
    panels,
  });
}

function adversarialChart(results) {
  const rows = results.groups.adversarial?.rows ?? [];
  if (!rows.length) return undefined;
  return chart({
    title: 'Corsica on hostile inputs (log scale)',
    subtitle: ['Labels: time per decision · relative to an ordinary preflight in the same run · decision reason.', 'Dark: read in full (below the caps, linear). Light: refused at a cap, unread.'],
    scale: 'log',
    labelWidth: 330,
    barWidth: 260,
    textWidth: 260,
    panels: [
      {
        tickLabel: tickNs,
        sections: [{ bars: rows.map((r) => ({ label: r.label, value: r.ns, text: `${report.fmtNs(r.ns)} · ${report.fmtRatio(r.vsBaseline)} · ${r.reason}`, color: r.kind === 'baseline' ? COLORS.base : r.kind === 'linear' ? COLORS.corsica : '#14b8a6' })) }],
      },
    ],
  });
}

function httpChart(results) {
  const rows = results.groups.http?.rows ?? [];
  if (!rows.length) return undefined;
  const frameworks = [...new Set(rows.map((r) => r.framework))];
  return chart({
    title: 'HTTP throughput relative to the same app without CORS (autocannon, 127.0.0.1)',
    subtitle: ['Bars: median of per-round ratios to the no-CORS app (runs back to back); whiskers: their range. Labels: % · median req/s.', 'Dashed lines: the 97% target, and 100%.'],
    columns: 3,
    scale: 'linear',
    labelWidth: 120,
    barWidth: 170,
    textWidth: 105,
    refs: [
      { value: 0.97, label: '97%', color: '#b91c1c' },
      { value: 1, label: '', color: '#0f172a' },
    ],
    panels: frameworks.map((framework) => ({
      title: framework,
      tickLabel: (t) => `${Math.round(t * 100)}%`,
      sections: [...new Set(rows.filter((r) => r.framework === framework).map((r) => `${r.traffic}|${r.connections}`))].map((key) => {
        const [traffic, connections] = key.split('|');
        return {
          title: `${traffic}, ${connections} connections`,
          bars: rows
            .filter((r) => r.framework === framework && r.traffic === traffic && String(r.connections) === connections)
            .map((r) => ({ label: r.variant === 'native' ? r.label.split(' (')[0] : r.variant === 'corsica' ? 'Corsica' : 'no CORS', value: r.vsBaseline, range: r.variant === 'baseline' ? undefined : r.vsBaselineRange, text: `${(r.vsBaseline * 100).toFixed(1)}% · ${Math.round(r.rps).toLocaleString('en-US')}/s`, color: colorOf(r.variant) })),
        };
      }),
    })),
  });
}

function asyncChart(results) {
  const g = results.groups.async;
  if (!g) return undefined;
  const flights = g.singleFlight.map((f) => `cache ${f.cache ? 'on' : 'off'}: ${f.concurrent} concurrent → ${f.resolverCalls} resolver call${f.resolverCalls === 1 ? '' : 's'}`).join('; ');
  return chart({
    title: 'Async origin resolver (log scale)',
    subtitle: ['Labels: time per decision · relative to sync decide in the same run.', `Single-flight: ${flights}.`],
    scale: 'log',
    labelWidth: 330,
    barWidth: 260,
    textWidth: 150,
    panels: [{ tickLabel: tickNs, sections: [{ bars: g.rows.map((r) => ({ label: r.label, value: r.ns, text: `${report.fmtNs(r.ns)} · ${report.fmtRatio(r.vsBaseline)}`, color: r.id === 'sync-static' ? COLORS.base : COLORS.corsica })) }] }],
  });
}

/** The generated region of docs/benchmarks.md. */
function docRegion(results, charts) {
  const parts = [];
  const img = (name, alt) => (charts.includes(name) ? `\n![${alt}](benchmarks/${name})\n` : '');
  parts.push('### Machine and settings\n', report.machineTable(results));
  if (results.quick) parts.push('\n> These figures come from a quick smoke run (`BENCH_QUICK=1`); run `pnpm bench` for real ones.');
  parts.push('\n### Targets\n', report.targetsTable(results));
  const problems = report.problemsList(results);
  if (problems.length) parts.push('\nLeft out or failed in this run:\n', problems.join('\n'));
  if (results.groups.core) {
    parts.push('\n### 1. Core decision against the peers\n', `Baseline: ${results.groups.core.baseline}. A ratio above 1× is faster than cors.`);
    parts.push(img('core.svg', 'Core decision against the peers'));
    for (const t of report.coreTables(results)) parts.push(`\n#### ${t.title}\n`, t.table);
  }
  if (results.groups.frameworks) {
    parts.push('\n### 1b. Hono and Fastify: the CORS share of a request\n', `Baseline: ${results.groups.frameworks.baseline}.`);
    parts.push(img('frameworks.svg', 'CORS share of a request through Hono and Fastify'));
    parts.push('', report.frameworksTable(results));
  }
  if (results.groups.builtin) {
    parts.push('\n### 1c. The frameworks\' own CORS: the CORS share of a request\n', `Baseline: ${results.groups.builtin.baseline}. h3 and itty-router through \`fetch\`, Elysia through \`app.handle\` (on Node), middy by calling the handler with an API Gateway v2 event, hapi through \`server.inject\`; 10 origins and the pattern. Corsica is measured where it has an adapter for the framework (for itty-router: \`withCors\` from \`@corsica/fetch\` around \`router.fetch\`).`);
    parts.push(img('builtin.svg', 'CORS share of a request: the frameworks\' own CORS and Corsica'));
    parts.push('', report.frameworksTable(results, 'builtin'));
  }
  if (results.groups.adversarial) {
    parts.push('\n### 2. Hostile inputs\n', `Baseline: ${results.groups.adversarial.baseline}.`);
    parts.push(img('adversarial.svg', 'Corsica on hostile inputs'));
    parts.push('', report.adversarialTable(results));
  }
  if (results.groups.http) {
    parts.push('\n### 3. HTTP throughput\n', `Baseline: ${results.groups.http.baseline}.`);
    parts.push(img('http.svg', 'HTTP throughput per framework'));
    parts.push('', report.httpTable(results));
  }
  if (results.groups.async) {
    parts.push('\n### 4. Async origin resolver\n', `Baseline: ${results.groups.async.baseline}.`);
    parts.push(img('async.svg', 'Async origin resolver'));
    for (const t of report.asyncTables(results)) parts.push('', t);
  }
  if (results.groups.guard) {
    parts.push('\n### 5. Origin guard\n', `Baseline: ${results.groups.guard.baseline}. 10 origins and the pattern; \`guard: {}\`, and \`guard: { hosts }\` for the last two rows.`);
    parts.push('', report.guardTable(results));
  }
  if (results.profiles?.length) {
    parts.push('\n### CPU profiles of the missed targets\n', 'Self time of the hottest functions under `node --cpu-prof`: Corsica\'s core path in a loop (`bench/profile.mjs`), and for HTTP the Corsica server of the case furthest below its baseline, under autocannon load.');
    for (const t of report.profileTables(results)) parts.push(`\n#### ${t.title}\n`, t.table);
  }
  return parts.join('\n');
}

/** Writes the SVGs and the generated region of the doc; returns what it wrote. */
export function render(results) {
  mkdirSync(CHARTS, { recursive: true });
  const written = [];
  const charts = [];
  for (const [name, make] of [
    ['core.svg', coreChart],
    ['frameworks.svg', frameworksChart],
    ['builtin.svg', (results) => frameworksChart(results, 'builtin')],
    ['adversarial.svg', adversarialChart],
    ['http.svg', httpChart],
    ['async.svg', asyncChart],
  ]) {
    const svg = make(results);
    if (!svg) continue;
    writeFileSync(`${CHARTS}${name}`, svg);
    charts.push(name);
    written.push(`docs/benchmarks/${name}`);
  }
  const docPath = `${DOCS}benchmarks.md`;
  let doc;
  try {
    doc = readFileSync(docPath, 'utf8');
  } catch {
    doc = `# Benchmarks\n\n${BEGIN}\n${END}\n`;
  }
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`corsica bench: docs/benchmarks.md lacks the generated-region markers; put ${BEGIN} and ${END} where the tables go.`);
  doc = `${doc.slice(0, begin + BEGIN.length)}\n${docRegion(results, charts)}\n${doc.slice(end)}`;
  writeFileSync(docPath, doc);
  written.push('docs/benchmarks.md');
  return written;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2] ?? fileURLToPath(new URL('./results/latest.json', import.meta.url));
  const written = render(JSON.parse(readFileSync(file, 'utf8')));
  process.stdout.write(`wrote ${written.join(', ')}\n`);
}
