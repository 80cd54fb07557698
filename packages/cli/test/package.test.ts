import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, hasBuild } from './helpers/cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();
const script = `const { http, location } = exportNginx({ origin: ['https://app.example.com'] });
console.log(JSON.stringify([http.includes('map $http_origin $corsica_origin'), location.includes('return 403'), typeof run]));`;

describe.skipIf(!hasBuild())('the built package', () => {
  it('loads by name from ESM import', () => {
    const out = node(['--input-type=module', '-e', `import { exportNginx, run } from '@corsica/cli';\n${script}`]);
    expect(JSON.parse(out)).toEqual([true, true, 'function']);
  });

  it('loads by name from CommonJS require, policy files included', () => {
    const out = node(['-e', `const { exportNginx, run, loadPolicyFile } = require('@corsica/cli');\n${script}
loadPolicyFile('test/fixtures/compiled.ts').then((l) => console.log(l.policy.config.originMode));`]);
    const [first, second] = out.split('\n');
    expect(JSON.parse(first!)).toEqual([true, true, 'function']);
    expect(second).toBe('dynamic');
  });

  it('ships an executable with a shebang', () => {
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(execFileSync(BIN, ['--version'], { encoding: 'utf8' }).trim()).toBe('0.1.0');
  });
});
