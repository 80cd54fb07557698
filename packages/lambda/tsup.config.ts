import { defineConfig } from 'tsup';
import { preset } from '../../scripts/tsup-preset.js';

export default defineConfig(preset({ entry: ['src/index.ts', 'src/middy.ts'], external: ['@corsica/core', '@middy/core'] }));
