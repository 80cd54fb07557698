import type { CorsOptions } from '@corsica/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { BrowserEngine, ExpectedVerdict, Scenario, ScenarioResult } from '../src/index.js';
import { STANDARD_POLICIES, browserCheck, runConformance, scenariosFor } from '../src/index.js';
import type { StartedServer } from '../src/vitest.js';
import { describeConformance } from '../src/vitest.js';

describe('the public API', () => {
  it('takes Corsica options and returns scenarios and results', () => {
    expectTypeOf(scenariosFor).parameter(0).toEqualTypeOf<CorsOptions>();
    expectTypeOf(scenariosFor).returns.toEqualTypeOf<Scenario[]>();
    expectTypeOf(runConformance).returns.resolves.toEqualTypeOf<ScenarioResult[]>();
    expectTypeOf<Scenario['expect']['verdict']>().toEqualTypeOf<ExpectedVerdict>();
    expectTypeOf<Scenario['request']['headers'][number]>().toEqualTypeOf<readonly [name: string, value: string]>();
  });

  it('indexes STANDARD_POLICIES as possibly missing under noUncheckedIndexedAccess', () => {
    expectTypeOf(STANDARD_POLICIES.public).toEqualTypeOf<CorsOptions | undefined>();
  });

  it('returns a browser verdict with readable header names', () => {
    expectTypeOf(browserCheck({ origin: 'https://a.example', credentials: false }, { status: 200, headers: {} }).exposed).toEqualTypeOf<'*' | readonly string[]>();
  });

  it('takes an optional engine in browserCheck, so existing two-argument calls keep compiling', () => {
    expectTypeOf(browserCheck).parameter(2).toEqualTypeOf<BrowserEngine | undefined>();
    expectTypeOf<BrowserEngine>().toEqualTypeOf<'chromium' | 'firefox' | 'webkit'>();
    // @ts-expect-error: Safari's engine is named webkit
    browserCheck({ origin: 'https://a.example', credentials: false }, { status: 200, headers: {} }, 'safari');
  });

  it('asks describeConformance for a start function returning a StartedServer', () => {
    expectTypeOf(describeConformance).parameter(1).toEqualTypeOf<(policy: CorsOptions) => Promise<StartedServer>>();
    // @ts-expect-error: the start function must be async
    describeConformance('x', () => ({ baseUrl: '', close: async () => undefined }));
  });
});
