/**
 * A throwaway certificate for the cross-site HTTPS scenarios, made at run time: nothing secret is
 * stored in the repository, and browsers are told to accept it (Chromium's
 * `--ignore-certificate-errors`, Firefox's `acceptInsecureCerts`).
 * @module
 */
import selfsigned from 'selfsigned';

/**
 * A self-signed certificate and key for `hostnames`, valid for one day.
 *
 * @param {readonly string[]} hostnames
 * @returns {{ key: string, cert: string }}
 * @example
 * ```js
 * const tls = testCertificate(['app.test', 'api.test']);
 * https.createServer(tls, handler);
 * ```
 */
export function testCertificate(hostnames) {
  const pems = selfsigned.generate([{ name: 'commonName', value: hostnames[0] ?? 'localhost' }], {
    days: 1,
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: hostnames.map((value) => ({ type: 2, value })) }],
  });
  return { key: pems.private, cert: pems.cert };
}
