// Loaded with `node --import`: installs the TypeScript hooks before the child's entry runs.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
