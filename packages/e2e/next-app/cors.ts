// One policy for both styles. The conformance run starts `next start` once per policy and hands
// it over in CORSICA_TEST_POLICY (read at run time, never inlined by the build).
import { createPolicy } from '@corsica/next';
import type { CorsOptions } from '@corsica/next';

const fallback: CorsOptions = { origin: ['https://app.example.com'], credentials: true, methods: ['GET', 'POST', 'PUT'] };

export const policy = createPolicy(process.env.CORSICA_TEST_POLICY ? (JSON.parse(process.env.CORSICA_TEST_POLICY) as CorsOptions) : fallback);
