import { defineConfig } from 'vitest/config';
import { projects } from './vitest.workspace.js';

export default defineConfig({
  test: {
    projects: projects.map((root) => ({
      extends: true,
      test: {
        name: root.replace('packages/', ''),
        root,
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        typecheck: { enabled: true, include: ['src/**/*.test-d.ts', 'test/**/*.test-d.ts'], tsconfig: "tsconfig.json" },
      },
    })),
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
  resolve: {
    // Tests run the TypeScript sources of workspace packages, not their builds.
    conditions: ['@corsica/source', 'module', 'node', 'import', 'default'],
  },
  ssr: {
    resolve: {
      // No 'import' here: these also reach Node's own resolver as --conditions, and with 'import'
      // a CommonJS require() of a dual package (Express 5 requiring is-promise) gets the ESM build.
      conditions: ['@corsica/source', 'node', 'default'],
      externalConditions: ['@corsica/source', 'node', 'default'],
    },
  },
});
