/**
 * `corsica export haproxy` on a real haproxy in front of a node:http app: the conformance kit for the
 * standard policies, a request-by-request comparison with the core, and the proxy behaviours.
 */
import { exportHaproxy } from '../src/index.js';
import { describeProxyExport } from './helpers/proxy-suite.js';

describeProxyExport('haproxy', (policy) => exportHaproxy(policy));
