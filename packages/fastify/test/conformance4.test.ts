import { describeConformance } from '@corsica/conformance/vitest';
import { ADAPTER_POLICIES } from '@corsica/test-utils';
import { VERSIONS, startAppWith } from './app.js';

const v4 = VERSIONS.find((v) => v.major === 4)!;
describeConformance(`@corsica/fastify conformance on ${v4.label}`, startAppWith(v4.create), { policies: ADAPTER_POLICIES });
