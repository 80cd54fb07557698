/**
 * The release files a maintainer relies on: changesets configuration, per-package changelogs,
 * licence, contributing and security policies, and the CI and release workflows. The workflows
 * cannot run here, so their YAML is parsed and their key fields asserted.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { FOLDERS, PACKAGES_DIR, ROOT_DIR, readManifest } from './support/packages.js';

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, unknown>;
}
interface Workflow {
  readonly name: string;
  readonly on: Record<string, unknown>;
  readonly permissions?: Record<string, string>;
  readonly jobs: Record<string, { 'runs-on': string; steps: Step[]; strategy?: { matrix?: Record<string, unknown> } }>;
}

function workflow(file: string): Workflow {
  const document = parseDocument(readFileSync(join(ROOT_DIR, '.github', 'workflows', file), 'utf8'), { prettyErrors: true });
  expect(document.errors.map(String), `${file} is valid YAML`).toEqual([]);
  expect(document.warnings.map(String), `${file} has no YAML warnings`).toEqual([]);
  return document.toJS() as Workflow;
}

const steps = (w: Workflow): Step[] => Object.values(w.jobs).flatMap((job) => job.steps);
const runs = (w: Workflow): string[] => steps(w).flatMap((s) => (s.run === undefined ? [] : [s.run]));
const rootManifest = (): { scripts?: Record<string, string>; devDependencies?: Record<string, string> } => JSON.parse(readFileSync(join(ROOT_DIR, 'package.json'), 'utf8'));

describe('the release workflow', () => {
  const release = workflow('release.yml');

  it('runs on pushes to main only', () => {
    expect(release.on).toEqual({ push: { branches: ['main'] } });
  });

  it('may mint the OIDC token npm provenance needs, and write the version commit and pull request', () => {
    expect(release.permissions).toEqual({ contents: 'write', 'pull-requests': 'write', 'id-token': 'write' });
  });

  it('builds and runs every test before the changesets action publishes', () => {
    const all = steps(release);
    const action = all.findIndex((s) => s.uses?.startsWith('changesets/action@'));
    expect(action).toBeGreaterThan(0);
    const before = all.slice(0, action).map((s) => s.run ?? '');
    expect(before).toEqual(expect.arrayContaining(['pnpm install --frozen-lockfile', 'pnpm -r build', 'pnpm run test:all']));
  });

  it('publishes through the release script with provenance and an npm token', () => {
    const step = steps(release).find((s) => s.uses?.startsWith('changesets/action@'))!;
    expect(step.uses).toBe('changesets/action@v1');
    expect(step.with).toMatchObject({ version: 'pnpm run version-packages', publish: 'pnpm run release' });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub Actions expressions, not template strings
    expect(step.env).toMatchObject({ NPM_CONFIG_PROVENANCE: 'true', NPM_TOKEN: '${{ secrets.NPM_TOKEN }}', GITHUB_TOKEN: '${{ secrets.GITHUB_TOKEN }}' });
    const node = steps(release).find((s) => s.uses?.startsWith('actions/setup-node@'))!;
    expect(node.with).toMatchObject({ 'registry-url': 'https://registry.npmjs.org' });
    expect(Number(node.with?.['node-version'])).toBeGreaterThanOrEqual(20);
  });

  it('asks npm for provenance in every publishable package as well', () => {
    for (const folder of FOLDERS) expect(readManifest(folder).publishConfig, folder).toMatchObject({ access: 'public', provenance: true });
  });

  it('calls scripts the root package.json defines (changesets version and publish)', () => {
    const scripts = rootManifest().scripts ?? {};
    expect(scripts['version-packages'], 'root script version-packages').toMatch(/changeset version/);
    expect(scripts.release, 'root script release').toMatch(/build.*changeset publish/);
    expect(rootManifest().devDependencies?.['@changesets/cli'], 'root devDependency @changesets/cli').toBeDefined();
  });
});

describe('the CI workflow', () => {
  const ci = workflow('ci.yml');

  it('runs on pushes to main and on every pull request, read-only', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(ci.permissions).toEqual({ contents: 'read' });
  });

  it('installs from the lockfile, builds, type-checks and runs every test on each supported Node major', () => {
    expect(runs(ci)).toEqual(expect.arrayContaining(['pnpm install --frozen-lockfile', 'pnpm -r build', 'pnpm run typecheck', 'pnpm run test:all']));
    const matrix = Object.values(ci.jobs)[0]?.strategy?.matrix?.node as number[];
    expect(matrix).toContain(20);
    expect(Math.min(...matrix)).toBe(20);
  });

  it.each(['ci.yml', 'release.yml'])('pins every action in %s to a major version and gives every step uses or run', (file) => {
    for (const step of steps(workflow(file))) {
      expect(step.uses !== undefined || step.run !== undefined, JSON.stringify(step)).toBe(true);
      if (step.uses !== undefined) expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
    }
  });
});

describe('changesets and the project files', () => {
  it('publishes publicly from main, never versioning private packages', () => {
    const config = JSON.parse(readFileSync(join(ROOT_DIR, '.changeset', 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ access: 'public', baseBranch: 'main', commit: false, privatePackages: { version: false, tag: false }, changelog: '@changesets/cli/changelog' });
    expect(readFileSync(join(ROOT_DIR, '.changeset', 'README.md'), 'utf8')).toContain('pnpm changeset');
  });

  it.each(FOLDERS)('@corsica/%s has a changelog whose newest entry is its current version', (folder) => {
    const changelog = readFileSync(join(PACKAGES_DIR, folder, 'CHANGELOG.md'), 'utf8');
    expect(changelog.startsWith(`# @corsica/${folder}\n`)).toBe(true);
    expect(/^## (\S+)$/m.exec(changelog)?.[1]).toBe(readManifest(folder).version);
  });

  it('has an MIT licence, a contributing guide and a security policy at the root', () => {
    const licence = readFileSync(join(ROOT_DIR, 'LICENSE'), 'utf8');
    expect(licence).toMatch(/^MIT License\n\nCopyright \(c\) 2026 Corsica contributors\n/);
    const contributing = readFileSync(join(ROOT_DIR, 'CONTRIBUTING.md'), 'utf8');
    for (const topic of ['pnpm install', 'vitest', 'pnpm bench', 'adapter', 'pnpm changeset', 'release']) expect(contributing, topic).toContain(topic);
    const security = readFileSync(join(ROOT_DIR, 'SECURITY.md'), 'utf8');
    expect(security).toMatch(/Supported versions/i);
    expect(security).toMatch(/Reporting a vulnerability/i);
    expect(existsSync(join(ROOT_DIR, '.github', 'workflows', 'ci.yml'))).toBe(true);
  });
});
