/**
 * `corsica export caddy` on a real caddy in front of a node:http app: the conformance kit for the
 * standard policies, a request-by-request comparison with the core, and the proxy behaviours.
 */
import { exportCaddy } from '../src/index.js';
import { describeProxyExport } from './helpers/proxy-suite.js';

describeProxyExport('caddy', (policy) => exportCaddy(policy));
