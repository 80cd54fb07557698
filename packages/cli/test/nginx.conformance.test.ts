/**
 * The conformance kit against a real nginx running `corsica export nginx` output in front of a
 * small node:http app: nginx must pass the scenarios the framework adapters pass.
 */
import { afterAll } from 'vitest';
import { describe, it } from 'vitest';
import { describeConformance } from '@corsica/conformance/vitest';
import { exportNginx } from '../src/index.js';
import { NGINX, nginxVersion, startNginx } from './helpers/nginx.js';
import { conformanceRoutes, listen } from './helpers/upstream.js';
import type { Listening } from './helpers/upstream.js';

/**
 * Scenarios nginx cannot pass, with the reason. Before 1.23.0, `$http_origin` holds only the
 * first of several Origin lines (1.23.0 joins them with ", ", which the export refuses), so a
 * request with two Origin lines is judged by its first one. Browsers never send two Origin lines.
 */
function knownLimits(): string[] {
  const [major, minor] = nginxVersion();
  const joinsRepeatedLines = major > 1 || (major === 1 && minor >= 23);
  return joinsRepeatedLines ? [] : ['origin.repeated', 'preflight.origin-repeated'];
}

if (NGINX === undefined) {
  console.warn('corsica: nginx conformance skipped: no nginx binary on PATH (install it with `apt-get install -y nginx`).');
  describe('nginx conformance', () => {
    it.skip('needs nginx on PATH', () => undefined);
  });
} else {
  let upstream: Listening | undefined;
  afterAll(async () => {
    await upstream?.close();
  });
  describeConformance(
    `nginx ${nginxVersion().join('.')} with corsica export nginx`,
    async (policy) => {
      upstream ??= await listen(conformanceRoutes);
      return startNginx(exportNginx(policy), upstream.port);
    },
    { skip: knownLimits() },
  );
}
