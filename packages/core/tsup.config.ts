import { defineConfig } from 'tsup';
import { preset } from '../../scripts/tsup-preset.js';

// `compat` is its own entry so the drop-in translation stays out of the main bundle.
export default defineConfig(preset({ entry: ['src/index.ts', 'src/compat.ts'], external: ['tldts'] }));
