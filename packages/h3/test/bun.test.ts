/** h3 on the real `bun` binary (npm's `bun` package): h3's own `serve()`, the conformance kit over HTTP. */
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { describeConformance } from '@corsica/conformance/vitest';
import type { CorsOptions } from '@corsica/core';
import { ADAPTER_POLICIES, startChildServer } from '@corsica/test-utils';

const BUN = fileURLToPath(new URL('../node_modules/.bin/bun', import.meta.url));
const startOnBun = (options: CorsOptions) => startChildServer(BUN, ['--conditions=@corsica/source', 'test/bun-server.ts'], { cwd: fileURLToPath(new URL('..', import.meta.url)), env: { CORSICA_OPTIONS: JSON.stringify(options) } });

describeConformance('@corsica/h3 on Bun conformance', startOnBun, { policies: ADAPTER_POLICIES });

it('serves the kit from Bun, not Node', async () => {
  const server = await startOnBun({ origin: '*' });
  try {
    expect(server.info.version).toMatch(/^1\./);
  } finally {
    await server.close();
  }
});
