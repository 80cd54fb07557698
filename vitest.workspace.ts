/**
 * One vitest project per package. Vitest 4 reads projects from `vitest.config.ts`
 * (`test.projects`); this file is the single list both that config and tools import.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));

/** Every `packages/*` folder that has a `package.json`, as a vitest project root. */
export const projects: string[] = readdirSync(packagesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(`${packagesDir}${entry.name}/package.json`))
  .map((entry) => `packages/${entry.name}`)
  .sort();

export default projects;
