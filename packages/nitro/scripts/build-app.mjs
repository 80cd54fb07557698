/**
 * Builds the Nitro app in ../app with Nitro's programmatic API to a node-server output under
 * the folder given as the first argument (`<dir>/.output/server/index.mjs`); Nitro's own build
 * folder goes there too, so nothing is written next to the sources but Nitro's cache in
 * app/node_modules. `@corsica/*` resolve to their TypeScript sources (the `@corsica/source`
 * condition), as in every other test, so no `pnpm -r build` is needed first.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, copyPublicAssets, createNitro, prepare } from 'nitro';

const outDir = process.argv[2];
if (outDir === undefined) throw new Error('usage: node scripts/build-app.mjs <output folder>');

const nitro = await createNitro({
  rootDir: fileURLToPath(new URL('../app/', import.meta.url)),
  dev: false,
  preset: 'node-server',
  buildDir: join(outDir, '.nitro'),
  output: { dir: join(outDir, '.output') },
  exportConditions: ['@corsica/source'],
  logLevel: 1,
});
try {
  await prepare(nitro);
  await copyPublicAssets(nitro);
  await build(nitro);
} finally {
  await nitro.close();
}
