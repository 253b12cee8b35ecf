import { createHmac, randomUUID } from 'node:crypto';
import { TokensmithError } from '@tokensmith/core/kit';
import OAuth from 'oauth-1.0a';
import { buildAuthorizationHeader } from './authorization-header.js';
import { normalizeMethod, signatureBaseString, type FormBody } from './normalize.js';
import { wellFormed } from './percent-encoding.js';

/**
 * The signature methods tokensmith signs with (RFC 5849 3.4.2 and 3.4.4). RSA-SHA1 is not supported.
 *
 * @example
 * ```ts
 * const method: OAuth1SignatureMethod = 'HMAC-SHA1';
 * ```
 */
export type OAuth1SignatureMethod = 'HMAC-SHA1' | 'PLAINTEXT';

/**
 * What {@link signOAuth1Request} signs: one request, the client and token credentials, and the
 * nonce and timestamp (supplied by the caller so that signing is pure and testable).
 *
 * @example
 * ```ts
 * const input: OAuth1SignInput = { method: 'GET', url, consumerKey, consumerSecret, token, tokenSecret, nonce: createNonce(), timestamp: Math.floor(Date.now() / 1000) };
 * ```
 */
export interface OAuth1SignInput {
  method: string;
  /** The exact request URL; its query parameters are signed. */
  url: string | URL;
  /** A form body (`application/x-www-form-urlencoded`); its parameters are signed. Never JSON. */
  body?: FormBody | undefined;
  consumerKey: string;
  consumerSecret: string;
  /** Token credentials or temporary (request token) credentials; absent for the request token step. */
  token?: string | undefined;
  tokenSecret?: string | undefined;
  nonce: string;
  /** Seconds since the epoch. */
  timestamp: number | string;
  /** Default `HMAC-SHA1`. */
  signatureMethod?: OAuth1SignatureMethod;
  /** `oauth_version`; default `'1.0'`, `null` leaves it out (RFC 5849's own examples do). */
  version?: '1.0' | null;
  /** `oauth_callback` (request token step); `oob` for the PIN flow. */
  callback?: string | undefined;
  /** `oauth_verifier` (access token step): the PIN. */
  verifier?: string | undefined;
  /** `realm` for the header; never signed. */
  realm?: string | undefined;
}

/**
 * The result of {@link signOAuth1Request}. Every field but `baseString` holds the signature: never log it.
 *
 * @example
 * ```ts
 * const { authorization }: OAuth1SignedRequest = signOAuth1Request(input);
 * await fetch(url, { headers: { authorization } });
 * ```
 */
export interface OAuth1SignedRequest {
  /** The `oauth_*` protocol parameters, `oauth_signature` included. */
  oauthParams: Record<string, string>;
  /** The base64 HMAC-SHA1 signature, or the PLAINTEXT signature. */
  signature: string;
  /** The signature base string (RFC 5849 3.4.1). */
  baseString: string;
  /** The `Authorization` header value. */
  authorization: string;
}

const hmacSha1: OAuth.HashFunction = (baseString, key) => createHmac('sha1', key).update(baseString).digest('base64');
const plaintext: OAuth.HashFunction = (_baseString, key) => key;

function library(consumerSecret: string, method: OAuth1SignatureMethod): OAuth {
  return new OAuth({
    consumer: { key: '', secret: wellFormed(consumerSecret) },
    signature_method: method,
    hash_function: method === 'HMAC-SHA1' ? hmacSha1 : plaintext,
  });
}

function requireText(value: unknown, field: string, allowEmpty = false): string {
  if (typeof value !== 'string' || (!allowEmpty && value === ''))
    throw new TokensmithError('signature_error', `${field} must be a ${allowEmpty ? '' : 'non-empty '}string`);
  return value;
}

/**
 * The HMAC-SHA1 signature of RFC 5849 3.4.2: HMAC-SHA1 of the base string keyed with
 * `encode(consumerSecret)&encode(tokenSecret)`, base64-encoded. Signed by `oauth-1.0a`.
 *
 * @example
 * ```ts
 * hmacSha1Signature(baseString, 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00'); // 'MdpQcU8iPSUjWoN/UDMsK2sui9I=' for RFC 5849 1.2
 * ```
 */
export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret = ''): string {
  const oauth = library(consumerSecret, 'HMAC-SHA1');
  return oauth.hash_function(baseString, oauth.getSigningKey(wellFormed(tokenSecret)));
}

