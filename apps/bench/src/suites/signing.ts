import { createHmac } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import { createNonce, signOAuth1Request } from '@tokensmith/oauth1-pin';
import { throughput } from '../stats.js';

// Twitter's "Creating a signature" credentials (public test vector values).
const consumer = { key: 'xvz1evFS4wEEPTGEFPHBog', secret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw' };
const token = { key: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb', secret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE' };

/** The same two requests for both signers: a POST with a form body, a GET with a query. */
const REQUESTS = [
  {
    method: 'POST',
    url: 'https://api.twitter.com/1.1/statuses/update.json?include_entities=true',
    body: { status: 'Hello Ladies + Gentlemen, a signed OAuth request!' },
  },
  {
    method: 'GET',
    url: 'https://api.twitter.com/1.1/statuses/user_timeline.json?screen_name=twitterapi&count=5&exclude_replies=true',
    body: {},
  },
] as const;

/** Signatures per second: tokensmith's signer against `oauth-1.0a` with node:crypto HMAC used directly. */
export function signingThroughput() {
  const raw = new OAuth({
    consumer,
    signature_method: 'HMAC-SHA1',
    hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
  });
  const rawSign = (i: number) => {
    const r = REQUESTS[i % 2]!;
    return raw.toHeader(raw.authorize({ url: r.url, method: r.method, data: r.body }, token)).Authorization;
  };
  const oursSign = (i: number) => {
    const r = REQUESTS[i % 2]!;
    return signOAuth1Request({
      method: r.method,
      url: r.url,
      body: r.body,
      consumerKey: consumer.key,
      consumerSecret: consumer.secret,
      token: token.key,
      tokenSecret: token.secret,
      nonce: createNonce(),
      timestamp: Math.floor(Date.now() / 1000),
    }).authorization;
  };
  // Interleave rounds so drift hits both alike; keep the best of three each.
  let rawPerSec = 0;
  let oursPerSec = 0;
  for (let round = 0; round < 3; round++) {
    rawPerSec = Math.max(rawPerSec, throughput(rawSign));
    oursPerSec = Math.max(oursPerSec, throughput(oursSign));
  }
  return { oursPerSec, rawPerSec };
}
