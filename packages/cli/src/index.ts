/**
 * `@corsica/cli`: the building blocks of the `corsica` command, usable in-process: load a policy
 * file, explain a request, audit a live URL, export a policy to nginx, or run the whole command.
 * @module
 */
export { run, EXIT, httpPartPath } from './cli.js';
export type { CliIO } from './cli.js';
export { loadPolicyFile, PolicyFileError } from './load.js';
export type { LoadedPolicy } from './load.js';
export { explainRequest, explainUrl, formatExplainUrl, ExplainUrlError, normalizeMethod } from './explain.js';
export type { ExplainInput, ExplainResult, ExplainedRequest, ExplainUrlInput, ExplainUrlResult, ProbedRequest } from './explain.js';
export { formatPredictions, parseEngines, predictCall } from './engines.js';
export type { BrowserEngine, CallPrediction, StandardVerdict } from './engines.js';
export { audit, formatAuditReport, lookAlikes, AuditUsageError, MAX_AUDIT_REQUESTS, MAX_AUDIT_ORIGINS, DEFAULT_AUDIT_TIMEOUT, DEFAULT_AUDIT_CONCURRENCY } from './audit.js';
export type { AuditEngines, AuditOptions, AuditReport, Finding, Severity } from './audit.js';
export { exportNginx, NginxExportError, quoteNginx } from './nginx.js';
export { untranslatable } from './regex.js';
export type { NginxExportOptions, NginxSnippet } from './nginx.js';
export { exportApache } from './apache.js';
export { exportCaddy } from './caddy.js';
export { exportHaproxy } from './haproxy.js';
export { ProxyExportError } from './proxy.js';
export type { ProxyExportOptions, ProxySnippet, ProxyTarget } from './proxy.js';
export { CLOUD_TARGETS, exportCloud } from './cloud.js';
export type { CloudExport, CloudTarget } from './cloud.js';
