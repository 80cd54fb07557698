/**
 * Public-suffix checks for wildcard patterns. Used by `createPolicy` only, never per request.
 * @module
 */
import { parse } from 'tldts';

/**
 * Reports whether `domain` is a public suffix (ICANN or private section of the Public Suffix
 * List: `com`, `co.uk`, `github.io`, `vercel.app`...), an IP address, or a single label other
 * than `localhost`: in each case `*.domain` would let strangers in.
 */
export function isPublicSuffixOrIp(domain: string): boolean {
  if (domain === 'localhost') return false;
  if (domain.startsWith('[') || !domain.includes('.')) return true;
  const info = parse(domain, { allowPrivateDomains: true });
  if (info.isIp) return true;
  return info.publicSuffix === domain || info.domain === null;
}
