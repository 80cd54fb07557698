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
      conditions: ['@corsica/source', 'node', 'import', 'default'],
      externalConditions: ['@corsica/source', 'node', 'import', 'default'],
    },
  },
});
