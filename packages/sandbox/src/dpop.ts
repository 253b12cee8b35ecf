import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { calculateJwkThumbprint, decodeProtectedHeader, importJWK, jwtVerify, type JWTPayload } from 'jose';
import type { SandboxRequest } from './http-util.js';
import type { SandboxState } from './state.js';

// DPoP (RFC 9449) as a strict server checks it. A proof's signature is verified with jose before
// the request is routed (jose is async, the sandbox's authenticators are not); the claims (htm,
// htu, iat, nonce, jti, ath) and the key binding are checked where the proof is used: the token
// endpoint and the resource endpoints.

/** The proof algorithms accepted (`dpop_signing_alg_values_supported`). */
export const DPOP_SIGNING_ALGS = ['ES256', 'ES384', 'ES512', 'EdDSA', 'PS256', 'RS256'];

/** A proof's `iat` may be this far from the sandbox's clock (RFC 9449 11.1). */
export const DPOP_IAT_WINDOW_SECONDS = 60;

/** A server nonce is accepted this long after it was issued (by `state.now()`). */
export const DPOP_NONCE_TTL_MS = 5 * 60_000;

/** What the jose check of one request's `DPoP` header found. */
type SignatureCheck = { ok: true; jkt: string; claims: JWTPayload } | { ok: false; description: string };

/** The DPoP memory of one sandbox (`state.extensions.dpop`). */
export interface DPoPData {
  /** Signature checks by request (filled before routing). */
  signatures: WeakMap<SandboxRequest, SignatureCheck>;
  /** Issued nonces -> when they stop being accepted (epoch ms). */
  nonces: Map<string, number>;
  /** The nonce handed out now. */
  current: string | undefined;
  /** Seen `jti`s -> when they may be forgotten (their `iat` is out of the window by then). */
  jtis: Map<string, number>;
  /** Proofs accepted, and refused (by reason), for tests. */
  accepted: number;
  refused: Record<string, number>;
}

/**
 * The DPoP memory of a sandbox (created on first use).
 *
 * @example
 * ```ts
 * dpopData(sandbox.state).accepted; // proofs that passed every check
 * ```
 */
export function dpopData(state: SandboxState): DPoPData {
  const data = ((state.extensions.dpop as DPoPData | undefined) ??= {
    signatures: new WeakMap(),
    nonces: new Map(),
    current: undefined,
    jtis: new Map(),
    accepted: 0,
    refused: {},
  });
  // State restored from a snapshot (the CLI's persistent demo keeps what was issued as JSON) has no
  // per-request table: a WeakMap of live requests is not data, so it is made afresh.
  if (!(data.signatures instanceof WeakMap)) data.signatures = new WeakMap();
  return data;
}

/**
 * The nonce to hand out now (`DPoP-Nonce`), minting a new one when the current one is about to lapse.
 *
 * @example
 * ```ts
 * res.setHeader('dpop-nonce', currentNonce(state));
 * ```
 */
export function currentNonce(state: SandboxState): string {
  const data = dpopData(state);
  const now = state.now();
  const expiresAt = data.current === undefined ? undefined : data.nonces.get(data.current);
  if (data.current === undefined || expiresAt === undefined || expiresAt - now < DPOP_NONCE_TTL_MS / 2) {
    data.current = randomBytes(16).toString('base64url');
    data.nonces.set(data.current, now + DPOP_NONCE_TTL_MS);
  }
  for (const [nonce, until] of data.nonces) if (until <= now) data.nonces.delete(nonce);
  return data.current;
}

async function checkSignature(proof: string, now: number): Promise<SignatureCheck> {
  let header;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    return { ok: false, description: 'the DPoP proof is not a JWS' };
  }
  if (header.typ !== 'dpop+jwt') return { ok: false, description: 'the DPoP proof must have typ dpop+jwt' };
  if (typeof header.alg !== 'string' || !DPOP_SIGNING_ALGS.includes(header.alg))
    return { ok: false, description: `the DPoP proof alg must be one of ${DPOP_SIGNING_ALGS.join(' ')}` };
  const jwk = header.jwk;
  if (!jwk || typeof jwk !== 'object') return { ok: false, description: 'the DPoP proof header must carry the public jwk' };
  if ('d' in jwk || 'p' in jwk || 'k' in jwk) return { ok: false, description: 'the DPoP proof jwk must be a public key' };
  try {
    const key = await importJWK(jwk, header.alg);
    const { payload } = await jwtVerify(proof, key, { typ: 'dpop+jwt', algorithms: DPOP_SIGNING_ALGS, currentDate: new Date(now) });
    return { ok: true, jkt: await calculateJwkThumbprint(jwk, 'sha256'), claims: payload };
  } catch {
    return { ok: false, description: 'the DPoP proof signature does not verify with its jwk' };
  }
}

/**
 * The hook that runs before routing: verifies the signature of a request's `DPoP` header (jose)
 * for the synchronous checks later, and hands every DPoP request the current `DPoP-Nonce`.
 *
 * @example
 * ```ts
 * (state.requestHooks ??= []).push(verifyProofSignature);
 * ```
 */
