import { describeConformance } from '@corsica/conformance/vitest';
import { ADAPTER_POLICIES } from '@corsica/test-utils';
import { VERSIONS, startAppWith } from './app.js';

const v5 = VERSIONS.find((v) => v.major === 5)!;
describeConformance(`@corsica/fastify conformance on ${v5.label}`, startAppWith(v5.create), { policies: ADAPTER_POLICIES });
