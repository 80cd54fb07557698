import { afterAll, beforeAll, describe, it } from 'vitest';
import type { StartedApp } from './app.js';
import { KOA, startApp } from './app.js';
import { DIFFERENTIAL_POLICY, assertMatchesDecide } from './support.js';

describe.each(KOA)('$name', (version) => {
  let app: StartedApp;
  beforeAll(async () => {
    app = await startApp(version, DIFFERENTIAL_POLICY);
  });
  afterAll(() => app.close());

  it('answers every generated request with the status class and CORS headers policy.decide gives for it', async () => {
    await assertMatchesDecide(app.baseUrl);
  });
});
