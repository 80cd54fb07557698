import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();
const script = `const p = createPolicy({ origin: 'https://a.example', credentials: true });
const d = p.decide({ method: 'GET', origin: 'https://a.example' });
console.log(JSON.stringify([d.allowed, d.headers['Access-Control-Allow-Origin'], typeof CorsConfigError]));`;

describe('the built package', () => {
  it('has been built (the test command runs `pnpm -r build` first)', () => {
    expect(existsSync(`${root}dist/index.js`) && existsSync(`${root}dist/index.cjs`), 'run `npx pnpm@10 -r build` first').toBe(true);
  });

  it('loads by name from ESM import', () => {
    const out = node(['--input-type=module', '-e', `import { createPolicy, CorsConfigError } from '@corsica/core';\n${script}`]);
    expect(JSON.parse(out)).toEqual([true, 'https://a.example', 'function']);
  });

  it('loads by name from CommonJS require', () => {
    const out = node(['-e', `const { createPolicy, CorsConfigError } = require('@corsica/core');\n${script}`]);
    expect(JSON.parse(out)).toEqual([true, 'https://a.example', 'function']);
  });

  it('ships type declarations for both import and require', () => {
    expect(existsSync(`${root}dist/index.d.ts`)).toBe(true);
    expect(existsSync(`${root}dist/index.d.cts`)).toBe(true);
  });
});
