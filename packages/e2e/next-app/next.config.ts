import type { NextConfig } from 'next';

const config: NextConfig = {
  // the app is a fixture inside a pnpm workspace: trace and bundle from the repository root
  outputFileTracingRoot: new URL('../../..', import.meta.url).pathname,
  turbopack: { root: new URL('../../..', import.meta.url).pathname },
};

export default config;