/**
 * The PLAINTEXT signature of RFC 5849 3.4.4: `encode(consumerSecret)&encode(tokenSecret)`
 * (percent-encoded once more when it goes into the header). Only safe over TLS.
 *
 * @example
 * ```ts
 * plaintextSignature('ja893SD9', 'xyz4992k83j47x0b'); // 'ja893SD9&xyz4992k83j47x0b' (header: "ja893SD9%26xyz4992k83j47x0b")
 * ```
 */
export function plaintextSignature(consumerSecret: string, tokenSecret = ''): string {
  const oauth = library(consumerSecret, 'PLAINTEXT');
  return oauth.hash_function('', oauth.getSigningKey(wellFormed(tokenSecret)));
}

/**
 * A fresh nonce from node:crypto: a random UUID's 122 random bits as 32 hex characters.
 *
 * @example
 * ```ts
 * createNonce(); // 'f3a9c0...'(32 chars)
 * ```
 */
export function createNonce(): string {
  // randomUUID draws from node:crypto's CSPRNG through Node's entropy cache: 122 random bits,
  // without a randomBytes call per request.
  return randomUUID().replace(/-/g, '');
}

/**
 * Signs one request per RFC 5849 3.4 and builds its `Authorization` header. tokensmith normalises
 * the request and builds the base string (3.4.1: base string URI, query and form-body parameters
 * decoded once, duplicates kept); `oauth-1.0a` derives the key and computes the HMAC-SHA1 or
 * PLAINTEXT signature over it. (Its own normalisation, as shipped, would drop duplicate names,
 * double-encode `c%40` and keep `HTTP://Example.COM:80`.)
 *
 * @example
 * ```ts
 * const { authorization } = signOAuth1Request({
 *   method: 'POST',
 *   url: 'https://api.twitter.com/1.1/statuses/update.json?include_entities=true',
 *   body: { status: 'Hello Ladies + Gentlemen, a signed OAuth request!' },
 *   consumerKey: 'xvz1evFS4wEEPTGEFPHBog', consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
 *   token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb', tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
 *   nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg', timestamp: 1318622958,
 * });
 * // authorization contains oauth_signature="hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D"
 * ```
 */
export function signOAuth1Request(input: OAuth1SignInput): OAuth1SignedRequest {
  if (!input || typeof input !== 'object') throw new TokensmithError('signature_error', 'signOAuth1Request needs an input object');
  const signatureMethod = input.signatureMethod ?? 'HMAC-SHA1';
  if (signatureMethod !== 'HMAC-SHA1' && signatureMethod !== 'PLAINTEXT')
    throw new TokensmithError('signature_error', "signatureMethod must be 'HMAC-SHA1' or 'PLAINTEXT'");
  const consumerKey = requireText(input.consumerKey, 'consumerKey');
  const consumerSecret = requireText(input.consumerSecret, 'consumerSecret', true);
  const nonce = requireText(input.nonce, 'nonce');
  const timestamp = String(input.timestamp);
  if (!/^\d+$/.test(timestamp)) throw new TokensmithError('signature_error', 'timestamp must be a whole number of seconds');
  const method = normalizeMethod(input.method);

  const oauthParams: Record<string, string> = {
    oauth_consumer_key: consumerKey,
    oauth_nonce: nonce,
    oauth_signature_method: signatureMethod,
    oauth_timestamp: timestamp,
  };
  if (input.token !== undefined) oauthParams.oauth_token = requireText(input.token, 'token');
  if (input.version !== null) oauthParams.oauth_version = input.version ?? '1.0';
  if (input.callback !== undefined) oauthParams.oauth_callback = requireText(input.callback, 'callback');
  if (input.verifier !== undefined) oauthParams.oauth_verifier = requireText(input.verifier, 'verifier');
  for (const [name, value] of Object.entries(oauthParams)) oauthParams[name] = wellFormed(value);
  const tokenSecret = wellFormed(input.tokenSecret === undefined ? '' : requireText(input.tokenSecret, 'tokenSecret', true));

  // tokensmith builds the RFC 5849 3.4.1 base string (oauth-1.0a's own would drop duplicate names,
  // double-encode `c%40` and keep `HTTP://Example.COM:80`); oauth-1.0a derives the signing key and
  // signs it. One base string per signature keeps signing as fast as the library used directly.
  const baseString = signatureBaseString({ method, url: input.url, body: input.body, oauthParams });
  const oauth = library(consumerSecret, signatureMethod);
  const signature = oauth.hash_function(baseString, oauth.getSigningKey(tokenSecret));

  const signed = { ...oauthParams, oauth_signature: signature };
  return {
    oauthParams: signed,
    signature,
    baseString,
    authorization: buildAuthorizationHeader(signed, input.realm === undefined ? {} : { realm: input.realm }),
  };
}
