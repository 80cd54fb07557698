import { defineConfig } from 'tsup';
import { preset } from '../../scripts/tsup-preset.js';

// `adapter` and `compat` are their own entries: applications never load what only adapters or the drop-in path need.
export default defineConfig(preset({ entry: ['src/index.ts', 'src/adapter.ts', 'src/compat.ts'], external: ['tldts'] }));
