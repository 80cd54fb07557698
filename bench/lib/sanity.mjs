/**
 * Checks that a measured subject really did the CORS work of its scenario (an allowed request
 * echoes the origin, a denied one does not, an allowed preflight lists methods), so no figure
 * is ever the speed of a path that silently skipped the work.
 */

/** A case-insensitive header reader over the response shapes the benchmarks meet. */
function headerReader(res) {
  if (res && typeof res.headers?.get === 'function') return (name) => res.headers.get(name) ?? undefined;
  const map = res?.headers ?? {};
  const lower = {};
  for (const key of Object.keys(map)) lower[key.toLowerCase()] = map[key];
  return (name) => {
    const v = lower[name.toLowerCase()];
    return v === undefined || v === false ? undefined : String(v);
  };
}

export function checkSubject(name, scenario, shape, res, subject) {
  const get = headerReader(res);
  const acao = get('access-control-allow-origin');
  const problems = [];
  if (scenario.startsWith('allowed')) {
    if (acao !== shape.headers.origin) problems.push(`ACAO is ${acao}, expected the request origin`);
    if (get('access-control-allow-credentials') !== 'true') problems.push('no ACAC: true');
    if (scenario.endsWith('preflight') && !get('access-control-allow-methods')) problems.push('no ACAM on an allowed preflight');
  } else if (acao !== undefined) {
    problems.push(`ACAO ${acao} sent to a denied origin`);
  }
  return { name, subject, ok: problems.length === 0, problems };
}