export async function verifyProofSignature(req: SandboxRequest, res: ServerResponse, state: SandboxState): Promise<void> {
  const header = req.headers.dpop;
  const dpopScheme = /^DPoP\s/i.test(req.headers.authorization ?? '');
  if (header === undefined && !dpopScheme) return;
  res.setHeader('dpop-nonce', currentNonce(state));
  if (header === undefined) return;
  const data = dpopData(state);
  if (Array.isArray(header)) data.signatures.set(req, { ok: false, description: 'exactly one DPoP header is allowed' });
  else data.signatures.set(req, await checkSignature(header, state.now()));
}

/** Why a proof was refused: `use_dpop_nonce` asks the client to retry with the nonce. */
export interface ProofRefusal {
  error: 'invalid_dpop_proof' | 'use_dpop_nonce';
  description: string;
}

/**
 * Checks a request's DPoP proof (RFC 9449 4.3): present and signed (verified before routing),
 * `htm` and `htu` (no query or fragment) this request's, `iat` within the window, a live nonce,
 * a fresh `jti` (a replay is refused), `ath` the hash of `accessToken` when given, and the key
 * `expectedJkt` when the token or refresh token is bound. Returns the key's thumbprint, `null`
 * when there is no proof and none is required, or the refusal.
 *
 * @example
 * ```ts
 * declare const req: SandboxRequest, res: ServerResponse, state: SandboxState, user: UserToken, token: string;
 * const result = checkProof(req, state, { accessToken: token, expectedJkt: user.jkt });
 * if (typeof result === 'object' && result !== null) sendResourceDPoPError(res, result);
 * ```
 */
export function checkProof(
  req: SandboxRequest,
  state: SandboxState,
  expect: { accessToken?: string; expectedJkt?: string | undefined },
): string | null | ProofRefusal {
  const data = dpopData(state);
  const refuse = (error: ProofRefusal['error'], description: string): ProofRefusal => {
    data.refused[error] = (data.refused[error] ?? 0) + 1;
    return { error, description };
  };
  const signature = data.signatures.get(req);
  if (!signature) {
    if (expect.accessToken !== undefined || expect.expectedJkt !== undefined)
      return refuse('invalid_dpop_proof', 'a DPoP proof is required: the token is bound to a key');
    return null;
  }
  if (!signature.ok) return refuse('invalid_dpop_proof', signature.description);
  const { claims, jkt } = signature;
  if (claims.htm !== req.method) return refuse('invalid_dpop_proof', 'the DPoP proof htm does not match the request method');
  if (claims.htu !== `${req.url.origin}${req.url.pathname}`)
    return refuse('invalid_dpop_proof', 'the DPoP proof htu does not match the request URL (without query and fragment)');
  const now = state.now();
  if (typeof claims.iat !== 'number' || Math.abs(claims.iat - now / 1000) > DPOP_IAT_WINDOW_SECONDS)
    return refuse('invalid_dpop_proof', 'the DPoP proof iat is missing or not recent');
  if (typeof claims.jti !== 'string' || claims.jti.length < 16) return refuse('invalid_dpop_proof', 'the DPoP proof needs a random jti');
  const nonceUntil = typeof claims.nonce === 'string' ? data.nonces.get(claims.nonce) : undefined;
  if (nonceUntil === undefined || nonceUntil <= now)
    return refuse('use_dpop_nonce', 'a DPoP nonce from this server is required; use the one in the DPoP-Nonce header');
  for (const [jti, until] of data.jtis) if (until <= now) data.jtis.delete(jti);
  if (data.jtis.has(claims.jti)) return refuse('invalid_dpop_proof', 'the DPoP proof was already used (jti replay)');
  if (expect.accessToken !== undefined) {
    const ath = createHash('sha256').update(expect.accessToken, 'ascii').digest('base64url');
    if (claims.ath !== ath) return refuse('invalid_dpop_proof', 'the DPoP proof ath is not the hash of the presented access token');
  }
  if (expect.expectedJkt !== undefined && jkt !== expect.expectedJkt)
    return refuse('invalid_dpop_proof', 'the DPoP proof is signed by another key than the one the token is bound to');
  data.jtis.set(claims.jti, now + 2 * DPOP_IAT_WINDOW_SECONDS * 1000);
  data.accepted++;
  return jkt;
}

/**
 * Sends a resource server's DPoP error (RFC 9449 7.1): 401 with a `WWW-Authenticate: DPoP`
 * challenge naming the error and the accepted algorithms (the nonce was set before routing).
 *
 * @example
 * ```ts
 * sendResourceDPoPError(res, { error: 'use_dpop_nonce', description: 'nonce required' });
 * ```
 */
export function sendResourceDPoPError(res: ServerResponse, refusal: { error: string; description: string }): void {
  const challenge = `DPoP error="${refusal.error}", error_description="${refusal.description.replace(/["\\]/g, '')}", algs="${DPOP_SIGNING_ALGS.join(' ')}"`;
  const body = JSON.stringify({
    errors: [{ code: 89, message: 'Invalid or expired token.' }],
    error: refusal.error,
    error_description: refusal.description,
  });
  res.writeHead(401, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'www-authenticate': challenge,
  });
  res.end(body);
}
