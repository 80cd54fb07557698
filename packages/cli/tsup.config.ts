import { defineConfig } from 'tsup';
import { preset } from '../../scripts/tsup-preset.js';

const external = ['@corsica/core', '@corsica/conformance', '@corsica/redis', '@redis/client', 'jiti'];

export default defineConfig([
  // the library: ESM + CJS + .d.ts; the clean keeps the executable the other build writes
  preset({ platform: 'node', external, shims: true, clean: ['!bin.js', '!bin.js.map'] }),
  // the executable: ESM only, with a shebang, no declarations
  preset({ entry: ['src/bin.ts'], format: ['esm'], dts: false, clean: false, platform: 'node', external, banner: { js: '#!/usr/bin/env node' } }),
]);
