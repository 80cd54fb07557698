/**
 * `corsica export nginx` on a real nginx in front of a node:http app: the conformance kit for the
 * standard policies, a request-by-request comparison with the core, and the proxy behaviours.
 */
import { exportNginx } from '../src/index.js';
import { BINARIES, serverVersion } from './helpers/proxies.js';
import { describeProxyExport } from './helpers/proxy-suite.js';

/**
 * What nginx cannot pass, with the reason. Before 1.23.0, `$http_origin` and
 * `$http_access_control_request_headers` hold only the first of several lines (1.23.0 joins them
 * with ", "), so a request with two Origin lines is judged by its first one, and a name on a second
 * Access-Control-Request-Headers line is not checked. Browsers send each on one line.
 */
function joinsRepeatedLines(): boolean {
  if (BINARIES.nginx === undefined) return true;
  const [major = 0, minor = 0] = serverVersion('nginx').replace('nginx/', '').split('.').map(Number);
  return major > 1 || (major === 1 && minor >= 23);
}

describeProxyExport('nginx', (policy) => exportNginx(policy), {
  skip: joinsRepeatedLines() ? [] : ['origin.repeated', 'preflight.origin-repeated'],
  firstLineOnly: !joinsRepeatedLines(),
  // in-label patterns (`https://pr-*.preview.example.com`) are exported to nginx only, so far
  policies: { 'in-label': { origin: ['https://pr-*.preview.example.com', 'https://app-*-staging.example.com:*'], credentials: true, methods: ['PUT'] } },
});
