/**
 * `corsica export apache` on a real apache in front of a node:http app: the conformance kit for the
 * standard policies, a request-by-request comparison with the core, and the proxy behaviours.
 */
import { exportApache } from '../src/index.js';
import { describeProxyExport } from './helpers/proxy-suite.js';

describeProxyExport('apache', (policy) => exportApache(policy));
