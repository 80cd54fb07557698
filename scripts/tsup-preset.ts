import type { Options } from 'tsup';

/** The build every package shares: ESM + CJS + .d.ts from `src/index.ts`, dependencies external. */
export function preset(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: { compilerOptions: { customConditions: [] } },
    clean: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'neutral',
    tsconfig: 'tsconfig.build.json',
    ...overrides,
  };
}
