import { describe, expect, it } from 'vitest';
import type { ConfigWarning } from '../config/problems.js';
import { CORS_PACKAGE, FASTIFY_CORS, HONO_CORS, KOA_CORS } from './profiles.js';
import type { PeerProfile } from './profiles.js';
import { fromPeer, isPeerShape } from './translate.js';

const PROFILES: readonly PeerProfile[] = [CORS_PACKAGE, FASTIFY_CORS, HONO_CORS, KOA_CORS];
const SITE = 'https://www.example.com';

/** Every option name a profile knows the peer by. */
const peerOnly = (p: PeerProfile): string[] => [...Object.keys(p.renames ?? {}), ...(p.ignored ?? []).map((o) => o.name), ...Object.keys(p.kept ?? {}), ...(p.delegates?.option === undefined ? [] : [p.delegates.option])];

describe('peer profiles', () => {
  it.each(PROFILES.flatMap((profile) => peerOnly(profile).map((name) => ({ peer: profile.peer, name, profile }))))('$peer: an option only it has ($name) puts the options on its path', ({ profile, name }) => {
    expect(isPeerShape(profile, { origin: SITE, [name]: undefined })).toBe(true);
  });

  it.each(PROFILES.map((profile) => ({ peer: profile.peer, profile })))('$peer: options that fit Corsica keep Corsica’s meaning', ({ profile }) => {
    expect(isPeerShape(profile, { origin: [SITE], methods: ['GET', 'PUT'], credentials: true, maxAge: 600 })).toBe(false);
  });

  it.each(PROFILES.map((profile) => ({ peer: profile.peer, profile })))('$peer: a call without options is refused, naming the peer’s open default', ({ profile }) => {
    expect(() => fromPeer(profile, undefined)).toThrow(`${profile.calls.none} has no \`origin\`; ${profile.peer} then allowed every origin`);
    expect(() => fromPeer(profile, {})).toThrow(`${profile.calls.empty} has no \`origin\``);
  });

  it('warns about `preflightContinue: true` in the same words for `cors` and `@fastify/cors`', () => {
    const heard = (profile: PeerProfile): ConfigWarning[] => {
      const warnings: ConfigWarning[] = [];
      fromPeer(profile, { origin: SITE, methods: 'PUT', allowedHeaders: [], preflightContinue: true, onWarning: (w: ConfigWarning) => warnings.push(w) });
      return warnings;
    };
    const told = heard(CORS_PACKAGE);
    expect(told.map((w) => w.code)).toEqual(['dropin.option-ignored']);
    expect(heard(FASTIFY_CORS)).toEqual(told);
  });

  it.each([CORS_PACKAGE, FASTIFY_CORS, KOA_CORS].map((profile) => ({ peer: profile.peer, profile })))('$peer: maxAge as a numeric string is seconds', ({ profile }) => {
    const policy = fromPeer(profile, { origin: SITE, methods: 'PUT', allowedHeaders: [], maxAge: '600', onWarning: false }).base;
    expect(typeof policy === 'object' && policy.decide({ method: 'OPTIONS', origin: SITE, requestMethod: 'PUT' }).headers['Access-Control-Max-Age']).toBe('600');
  });
});
